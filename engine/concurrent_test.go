package engine

import (
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/albertq/albertq/modelfile"
)

// TestConcurrentUseMatchesSerial runs one model from many goroutines at once
// (CI runs it under -race) and wants exactly the serial results.
func TestConcurrentUseMatchesSerial(t *testing.T) {
	dir := fixtureDirs[0]
	f := readFixture(t, dir)
	mod := openCheckpoint(t, dir, Options{Threads: 2})
	serial := make([]*Output, len(f.Cases))
	for i, c := range f.Cases {
		var err error
		if serial[i], err = mod.Run(c.sequences()); err != nil {
			t.Fatal(err)
		}
	}
	const goroutines, rounds = 8, 3
	var wg sync.WaitGroup
	errs := make(chan string, goroutines*rounds*len(f.Cases))
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				i := (g + r) % len(f.Cases)
				out, err := mod.Run(f.Cases[i].sequences())
				if err != nil {
					errs <- err.Error()
					return
				}
				if !sameBits(out.Hidden, serial[i].Hidden) || !sameBits(out.Logits, serial[i].Logits) {
					errs <- f.Cases[i].Name + ": concurrent result differs from serial"
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// RunWith single-threaded gives exactly Run's outputs, on a batch big
// enough that Run splits its GEMMs and attention over two threads, for
// float and int8 weights, side by side with Run from other goroutines (the
// server runs them so); with HiddenOnly, exactly Run's hidden states and
// nothing else.
func TestRunWithMatchesRun(t *testing.T) {
	src, q := checkpointAndInt8(t, fixtureDirs[0])
	for _, m := range []*modelfile.Model{src, q} {
		mod, err := New(m, Options{Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		defer mod.Close()
		var seqs []Sequence
		for i, n := range []int{64, 7, 64, 64, 33, 64, 50, 64} {
			s := Sequence{IDs: make([]int, n), TypeIDs: make([]int, n)}
			for p := range n {
				s.IDs[p] = (i*37 + p*11) % mod.cfg.VocabSize
			}
			seqs = append(seqs, s)
		}
		want, err := mod.Run(seqs)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				if _, err := mod.Run(seqs); err != nil {
					t.Error(err)
				}
			})
		}
		got, err := mod.RunWith(seqs, RunOptions{SingleThreaded: true})
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		if !sameBits(got.Hidden, want.Hidden) || !sameBits(got.Pooled, want.Pooled) || !sameBits(got.Logits, want.Logits) {
			t.Errorf("%v weights: single-threaded differs from Run", mod.DType())
		}
		for _, opts := range []RunOptions{{HiddenOnly: true}, {HiddenOnly: true, SingleThreaded: true}} {
			got, err := mod.RunWith(seqs, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !sameBits(got.Hidden, want.Hidden) || !slices.Equal(got.Offsets, want.Offsets) || got.Pooled != nil || got.Logits != nil || got.LogitsWidth != 0 {
				t.Errorf("%v weights, %+v: not Run's hidden states alone (pooled %d, logits %d)", mod.DType(), opts, len(got.Pooled), len(got.Logits))
			}
			if want.Pooled == nil || want.Logits == nil {
				t.Errorf("%v weights: the fixture has no pooler or head to leave out", mod.DType())
			}
		}
	}
}
