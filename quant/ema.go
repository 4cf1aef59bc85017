package quant

import "github.com/albertq/albertq/internal/q8"

// EMA tracks the average of max|x| over a stream of activation tensors, the
// statistic Q8BERT turns into a static activation scale (Scale = average/127).
//
// It weights every observation equally: a running mean of the maxima, i.e.
// an exponential moving average whose decay is 1-1/n at the n-th step. That
// is the choice for post-training calibration over a few hundred sentences:
// with Q8BERT's training decay of 0.9999 the first sentence would keep ~97%
// of the weight after 300 more, and with a short decay such as 0.9 only the
// last ~10 sentences would count, so the scale would depend on the order of
// the sample text. The mean of the maxima is order-independent and, being
// below the absolute maximum, clips rare outliers rather than wasting int8
// range on them, which is what the EMA achieves during training. The zero
// value is ready to use.
type EMA struct {
	mean float64
	n    int
}

// Observe folds max|x| of one activation tensor into the average. Empty x
// is ignored; NaNs are skipped.
func (e *EMA) Observe(x []float32) {
	if len(x) == 0 {
		return
	}
	m := maxAbs(x)
	if m != m {
		var clean float32
		for _, v := range x {
			if v == v {
				clean = max(clean, abs(v))
			}
		}
		m = clean
	}
	e.n++
	d := 1 - 1/float64(e.n)
	e.mean = d*e.mean + (1-d)*float64(m)
}

// Scale is the static activation scale: the average of max|x| over 127 (0
// before any observation).
func (e *EMA) Scale() float32 { return float32(e.mean / q8.Max) }
