package tokenizer

import (
	"os"
	"slices"
	"testing"
)

// checkIDs fails unless every id is in [0, VocabSize).
func checkIDs(t *testing.T, tok *Tokenizer, what string, ids []int) {
	t.Helper()
	for _, id := range ids {
		if id < 0 || id >= tok.VocabSize() {
			t.Fatalf("%s: id %d out of range [0, %d)", what, id, tok.VocabSize())
		}
	}
}

// FuzzEncode feeds arbitrary bytes to every entry point: no panic, ids in
// range, and the same result twice.
func FuzzEncode(f *testing.F) {
	tok := loadTestTokenizer(f, tinyModel)
	f.Add([]byte("Hello [MASK] world, 1,000 times!"))
	f.Add([]byte("a\xffb\x00\u0130\u03a3\u0301"))
	f.Fuzz(func(t *testing.T, data []byte) {
		text := string(data)
		enc, err := tok.Encode(text, 0)
		if err != nil {
			t.Fatal(err)
		}
		checkIDs(t, tok, "Encode", enc.IDs)
		if len(enc.IDs) != len(enc.Tokens) || len(enc.IDs) != len(enc.TypeIDs) {
			t.Fatalf("lengths %d %d %d", len(enc.IDs), len(enc.Tokens), len(enc.TypeIDs))
		}
		again, _ := tok.Encode(text, 0)
		if !slices.Equal(enc.IDs, again.IDs) || !slices.Equal(enc.Tokens, again.Tokens) {
			t.Fatal("Encode not deterministic")
		}
		short, err := tok.Encode(text, 8)
		if err != nil || len(short.IDs) > 8 || short.Truncated != (len(enc.IDs) > 8) {
			t.Fatalf("Encode(8): %v %v", short, err)
		}
		half := len(text) / 2
		pair, err := tok.EncodePair(text[:half], text[half:], 16)
		if err != nil || len(pair.IDs) > 16 {
			t.Fatalf("EncodePair(16): %v %v", pair, err)
		}
		checkIDs(t, tok, "EncodePair", pair.IDs)
		ids, pieces := tok.SentencePiece(text)
		checkIDs(t, tok, "SentencePiece", ids)
		if len(ids) != len(pieces) {
			t.Fatalf("SentencePiece: %d ids, %d pieces", len(ids), len(pieces))
		}
		again2, _ := tok.SentencePiece(text)
		if !slices.Equal(ids, again2) {
			t.Fatal("SentencePiece not deterministic")
		}
		_ = tok.Decode(enc.IDs)
		checkPlainAt(t, tok.sp.norm, text)
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
		tok, err := Load(data, DefaultOptions())
		if err != nil {
			return
		}
		for _, s := range []string{"", "Hello [MASK] world, 1,000!", "ab\xff é ba"} {
			enc, err := tok.Encode(s, 0)
			if err != nil {
				t.Fatal(err)
			}
			checkIDs(t, tok, "Encode", enc.IDs)
			ids, _ := tok.SentencePiece(s)
			checkIDs(t, tok, "SentencePiece", ids)
			_ = tok.Decode(enc.IDs)
			checkPlainAt(t, tok.sp.norm, s)
		}
	})
}
