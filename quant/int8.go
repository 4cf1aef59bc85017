// Package quant holds the Q8BERT maths of albertq: symmetric int8 weights
// with per-channel or per-tensor scales, IEEE half precision, calibration of
// static activation scales (EMA of max|x|) and the error metrics used in
// quantization reports.
package quant

import (
	"math"

	"github.com/albertq/albertq/internal/q8"
)

// ScaleOf returns the symmetric int8 scale of x, max|x|/127, so that x ≈
// q·scale with q in [-127, 127]. All-zero x (or x so small that the scale
// underflows float32) gives 0; a NaN in x gives NaN, an Inf gives +Inf.
func ScaleOf(x []float32) float32 { return maxAbs(x) / q8.Max }

// maxAbs is max|x|: 0 for empty x, NaN if x holds one.
func maxAbs(x []float32) float32 {
	var peak float32
	for _, v := range x {
		peak = max(peak, abs(v)) // max propagates NaN
	}
	return peak
}

// QuantizeWithScale writes q = round(x/scale), ties to even, clamped to
// [-127, 127] (q8.Round) into dst (which must be at least as long as src).
// The division is done in float64, so a tiny scale cannot overflow; a scale
// of 0 (or below, or NaN) writes zeros, and so does a NaN x.
func QuantizeWithScale(dst []int8, src []float32, scale float32) {
	if !(scale > 0) {
		clear(dst[:len(src)])
		return
	}
	s := float64(scale)
	for i, x := range src {
		dst[i] = q8.Round(float64(x) / s)
	}
}

// QuantizeMatrix quantizes the row-major matrix x of rows rows to int8. By
// default every row gets its own scale (per output channel of a [out][in]
// Linear weight, per token of an embedding table); perTensor uses one scale
// for the whole matrix, which is Q8BERT exactly. len(x) must be a multiple
// of rows (rows > 0).
func QuantizeMatrix(x []float32, rows int, perTensor bool) (q []int8, scales []float32) {
	q = make([]int8, len(x))
	if perTensor {
		s := ScaleOf(x)
		QuantizeWithScale(q, x, s)
		return q, []float32{s}
	}
	cols := len(x) / rows
	scales = make([]float32, rows)
	for r := range rows {
		row := x[r*cols : (r+1)*cols]
		scales[r] = ScaleOf(row)
		QuantizeWithScale(q[r*cols:(r+1)*cols], row, scales[r])
	}
	return q, scales
}

// DequantizeMatrix returns q·scale, with one scale for the whole matrix or
// one per row (len(scales) rows of len(q)/len(scales) elements).
func DequantizeMatrix(q []int8, scales []float32) []float32 {
	x := make([]float32, len(q))
	if len(scales) == 0 {
		return x
	}
	cols := len(q) / len(scales)
	for i, v := range q {
		x[i] = float32(v) * scales[i/cols]
	}
	return x
}

func abs(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }
