package engine

import (
	"errors"

	"github.com/albertq/albertq/tokenizer"
)

// ErrNoTokenizer is returned for text input when the model has no spiece.model.
var ErrNoTokenizer = errors.New("the model has no tokenizer (spiece.model): give token ids instead")

// loadTokenizer reads the model's SentencePiece model, if it has one.
func (mod *Model) loadTokenizer(spiece []byte) error {
	if len(spiece) == 0 {
		return nil
	}
	t, err := tokenizer.Load(spiece, tokenizer.Options{DoLowerCase: mod.cfg.DoLowerCase, KeepAccents: mod.cfg.KeepAccents})
	if err != nil {
		return err
	}
	mod.tok = t
	return nil
}

// Tokenizer is the model's tokenizer, or nil when it has none.
func (mod *Model) Tokenizer() *tokenizer.Tokenizer { return mod.tok }

// Encode tokenizes text as the model's input, [CLS] text [SEP], or the pair
// [CLS] text [SEP] pair [SEP] when pair is not empty, truncated to the
// model's max_position_embeddings (Encoding.Truncated says so).
func (mod *Model) Encode(text, pair string) (*tokenizer.Encoding, error) {
	if mod.tok == nil {
		return nil, ErrNoTokenizer
	}
	if pair != "" {
		return mod.tok.EncodePair(text, pair, mod.cfg.MaxPositionEmbeddings)
	}
	return mod.tok.Encode(text, mod.cfg.MaxPositionEmbeddings)
}
