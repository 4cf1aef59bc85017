package quant

import (
	"math"
	"testing"
)

func TestEMARunningMean(t *testing.T) {
	var e EMA
	if e.Value() != 0 || e.Count() != 0 {
		t.Fatal("zero EMA not empty")
	}
	e.Observe([]float32{1, -2})                  // max 2: initialises
	e.Observe([]float32{4})                      // max 4
	e.Observe(nil)                               // ignored
	e.Observe([]float32{-6, 0, 3})               // max 6
	e.Observe([]float32{float32(math.NaN()), 8}) // NaN skipped: 8
	if e.Count() != 4 || e.Value() != 5 || e.Max() != 8 {
		t.Fatalf("count %d value %v max %v, want 4, 5, 8", e.Count(), e.Value(), e.Max())
	}
	if e.Scale() != 5.0/127 {
		t.Fatalf("scale %v, want 5/127", e.Scale())
	}
}

func TestEMADecay(t *testing.T) {
	e := EMA{Decay: 0.9}
	e.ObserveMax(10) // first observation initialises
	if e.Value() != 10 {
		t.Fatalf("after first: %v, want 10", e.Value())
	}
	e.ObserveMax(0)
	if math.Abs(float64(e.Value())-9) > 1e-6 {
		t.Fatalf("after second: %v, want 9", e.Value())
	}
	q := EMA{Decay: Q8BERTDecay}
	q.ObserveMax(1)
	for range 300 {
		q.ObserveMax(2)
	}
	// The slow Q8BERT decay barely moves in a calibration-sized run.
	if v := q.Value(); v > 1.05 {
		t.Fatalf("Q8BERT decay after 300 steps: %v", v)
	}
}
