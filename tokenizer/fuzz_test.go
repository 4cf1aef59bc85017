package tokenizer

import (
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkIDs fails unless every id is in [0, VocabSize) and every token is
// the piece of its id.
func checkIDs(t *testing.T, tok Tokenizer, what string, p Pieces) {
	t.Helper()
	for i, id := range p.IDs {
		if id < 0 || id >= tok.VocabSize() {
			t.Fatalf("%s: id %d out of range [0, %d)", what, id, tok.VocabSize())
		}
		if p.Tokens[i] != tok.Piece(id) {
			t.Fatalf("%s: token %q is not the piece %q of id %d", what, p.Tokens[i], tok.Piece(id), id)
		}
	}
}

// FuzzEncode feeds arbitrary bytes to every entry point of both tokenizers
// (ALBERT's SentencePiece, and WordPiece uncased and cased): no panic, ids
// in range, the same result twice, spans within the text, on character
// boundaries, in order and overlapping only within one character;
// truncation to the limit; invalid UTF-8 refused by Encode alone.
func FuzzEncode(f *testing.F) {
	albert := loadTestTokenizer(f, tinyModel)
	toks := []Tokenizer{albert, loadWordPiece(f, false), loadWordPiece(f, true)}
	f.Add([]byte("Hello [MASK] world, 1,000 times!"))
	f.Add([]byte("a\xffb\x00\u0130\u03a3\u0301"))
	f.Fuzz(func(t *testing.T, data []byte) {
		text := string(data)
		for _, tok := range toks {
			p := tok.Tokenize(text)
			checkIDs(t, tok, "Tokenize", p)
			checkSpanOrder(t, text, p)
			again := tok.Tokenize(text)
			if !slices.Equal(p.IDs, again.IDs) || !slices.Equal(p.Offsets, again.Offsets) {
				t.Fatal("Tokenize not deterministic")
			}
			_ = tok.Decode(p.IDs)
			enc, err := Encode(tok, text, 0)
			if !utf8.Valid(data) {
				if err == nil || !strings.Contains(err.Error(), "not valid UTF-8") {
					t.Fatalf("Encode of invalid UTF-8: error %v", err)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if enc.Len() != p.Len()+2 || len(enc.TypeIDs) != enc.Len() || !slices.Equal(enc.IDs[1:enc.Len()-1], p.IDs) {
				t.Fatalf("Encode: %v, Tokenize: %v", enc.IDs, p.IDs)
			}
			short, err := Encode(tok, text, 8)
			if err != nil || short.Len() > 8 || short.Truncated != (enc.Len() > 8) {
				t.Fatalf("Encode(8): %v %v", short, err)
			}
			half := len(text) / 2
			for !utf8.RuneStart(at(text, half)) {
				half--
			}
			pair, err := EncodePair(tok, text[:half], text[half:], 16)
			if err != nil || pair.Len() > 16 {
				t.Fatalf("EncodePair(16): %v %v", pair, err)
			}
			checkIDs(t, tok, "EncodePair", pair.Pieces)
		}
		ids, pieces := albert.Raw(text)
		if len(ids) != len(pieces) {
			t.Fatalf("Raw: %d ids, %d pieces", len(ids), len(pieces))
		}
		for _, id := range ids {
			if id < 0 || id >= albert.VocabSize() {
				t.Fatalf("Raw: id %d out of range", id)
			}
		}
		checkPlainAt(t, albert.sp.norm, text)
	})
}

// checkPlainAt verifies the normalizer's ASCII shortcut against the general
// rule: wherever plainAt holds, normalizePrefix keeps that one byte.
func checkPlainAt(t *testing.T, n *normalizer, text string) {
	for i := range len(text) {
		if !n.plainAt(text, i) {
			continue
		}
		if r, l := n.normalizePrefix(text[i:]); l != 1 || r != text[i:i+1] {
			t.Fatalf("plainAt(%q, %d) but normalizePrefix gives %q, %d", text, i, r, l)
		}
	}
}

// FuzzLoad feeds arbitrary bytes to Load: an error or a working tokenizer,
// never a panic.
func FuzzLoad(f *testing.F) {
	if data, err := os.ReadFile(tinyModel); err == nil {
		f.Add(data)
	}
	f.Add(testModel{pieces: basePieces()}.bytes())
	f.Add(testModel{pieces: append(basePieces(), protoPiece{"ba", 0, typeUserDefined})}.bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, err := LoadSentencePiece(data, DefaultOptions())
		if err != nil {
			return
		}
		for _, s := range []string{"", "Hello [MASK] world, 1,000!", "ab\xff é ba"} {
			p := tok.Tokenize(s)
			checkIDs(t, tok, "Tokenize", p)
			checkSpanOrder(t, s, p)
			ids, _ := tok.Raw(s)
			for _, id := range ids {
				if id < 0 || id >= tok.VocabSize() {
					t.Fatalf("Raw: id %d out of range", id)
				}
			}
			_ = tok.Decode(p.IDs)
			checkPlainAt(t, tok.sp.norm, s)
		}
	})
}
