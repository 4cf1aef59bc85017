package quant

import (
	"math"
	"testing"
)

func TestEMARunningMean(t *testing.T) {
	var e EMA
	if e.Scale() != 0 {
		t.Fatal("zero EMA not empty")
	}
	e.Observe([]float32{1, -2})                  // max 2: initialises
	e.Observe([]float32{4})                      // max 4
	e.Observe(nil)                               // ignored
	e.Observe([]float32{-6, 0, 3})               // max 6
	e.Observe([]float32{float32(math.NaN()), 8}) // NaN skipped: 8
	if e.n != 4 || e.mean != 5 {
		t.Fatalf("count %d mean %v, want 4, 5", e.n, e.mean)
	}
	if e.Scale() != 5.0/127 {
		t.Fatalf("scale %v, want 5/127", e.Scale())
	}
}
