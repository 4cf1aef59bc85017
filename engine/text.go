package engine

import (
	"errors"
	"fmt"

	"github.com/albertq/albertq/tokenizer"
)

// ErrNoTokenizer is returned for text input when the model has no spiece.model.
var ErrNoTokenizer = errors.New("the model has no tokenizer (spiece.model): give token ids instead")

// loadTokenizer reads the model's SentencePiece model, if it has one.
func (mod *Model) loadTokenizer(spiece []byte) error {
	if len(spiece) == 0 {
		return nil
	}
	t, err := tokenizer.LoadSentencePiece(spiece, tokenizer.Options{DoLowerCase: mod.cfg.DoLowerCase, KeepAccents: mod.cfg.KeepAccents})
	if err != nil {
		return err
	}
	mod.tok = t
	return nil
}

// Tokenizer is the model's tokenizer, or nil when it has none.
func (mod *Model) Tokenizer() tokenizer.Tokenizer { return mod.tok }

// Encode tokenizes text as the model's input, [CLS] text [SEP], or the pair
// [CLS] text [SEP] pair [SEP] when pair is not empty, exactly as the
// reference tokenizer does for any text, control characters and NUL
// included. Input longer than max_position_embeddings tokens is truncated
// (Encoding.Truncated says so), or refused when the model was opened with
// NoTruncate. Text that is not valid UTF-8 is refused, naming the byte.
func (mod *Model) Encode(text, pair string) (*tokenizer.Encoding, error) {
	if mod.tok == nil {
		return nil, ErrNoTokenizer
	}
	limit := mod.cfg.MaxPositionEmbeddings
	var enc *tokenizer.Encoding
	var err error
	if pair != "" {
		enc, err = tokenizer.EncodePair(mod.tok, text, pair, limit)
	} else {
		enc, err = tokenizer.Encode(mod.tok, text, limit)
	}
	if err == nil && enc.Truncated && mod.noTruncate {
		return nil, fmt.Errorf("text is longer than the model's %d tokens (max_position_embeddings)", limit)
	}
	return enc, err
}
