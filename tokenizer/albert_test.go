package tokenizer

import (
	"os"
	"slices"
	"testing"
)

func TestSpecialTokensInText(t *testing.T) {
	tok := loadTestTokenizer(t, tinyModel)
	// Lower-casing runs before special tokens are split off, so "<PAD>" becomes
	// the special token "<pad>"; "[mask]" stays text.
	enc, _ := Encode(tok, "x <PAD> [MASK]", 0)
	if !slices.Contains(enc.IDs, tok.Specials().Pad) || !slices.Contains(enc.IDs, tok.Specials().Mask) {
		t.Errorf("ids %v lack pad %d or mask %d", enc.IDs, tok.Specials().Pad, tok.Specials().Mask)
	}
	enc, _ = Encode(tok, "[mask]", 0)
	if slices.Contains(enc.IDs, tok.Specials().Mask) {
		t.Errorf("[mask] recognised as special: %v", enc.IDs)
	}
	data, _ := os.ReadFile(tinyModel)
	cased, err := LoadSentencePiece(data, Options{DoLowerCase: false})
	if err != nil {
		t.Fatal(err)
	}
	enc, _ = Encode(cased, "<PAD>", 0)
	if slices.Contains(enc.IDs, tok.Specials().Pad) {
		t.Errorf("without lower-casing <PAD> became special: %v", enc.IDs)
	}
}

func TestOptions(t *testing.T) {
	data, _ := os.ReadFile(tinyModel)
	tok, err := LoadSentencePiece(data, Options{DoLowerCase: false, KeepAccents: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.preprocess(newAligned(nil, "  Café  ''X'' ")).String(); got != `Café "X"` {
		t.Errorf("preprocess = %q", got)
	}
}

func TestTruncation(t *testing.T) {
	tok := loadTestTokenizer(t, tinyModel)
	full, _ := Encode(tok, "one two three four five", 0)
	n := len(full.IDs)
	for _, maxLen := range []int{2, 3, n - 1, n, n + 5} {
		enc, err := Encode(tok, "one two three four five", maxLen)
		if err != nil {
			t.Fatal(err)
		}
		want := min(maxLen, n)
		if len(enc.IDs) != want || enc.Truncated != (maxLen < n) || enc.IDs[want-1] != tok.Specials().SEP {
			t.Errorf("maxLen %d: %v truncated=%v", maxLen, enc.IDs, enc.Truncated)
		}
		if !slices.Equal(enc.IDs[:want-1], full.IDs[:want-1]) {
			t.Errorf("maxLen %d: not a prefix: %v", maxLen, enc.IDs)
		}
	}
	if _, err := Encode(tok, "x", 1); err == nil {
		t.Error("Encode maxLen 1: no error")
	}
	if _, err := EncodePair(tok, "x", "y", 2); err == nil {
		t.Error("EncodePair maxLen 2: no error")
	}
	// Longest first; on a tie the second text loses a token.
	a, _ := Encode(tok, "one two three", 0)
	la := len(a.IDs) - 2
	pair, _ := EncodePair(tok, "one two three", "one two three", 2*la+3-1)
	if !pair.Truncated || slices.Index(pair.IDs, tok.Specials().SEP) != la+1 || len(pair.IDs) != 2*la+2 {
		t.Errorf("tie: %v", pair.IDs)
	}
	pair, _ = EncodePair(tok, "one two three", "one", 3+2)
	if slices.Index(pair.IDs, tok.Specials().SEP) != 2 || pair.TypeIDs[len(pair.TypeIDs)-1] != 1 {
		t.Errorf("longest first: %v %v", pair.IDs, pair.TypeIDs)
	}
}

func TestDecodeAndPieces(t *testing.T) {
	tok := loadTestTokenizer(t, tinyModel)
	enc, _ := Encode(tok, "Hello [MASK] world, 1,000 times!", 0)
	if got := tok.Decode(enc.IDs); got != "hello world, 1,000 times!" {
		t.Errorf("Decode = %q", got)
	}
	if got := tok.Decode([]int{-1, tok.VocabSize(), tok.Specials().CLS}); got != "" {
		t.Errorf("Decode of junk = %q", got)
	}
	for id := 0; id < tok.VocabSize(); id++ {
		if got, ok := tok.ID(tok.Piece(id)); !ok || got != id {
			t.Fatalf("ID(Piece(%d)) = %d, %v", id, got, ok)
		}
	}
	if tok.Piece(-1) != "" || tok.Piece(tok.VocabSize()) != "" {
		t.Error("Piece out of range not empty")
	}
	if tok.Piece(tok.Specials().Mask) != "[MASK]" || tok.Piece(tok.Specials().CLS) != "[CLS]" ||
		tok.Piece(tok.Specials().SEP) != "[SEP]" || tok.Piece(tok.Specials().Pad) != "<pad>" || tok.Piece(tok.Specials().Unk) != "<unk>" {
		t.Error("special ids do not match their pieces")
	}
}

// Encode refuses invalid UTF-8, naming the byte; Tokenize reads each bad
// byte as U+FFFD.
func TestInvalidUTF8(t *testing.T) {
	tok := loadTestTokenizer(t, tinyModel)
	if _, err := Encode(tok, "a\xffb\xe2\x82", 0); err == nil || err.Error() != "text is not valid UTF-8 (byte 1)" {
		t.Errorf("Encode: error %v", err)
	}
	if _, err := EncodePair(tok, "a", "ab\xe2\x82", 0); err == nil || err.Error() != "pair: text is not valid UTF-8 (byte 2)" {
		t.Errorf("EncodePair: error %v", err)
	}
	bad := tok.Tokenize("a\xffb\xe2\x82")
	good := tok.Tokenize("a\uFFFDb\uFFFD\uFFFD")
	if !slices.Equal(bad.IDs, good.IDs) {
		t.Errorf("albert: %v vs %v", bad.IDs, good.IDs)
	}
	// nmt_nfkc turns U+FFFD into a space: "▁a", "▁" (the bad byte), "b".
	if want := []Span{{0, 1}, {1, 2}, {2, 3}}; !slices.Equal(bad.Offsets, want) {
		t.Errorf("albert offsets %v, want %v (pieces %q)", bad.Offsets, want, bad.Tokens)
	}
	// Raw SentencePiece puts U+FFFD in place of a bad byte after its charsmap,
	// so unlike a typed U+FFFD (which nmt_nfkc turns into a space) it stays an
	// unknown character.
	ids, pieces := tok.Raw("a\xffb\xe2\x82")
	if !slices.Equal(pieces, []string{"▁a", "\uFFFD", "b", "\uFFFD\uFFFD"}) || ids[1] != tok.Specials().Unk || ids[3] != tok.Specials().Unk {
		t.Errorf("sentencepiece: %v %q", ids, pieces)
	}
}

func TestPythonStringHelpers(t *testing.T) {
	if got := pyLower(newAligned(nil, "ΟΔΟΣ ΣΟΦΙΑΣ Σ AΣ.b")).String(); got != "οδος σοφιας σ aσ.b" {
		t.Errorf("pyLower = %q", got)
	}
	if got := pyLower(newAligned(nil, "AΣ. İ")).String(); got != "aς. i\u0307" {
		t.Errorf("pyLower = %q", got)
	}
	for _, r := range "0٣²①" {
		if !pyIsDigit(r) {
			t.Errorf("%q is a digit in Python", r)
		}
	}
	for _, r := range "a½Ⅻ" {
		if pyIsDigit(r) {
			t.Errorf("%q is not a digit in Python", r)
		}
	}
	for _, r := range "\x1c\u0085\u3000\u2009" {
		if !pyIsSpace(r) {
			t.Errorf("%q is space in Python", r)
		}
	}
	if pyIsSpace('\u200b') {
		t.Error("U+200B is not space in Python")
	}
}

// TestPlainAtShortcut checks the normalizer's ASCII shortcut on every pair of
// ASCII bytes, for both models.
func TestPlainAtShortcut(t *testing.T) {
	for _, name := range []string{tinyModel, debsecModel} {
		n := loadTestTokenizer(t, name).sp.norm
		for a := 0; a < 128; a++ {
			checkPlainAt(t, n, string(rune(a)))
			for b := 0; b < 256; b++ {
				checkPlainAt(t, n, string([]byte{byte(a), byte(b)}))
			}
		}
	}
}
