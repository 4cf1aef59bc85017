package engine

import (
	"slices"
	"strings"
	"testing"
)

// Text that is not valid UTF-8 is refused with a clear error, NUL is
// tokenized as the reference does; text that is too long is truncated, or
// refused with NoTruncate.
func TestTextChecks(t *testing.T) {
	mod := openCheckpoint(t, fixtureDirs[0], Options{Threads: 1})
	text, want := "caf\xe9 au lait", "not valid UTF-8 (byte 3)"
	if _, err := mod.Encode(text, ""); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Encode(%q) error = %v, want %q", text, err, want)
	}
	if _, err := mod.Encode("fine", text); err == nil || !strings.Contains(err.Error(), "pair: text is "+want) {
		t.Errorf("Encode pair %q error = %v", text, err)
	}
	// NUL is tokenized as transformers' AlbertTokenizer does: <unk>.
	if enc, err := mod.Encode("x\x00y", ""); err != nil || !slices.Equal(enc.IDs, []int{2, 13, 41, 1, 50, 3}) {
		t.Errorf("Encode(x NUL y) = %v, %v; want [2 13 41 1 50 3]", enc, err)
	}
	long := strings.Repeat("many words in a row ", 100)
	enc, err := mod.Encode(long, "")
	if err != nil || !enc.Truncated || len(enc.IDs) != mod.Config().MaxPositionEmbeddings {
		t.Fatalf("long text: %v, truncated %v, %d ids", err, enc != nil && enc.Truncated, len(enc.IDs))
	}
	strict := openCheckpoint(t, fixtureDirs[0], Options{Threads: 1, NoTruncate: true})
	if _, err := strict.Encode(long, ""); err == nil || !strings.Contains(err.Error(), "longer than the model's 64 tokens") {
		t.Errorf("NoTruncate: error = %v", err)
	}
	if _, err := mod.Run([]Sequence{{IDs: make([]int, 65)}}); err == nil || !strings.Contains(err.Error(), "at most 64") {
		t.Errorf("65 ids: error = %v", err)
	}
	if _, err := mod.Run([]Sequence{{IDs: []int{2, 5000, 3}}}); err == nil || !strings.Contains(err.Error(), "outside the vocabulary") {
		t.Errorf("id 5000: error = %v", err)
	}
	huge := make([]Sequence, maxBatchTokens/64+1)
	for i := range huge {
		huge[i].IDs = make([]int, 64)
	}
	if _, err := mod.Run(huge); err == nil || !strings.Contains(err.Error(), "split it") {
		t.Errorf("a batch of %d tokens: error = %v", len(huge)*64, err)
	}
}
