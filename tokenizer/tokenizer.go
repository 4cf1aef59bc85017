// Package tokenizer turns text into ALBERT input ids exactly as Hugging Face
// transformers' slow AlbertTokenizer (v4.29) does, and back. It reads the
// SentencePiece unigram model (spiece.model) itself, reproduces
// SentencePiece's normalizer and Viterbi encoder, and adds ALBERT's own
// preprocessing, special tokens, pairs and truncation. Pure Go.
package tokenizer

import (
	"fmt"
	"strings"
)

// Options are AlbertTokenizer's text options.
type Options struct {
	DoLowerCase bool // lower-case the text (AlbertTokenizer default true)
	KeepAccents bool // keep combining marks after NFKD (default false)
}

// DefaultOptions returns AlbertTokenizer's defaults: lower-case, strip accents.
func DefaultOptions() Options { return Options{DoLowerCase: true} }

// Tokenizer encodes text for an ALBERT model. It is safe for concurrent use.
type Tokenizer struct {
	sp                          *spModel
	opts                        Options
	clsID, sepID, maskID, padID int
}

// Load reads a SentencePiece model (the bytes of spiece.model). Only unigram
// models are accepted. Special tokens missing from the vocabulary map to the
// unknown id, as in the reference.
func Load(spieceModel []byte, opts Options) (*Tokenizer, error) {
	m, err := parseModelProto(spieceModel)
	if err != nil {
		return nil, fmt.Errorf("spiece.model: %w", err)
	}
	sp, err := newSPModel(m)
	if err != nil {
		return nil, fmt.Errorf("spiece.model: %w", err)
	}
	return &Tokenizer{
		sp:     sp,
		opts:   opts,
		clsID:  sp.pieceID("[CLS]"),
		sepID:  sp.pieceID("[SEP]"),
		maskID: sp.pieceID("[MASK]"),
		padID:  sp.pieceID("<pad>"),
	}, nil
}

// Encoding is the model input for one text or pair.
type Encoding struct {
	IDs, TypeIDs []int
	Tokens       []string // the piece of each id, [CLS] and [SEP] included
	Truncated    bool     // true when tokens were dropped to fit maxLen
}

// Encode returns [CLS] text [SEP], truncated to maxLen tokens in all (0 = no
// limit). maxLen 1 cannot hold the special tokens and is an error.
func (t *Tokenizer) Encode(text string, maxLen int) (*Encoding, error) {
	if maxLen < 0 || maxLen == 1 {
		return nil, fmt.Errorf("tokenizer: max length %d cannot hold [CLS] and [SEP]", maxLen)
	}
	ids, toks := t.tokenize(text)
	truncated := false
	if maxLen > 0 && len(ids)+2 > maxLen {
		ids, toks = ids[:maxLen-2], toks[:maxLen-2]
		truncated = true
	}
	e := newEncoding(len(ids)+2, truncated)
	e.add(t.clsID, "[CLS]", 0)
	e.addAll(ids, toks, 0)
	e.add(t.sepID, "[SEP]", 0)
	return e, nil
}

// EncodePair returns [CLS] a [SEP] b [SEP] with type ids 0…0 1…1. When the
// pair is longer than maxLen (0 = no limit), tokens are dropped one at a time
// from the end of the longer text, from b when both are as long
// (transformers' longest_first).
func (t *Tokenizer) EncodePair(a, b string, maxLen int) (*Encoding, error) {
	if maxLen < 0 || maxLen == 1 || maxLen == 2 {
		return nil, fmt.Errorf("tokenizer: max length %d cannot hold [CLS] and two [SEP]", maxLen)
	}
	idsA, toksA := t.tokenize(a)
	idsB, toksB := t.tokenize(b)
	truncated := false
	if maxLen > 0 {
		for len(idsA)+len(idsB)+3 > maxLen {
			if len(idsA) > len(idsB) {
				idsA, toksA = idsA[:len(idsA)-1], toksA[:len(toksA)-1]
			} else {
				idsB, toksB = idsB[:len(idsB)-1], toksB[:len(toksB)-1]
			}
			truncated = true
		}
	}
	e := newEncoding(len(idsA)+len(idsB)+3, truncated)
	e.add(t.clsID, "[CLS]", 0)
	e.addAll(idsA, toksA, 0)
	e.add(t.sepID, "[SEP]", 0)
	e.addAll(idsB, toksB, 1)
	e.add(t.sepID, "[SEP]", 1)
	return e, nil
}

func newEncoding(n int, truncated bool) *Encoding {
	return &Encoding{
		IDs:       make([]int, 0, n),
		TypeIDs:   make([]int, 0, n),
		Tokens:    make([]string, 0, n),
		Truncated: truncated,
	}
}

func (e *Encoding) add(id int, tok string, typ int) {
	e.IDs = append(e.IDs, id)
	e.Tokens = append(e.Tokens, tok)
	e.TypeIDs = append(e.TypeIDs, typ)
}

func (e *Encoding) addAll(ids []int, toks []string, typ int) {
	for i := range ids {
		e.add(ids[i], toks[i], typ)
	}
}

// SentencePiece returns raw SentencePiece ids and pieces with no ALBERT
// preprocessing (sentencepiece's encode). An unknown piece's text is the
// normalized text it covers.
func (t *Tokenizer) SentencePiece(text string) (ids []int, pieces []string) {
	return splitPieces(t.sp.encode(text))
}

// Decode turns ids back into text: special, control and unknown ids are
// skipped, byte pieces are reassembled, pieces are joined, U+2581 becomes a
// space and the result is trimmed. Out-of-range ids are skipped.
func (t *Tokenizer) Decode(ids []int) string {
	var b strings.Builder
	for _, id := range ids {
		if id < 0 || id >= len(t.sp.pieces) {
			continue
		}
		p := t.sp.pieces[id]
		switch {
		case id == t.clsID || id == t.sepID || id == t.maskID || id == t.padID:
		case p.typ == typeControl || p.typ == typeUnknown:
		case p.typ == typeByte:
			v, _ := pieceToByte(p.text)
			b.WriteByte(v)
		default:
			b.WriteString(p.text)
		}
	}
	s := strings.ToValidUTF8(b.String(), "\uFFFD")
	return strings.TrimSpace(strings.ReplaceAll(s, spaceSymbol, " "))
}

// Piece returns the piece string of id, or "" when id is out of range.
func (t *Tokenizer) Piece(id int) string {
	if id < 0 || id >= len(t.sp.pieces) {
		return ""
	}
	return t.sp.pieces[id].text
}

// ID returns the id of a vocabulary piece.
func (t *Tokenizer) ID(piece string) (int, bool) {
	id, ok := t.sp.byID[piece]
	return id, ok
}

// VocabSize is the number of pieces; every id is in [0, VocabSize).
func (t *Tokenizer) VocabSize() int { return len(t.sp.pieces) }

// MaskID is the id of [MASK].
func (t *Tokenizer) MaskID() int { return t.maskID }

// CLSID is the id of [CLS].
func (t *Tokenizer) CLSID() int { return t.clsID }

// SEPID is the id of [SEP].
func (t *Tokenizer) SEPID() int { return t.sepID }

// PadID is the id of <pad>.
func (t *Tokenizer) PadID() int { return t.padID }

// UnkID is the id of the unknown piece.
func (t *Tokenizer) UnkID() int { return t.sp.unkID }
