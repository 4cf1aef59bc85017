package engine

import (
	"math"
	"sync"
	"testing"
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
