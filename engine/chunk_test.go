package engine

import (
	"slices"
	"testing"
)

// An int8 model runs a batch of more than int8ChunkTokens tokens in chunks
// of whole sequences: every output row must be what the sequence gives on
// its own, for the per-sequence heads (pooler, classifier) and the per-token
// ones (masked LM).
func TestChunkedBatchMatchesSequencesAlone(t *testing.T) {
	lengths := []int{7, 64, 33, 64, 50, 64, 1, 64, 20, 64, 64}
	for _, dir := range append(fixtureDirs, bertFamilyDirs...) {
		_, q := checkpointAndInt8(t, dir)
		mod, err := New(q, Options{Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer mod.Close()
		var seqs []Sequence
		total := 0
		for i, n := range lengths {
			s := Sequence{IDs: make([]int, n), TypeIDs: make([]int, n)}
			for p := range n {
				s.IDs[p] = (i*37 + p*11) % mod.cfg.VocabSize
				s.TypeIDs[p] = p * 2 / n
			}
			if i == 2 {
				s.Mask = make([]int, n)
				for p := range n - 5 {
					s.Mask[p] = 1
				}
			}
			seqs = append(seqs, s)
			total += n
		}
		if total <= int8ChunkTokens {
			t.Fatalf("%d tokens make one chunk: the test needs more", total)
		}
		all, err := mod.Run(seqs)
		if err != nil {
			t.Fatal(err)
		}
		h := mod.cfg.HiddenSize
		for i, s := range seqs {
			one, err := mod.Run([]Sequence{s})
			if err != nil {
				t.Fatal(err)
			}
			lo, hi := all.Offsets[i], all.Offsets[i+1]
			if hi-lo != len(s.IDs) || !slices.Equal(all.Hidden[lo*h:hi*h], one.Hidden) {
				t.Fatalf("%s: sequence %d's hidden states differ in the batch", dir, i)
			}
			if one.Pooled != nil && !slices.Equal(all.Pooled[i*h:(i+1)*h], one.Pooled) {
				t.Fatalf("%s: sequence %d's pooled output differs in the batch", dir, i)
			}
			w, rows, at := all.LogitsWidth, 1, i
			if len(all.Logits) == total*w {
				rows, at = hi-lo, lo // per-token logits
			}
			if !slices.Equal(all.Logits[at*w:(at+rows)*w], one.Logits) {
				t.Fatalf("%s: sequence %d's logits differ in the batch", dir, i)
			}
		}
	}
}
