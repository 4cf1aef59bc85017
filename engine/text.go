package engine

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

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
// [CLS] text [SEP] pair [SEP] when pair is not empty. Input longer than
// max_position_embeddings tokens is truncated (Encoding.Truncated says so),
// or refused when the model was opened with NoTruncate. Text that is not
// valid UTF-8 or holds NUL bytes is refused: it is almost always a binary
// file or a broken pipe, not a sentence.
func (mod *Model) Encode(text, pair string) (*tokenizer.Encoding, error) {
	if mod.tok == nil {
		return nil, ErrNoTokenizer
	}
	if err := checkText(text); err != nil {
		return nil, err
	}
	if err := checkText(pair); err != nil {
		return nil, fmt.Errorf("pair: %w", err)
	}
	limit := mod.cfg.MaxPositionEmbeddings
	var enc *tokenizer.Encoding
	var err error
	if pair != "" {
		enc, err = mod.tok.EncodePair(text, pair, limit)
	} else {
		enc, err = mod.tok.Encode(text, limit)
	}
	if err == nil && enc.Truncated && mod.noTruncate {
		return nil, fmt.Errorf("text is longer than the model's %d tokens (max_position_embeddings)", limit)
	}
	return enc, err
}

// checkText refuses text that is not valid UTF-8 or holds NUL bytes.
func checkText(s string) error {
	if !utf8.ValidString(s) {
		for i, r := range s {
			if r == utf8.RuneError {
				if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
					return fmt.Errorf("text is not valid UTF-8 (byte %d)", i)
				}
			}
		}
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		return fmt.Errorf("text holds a NUL byte (byte %d)", i)
	}
	return nil
}
