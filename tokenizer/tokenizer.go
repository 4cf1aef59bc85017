// Package tokenizer turns text into model input ids exactly as Hugging Face
// transformers' slow tokenizers (v4.29) do, and back, with each token's place
// in the text. Two tokenizers share one interface:
//
//   - SentencePiece: AlbertTokenizer. It reads the SentencePiece unigram
//     model (spiece.model) itself, reproduces SentencePiece's normalizer and
//     Viterbi encoder, and adds ALBERT's own preprocessing.
//   - WordPiece: BertTokenizer (also DistilBERT's, MobileBERT's, MiniLM's):
//     vocab.txt and tokenizer_config.json, the basic tokenizer and greedy
//     longest-match-first WordPiece.
//
// Both take any text: control characters, NUL included, are tokenized as the
// reference does (ALBERT keeps NUL as its unknown piece, WordPiece deletes
// control characters). Invalid UTF-8 cannot reach a Python tokenizer, so
// Encode and EncodePair refuse it; Tokenize reads each invalid byte as
// U+FFFD, as SentencePiece does.
//
// # Offsets
//
// Every token carries its Span in the original, un-normalized text, with the
// conventions of transformers' fast tokenizers' offset mapping: the end is
// exclusive, special tokens added around a text ([CLS], [SEP]) have the
// empty span {0, 0}, special tokens typed in the text span what was typed.
// Spans are byte offsets, so text[Start:End] is the token's surface;
// CharSpans converts them to character (code point) offsets, which is what
// Python's offset_mapping counts.
//
// A token's surface equals its text modulo normalization: the token without
// its marker (SentencePiece's ▁, WordPiece's ##) is what the tokenizer's own
// normalization makes of text[Start:End] — lower-casing, accent stripping,
// NFKD and SentencePiece's NFKC-based character map, “ and ” turned into ",
// whitespace collapsed or turned into ▁, control characters deleted. In
// detail:
//   - A leading ▁ that stands for a space does not cover the space; a piece
//     that is only ▁ spans the whitespace it stands for, or, when it is the
//     ▁ SentencePiece puts before a text, nothing (an empty span where the
//     text starts).
//   - Deleted characters (combining marks, control characters) belong to
//     the character before them, so "cafe\u0301" gives a piece spanning all
//     five characters; deleted whitespace belongs to no token.
//   - When one input character yields several pieces (ﬁ becomes f and i,
//     ½ becomes 1, ⁄ and 2), they all span that character, the only case
//     in which the spans of consecutive tokens overlap.
//   - An unknown token ([UNK]) spans the whole word it replaces.
//
// In a pair, each token's span points into its own text: the first text for
// type id 0, the second for type id 1.
package tokenizer

import (
	"fmt"
	"unicode/utf8"
)

// Tokenizer is a model's tokenizer: *SentencePiece or *WordPiece. Encode,
// EncodePair, Assemble and AssemblePair build model input from it. All
// implementations are safe for concurrent use.
type Tokenizer interface {
	// Tokenize splits text into tokens, with no special tokens added
	// (special tokens typed in the text are kept whole, as the reference
	// does). Invalid UTF-8 bytes are read as U+FFFD.
	Tokenize(text string) Pieces
	// Specials returns the ids of the special tokens.
	Specials() Specials
	// Piece returns the vocabulary entry of id, or "" when id has none.
	Piece(id int) string
	// VocabSize bounds the ids: every id is in [0, VocabSize).
	VocabSize() int
	// Decode turns ids back into text, leaving out special tokens, as
	// transformers' decode(ids, skip_special_tokens=True) does.
	Decode(ids []int) string
}

// Specials are the ids of a model's special tokens, read from its
// vocabulary (for ALBERT [CLS], [SEP], [MASK], <pad> and <unk>).
type Specials struct {
	CLS, SEP, Mask, Pad, Unk int
}

// Span is a token's place in its text: the bytes text[Start:End].
type Span struct{ Start, End int }

// Pieces are tokens: their ids, their vocabulary pieces (Tokens[i] is
// Piece(IDs[i]), so an unknown token reads <unk> or [UNK], as in
// convert_ids_to_tokens; its span gives the text it stands for) and their
// spans in the text they came from. The three slices have the same length.
type Pieces struct {
	IDs     []int
	Tokens  []string
	Offsets []Span
}

// newPieces returns empty Pieces with room for n tokens.
func newPieces(n int) Pieces {
	return Pieces{IDs: make([]int, 0, n), Tokens: make([]string, 0, n), Offsets: make([]Span, 0, n)}
}

// Len is the number of tokens.
func (p Pieces) Len() int { return len(p.IDs) }

// Slice returns tokens [i, j), sharing p's memory.
func (p Pieces) Slice(i, j int) Pieces {
	return Pieces{IDs: p.IDs[i:j:j], Tokens: p.Tokens[i:j:j], Offsets: p.Offsets[i:j:j]}
}

// add appends one token.
func (p *Pieces) add(id int, token string, sp span) {
	p.IDs = append(p.IDs, id)
	p.Tokens = append(p.Tokens, token)
	p.Offsets = append(p.Offsets, Span{int(sp.start), int(sp.end)})
}

// truncate keeps the first n tokens.
func (p *Pieces) truncate(n int) {
	p.IDs, p.Tokens, p.Offsets = p.IDs[:n], p.Tokens[:n], p.Offsets[:n]
}

// Encoding is the model input for one text or pair: the tokens with the
// model's special tokens, and a token type id for each.
type Encoding struct {
	Pieces
	TypeIDs   []int
	Truncated bool // true when tokens were dropped to fit the maximum length
}

// Encode returns [CLS] text [SEP], truncated to maxLen tokens in all (0 = no
// limit). maxLen 1 cannot hold the special tokens and is an error, as is
// text that is not valid UTF-8.
func Encode(t Tokenizer, text string, maxLen int) (*Encoding, error) {
	if maxLen < 0 || maxLen == 1 {
		return nil, fmt.Errorf("tokenizer: max length %d cannot hold [CLS] and [SEP]", maxLen)
	}
	if err := CheckUTF8(text); err != nil {
		return nil, err
	}
	p := t.Tokenize(text)
	truncated := maxLen > 0 && p.Len()+2 > maxLen
	if truncated {
		p = p.Slice(0, maxLen-2)
	}
	e := Assemble(t, p)
	e.Truncated = truncated
	return e, nil
}

// EncodePair returns [CLS] a [SEP] b [SEP] with type ids 0…0 1…1. When the
// pair is longer than maxLen (0 = no limit), tokens are dropped one at a time
// from the end of the longer text, from b when both are as long
// (transformers' longest_first). Text that is not valid UTF-8 is an error.
func EncodePair(t Tokenizer, a, b string, maxLen int) (*Encoding, error) {
	if maxLen < 0 || maxLen == 1 || maxLen == 2 {
		return nil, fmt.Errorf("tokenizer: max length %d cannot hold [CLS] and two [SEP]", maxLen)
	}
	if err := CheckUTF8(a); err != nil {
		return nil, err
	}
	if err := CheckUTF8(b); err != nil {
		return nil, fmt.Errorf("pair: %w", err)
	}
	pa, pb := t.Tokenize(a), t.Tokenize(b)
	na, nb := pa.Len(), pb.Len()
	truncated := maxLen > 0 && na+nb+3 > maxLen
	for maxLen > 0 && na+nb+3 > maxLen {
		if na > nb {
			na--
		} else {
			nb--
		}
	}
	e := AssemblePair(t, pa.Slice(0, na), pb.Slice(0, nb))
	e.Truncated = truncated
	return e, nil
}

// Assemble returns [CLS] p [SEP], all of type 0.
func Assemble(t Tokenizer, p Pieces) *Encoding {
	e := newEncoding(p.Len() + 2)
	sp := t.Specials()
	e.addSpecial(t, sp.CLS, 0)
	e.addAll(p, 0)
	e.addSpecial(t, sp.SEP, 0)
	return e
}

// AssemblePair returns [CLS] a [SEP] b [SEP], of types 0 up to the first
// [SEP] and 1 after it. With a a question and b a window of a context
// tokenized once, this is one window of extractive question answering.
func AssemblePair(t Tokenizer, a, b Pieces) *Encoding {
	e := newEncoding(a.Len() + b.Len() + 3)
	sp := t.Specials()
	e.addSpecial(t, sp.CLS, 0)
	e.addAll(a, 0)
	e.addSpecial(t, sp.SEP, 0)
	e.addAll(b, 1)
	e.addSpecial(t, sp.SEP, 1)
	return e
}

func newEncoding(n int) *Encoding {
	return &Encoding{Pieces: newPieces(n), TypeIDs: make([]int, 0, n)}
}

// addSpecial appends a special token that stands for no text.
func (e *Encoding) addSpecial(t Tokenizer, id, typ int) {
	e.add(id, t.Piece(id), span{})
	e.TypeIDs = append(e.TypeIDs, typ)
}

func (e *Encoding) addAll(p Pieces, typ int) {
	e.IDs = append(e.IDs, p.IDs...)
	e.Tokens = append(e.Tokens, p.Tokens...)
	e.Offsets = append(e.Offsets, p.Offsets...)
	for range p.Len() {
		e.TypeIDs = append(e.TypeIDs, typ)
	}
}

// CheckUTF8 returns an error naming the first byte of s that is not part of
// valid UTF-8, or nil.
func CheckUTF8(s string) error {
	if utf8.ValidString(s) {
		return nil
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return fmt.Errorf("text is not valid UTF-8 (byte %d)", i)
		}
		i += n
	}
	return nil
}

// CharSpans converts byte spans of text into character (code point) spans,
// the unit of Python's offset_mapping. Each byte that is not part of valid
// UTF-8 counts as one character, as in []rune(text). A byte offset inside a
// character counts as that character's start.
func CharSpans(text string, spans []Span) []Span {
	chars := make([]int, len(text)+1) // chars[i]: characters before byte i
	n := 0
	for i := 0; i < len(text); {
		_, w := utf8.DecodeRuneInString(text[i:])
		for j := i; j < i+w; j++ {
			chars[j] = n
		}
		n++
		i += w
	}
	chars[len(text)] = n
	out := make([]Span, len(spans))
	for i, s := range spans {
		out[i] = Span{chars[clamp(s.Start, len(text))], chars[clamp(s.End, len(text))]}
	}
	return out
}

func clamp(i, n int) int { return max(0, min(i, n)) }
