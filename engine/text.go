package engine

import (
	"errors"
	"fmt"

	"github.com/albertq/albertq/tokenizer"
)

// ErrNoTokenizer is returned for text input when the model has no tokenizer.
var ErrNoTokenizer = errors.New("the model has no tokenizer (spiece.model or vocab.txt): give token ids instead")

// loadTokenizer reads the model's tokenizer, if it has one: a WordPiece
// vocabulary when the config has WordPiece settings, else a SentencePiece
// model.
func (mod *Model) loadTokenizer(data []byte) error {
	if len(data) == 0 {
		return nil
	}
	var err error
	if wp := mod.cfg.WordPiece; wp != nil {
		mod.tok, err = tokenizer.LoadWordPiece(data, *wp)
	} else {
		mod.tok, err = tokenizer.LoadSentencePiece(data, tokenizer.Options{DoLowerCase: mod.cfg.DoLowerCase, KeepAccents: mod.cfg.KeepAccents})
	}
	return err
}

// Tokenizer is the model's tokenizer, or nil when it has none.
func (mod *Model) Tokenizer() tokenizer.Tokenizer { return mod.tok }

// Encode tokenizes text as the model's input, [CLS] text [SEP], or the pair
// [CLS] text [SEP] pair [SEP] when pair is not empty, exactly as the
// reference tokenizer does for any text, control characters and NUL
// included. Input longer than the model takes (max_position_embeddings, or
// a sentence-transformers model's max_seq_length) is truncated
// (Encoding.Truncated says so), or refused when the model was opened with
// NoTruncate. Text that is not valid UTF-8 is refused, naming the byte.
func (mod *Model) Encode(text, pair string) (*tokenizer.Encoding, error) {
	if mod.tok == nil {
		return nil, ErrNoTokenizer
	}
	limit := mod.cfg.MaxTokens()
	var enc *tokenizer.Encoding
	var err error
	if pair != "" {
		enc, err = tokenizer.EncodePair(mod.tok, text, pair, limit)
	} else {
		enc, err = tokenizer.Encode(mod.tok, text, limit)
	}
	if err == nil && enc.Truncated && mod.noTruncate {
		return nil, fmt.Errorf("text is longer than the model's %d tokens", limit)
	}
	return enc, err
}
