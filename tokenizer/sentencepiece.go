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

// SentencePiece is ALBERT's tokenizer: transformers' AlbertTokenizer over a
// SentencePiece unigram model. It is safe for concurrent use.
type SentencePiece struct {
	sp       *spModel
	opts     Options
	specials Specials
}

// albertSpecials are the tokens AlbertTokenizer recognises when they are
// typed in the text (its unique_no_split_tokens).
var albertSpecials = newSpecialSet([]string{"[CLS]", "[SEP]", "[MASK]", "<pad>", "<unk>"})

// LoadSentencePiece reads a SentencePiece model (the bytes of spiece.model).
// Only unigram models are accepted. Special tokens missing from the
// vocabulary map to the unknown id, as in the reference.
func LoadSentencePiece(spieceModel []byte, opts Options) (*SentencePiece, error) {
	m, err := parseModelProto(spieceModel)
	if err != nil {
		return nil, fmt.Errorf("spiece.model: %w", err)
	}
	sp, err := newSPModel(m)
	if err != nil {
		return nil, fmt.Errorf("spiece.model: %w", err)
	}
	return &SentencePiece{
		sp:   sp,
		opts: opts,
		specials: Specials{
			CLS:  sp.pieceID("[CLS]"),
			SEP:  sp.pieceID("[SEP]"),
			Mask: sp.pieceID("[MASK]"),
			Pad:  sp.pieceID("<pad>"),
			Unk:  sp.unkID,
		},
	}, nil
}

// Raw returns raw SentencePiece ids and pieces with no ALBERT preprocessing
// (sentencepiece's encode). An unknown piece's text is the normalized text
// it covers.
func (t *SentencePiece) Raw(text string) (ids []int, pieces []string) {
	ws := getWorkspace()
	defer ws.release()
	ps, _ := t.sp.encode(newAligned(ws, text))
	ids = make([]int, len(ps))
	pieces = make([]string, len(ps))
	for i, p := range ps {
		ids[i], pieces[i] = p.id, p.text
	}
	return ids, pieces
}

// Decode turns ids back into text: special, control and unknown ids are
// skipped, byte pieces are reassembled, pieces are joined, U+2581 becomes a
// space and the result is trimmed. Out-of-range ids are skipped.
func (t *SentencePiece) Decode(ids []int) string {
	var b strings.Builder
	for _, id := range ids {
		if id < 0 || id >= len(t.sp.pieces) {
			continue
		}
		p := t.sp.pieces[id]
		sp := t.specials
		switch {
		case id == sp.CLS || id == sp.SEP || id == sp.Mask || id == sp.Pad:
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
func (t *SentencePiece) Piece(id int) string {
	if id < 0 || id >= len(t.sp.pieces) {
		return ""
	}
	return t.sp.pieces[id].text
}

// ID returns the id of a vocabulary piece.
func (t *SentencePiece) ID(piece string) (int, bool) {
	id, ok := t.sp.byID[piece]
	return id, ok
}

// VocabSize is the number of pieces; every id is in [0, VocabSize).
func (t *SentencePiece) VocabSize() int { return len(t.sp.pieces) }

// Specials returns the ids of [CLS], [SEP], [MASK], <pad> and <unk>.
func (t *SentencePiece) Specials() Specials { return t.specials }
