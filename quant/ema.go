package quant

// Q8BERTDecay is the EMA decay Q8BERT uses while fine-tuning, where the
// average runs over tens of thousands of training steps.
const Q8BERTDecay = 0.9999

// EMA tracks the average of max|x| over a stream of activation tensors, the
// statistic Q8BERT turns into a static activation scale (Scale = Value/127).
// The first observation initialises it.
//
// The zero value weights every observation equally (a running mean of the
// maxima, i.e. an EMA whose decay is 1-1/n at the n-th step). That is the
// choice for post-training calibration over a few hundred sentences: with
// Q8BERT's 0.9999 the first sentence would keep ~97% of the weight after
// 300 more, and with a short decay such as 0.9 only the last ~10 sentences
// would count, so the scale would depend on the order of the sample text.
// The mean of the maxima is order-independent and, being below the
// absolute maximum, clips rare outliers rather than wasting int8 range on
// them, which is what the EMA achieves during training. Set Decay (in
// (0, 1)) to get a true exponential moving average, e.g. Q8BERTDecay.
type EMA struct {
	Decay float64 // 0: running mean of the maxima; else value = Decay·value + (1-Decay)·max|x|
	value float64
	peak  float32
	n     int
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
	e.ObserveMax(m)
}

// ObserveMax folds an already computed max|x| into the average.
func (e *EMA) ObserveMax(m float32) {
	e.n++
	e.peak = max(e.peak, m)
	d := e.Decay
	if d <= 0 || d >= 1 || e.n == 1 {
		d = 1 - 1/float64(e.n)
	}
	e.value = d*e.value + (1-d)*float64(m)
}

// Value is the current average of max|x| (0 before any observation).
func (e *EMA) Value() float32 { return float32(e.value) }

// Scale is the static activation scale Value/127.
func (e *EMA) Scale() float32 { return float32(e.value / MaxI8) }

// Max is the largest max|x| observed.
func (e *EMA) Max() float32 { return e.peak }

// Count is the number of observations.
func (e *EMA) Count() int { return e.n }
