package engine

import (
	"fmt"
	"math"
)

// The vector work between the GEMMs, all in fp32 as Q8BERT keeps it.

// layerNorm normalises each of the rows of x (width w, in place) to zero mean
// and unit variance, then scales by gamma and shifts by beta. Sums are in
// float64 so long rows lose nothing.
func layerNorm(x []float32, w int, gamma, beta []float32, eps float64) {
	for r := 0; r+w <= len(x); r += w {
		row := x[r : r+w]
		var sum float64
		for _, v := range row {
			sum += float64(v)
		}
		mean := sum / float64(w)
		var sq float64
		for _, v := range row {
			d := float64(v) - mean
			sq += d * d
		}
		inv := 1 / math.Sqrt(sq/float64(w)+eps)
		for i, v := range row {
			row[i] = float32((float64(v)-mean)*inv)*gamma[i] + beta[i]
		}
	}
}

// addInto adds src to dst element by element (a residual connection).
func addInto(dst, src []float32) {
	for i, v := range src {
		dst[i] += v
	}
}

// softmaxRow turns row into probabilities in place.
func softmaxRow(row []float32) {
	peak := float32(math.Inf(-1))
	for _, v := range row {
		peak = max(peak, v)
	}
	var sum float64
	for i, v := range row {
		e := math.Exp(float64(v - peak))
		row[i] = float32(e)
		sum += e
	}
	inv := float32(1 / sum)
	for i := range row {
		row[i] *= inv
	}
}

// activation is an elementwise non-linearity applied in place.
type activation func(x []float32)

// activationByName maps config.json's hidden_act to its function, with the
// formulas transformers uses.
func activationByName(name string) (activation, error) {
	switch name {
	case "gelu_new":
		return geluTanh, nil
	case "gelu":
		return geluErf, nil
	case "gelu_fast":
		return geluFast, nil
	case "relu":
		return relu, nil
	}
	return nil, fmt.Errorf("unsupported hidden_act %q (want gelu_new, gelu, gelu_fast or relu)", name)
}

// geluTanh is gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
func geluTanh(x []float32) {
	const c = 0.7978845608028654 // √(2/π)
	for i, v := range x {
		f := float64(v)
		x[i] = float32(0.5 * f * (1 + math.Tanh(c*(f+0.044715*f*f*f))))
	}
}

// geluErf is the exact gelu: 0.5·x·(1 + erf(x/√2)).
func geluErf(x []float32) {
	for i, v := range x {
		f := float64(v)
		x[i] = float32(0.5 * f * (1 + math.Erf(f/math.Sqrt2)))
	}
}

// geluFast is transformers' gelu_fast: 0.5·x·(1 + tanh(0.7978845608·x·(1 + 0.044715·x²))).
func geluFast(x []float32) {
	for i, v := range x {
		f := float64(v)
		x[i] = float32(0.5 * f * (1 + math.Tanh(0.7978845608*f*(1+0.044715*f*f))))
	}
}

func relu(x []float32) {
	for i, v := range x {
		x[i] = max(v, 0)
	}
}

func tanhInPlace(x []float32) {
	for i, v := range x {
		x[i] = float32(math.Tanh(float64(v)))
	}
}
