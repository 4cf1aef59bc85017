package kernels

import "math"

// QuantizeRow writes src as symmetric int8 into dst (q = round(x·127/max|x|),
// in [-127, 127]) and returns the scale max|x|/127 that maps q back to x. A
// row of zeros gets scale 0 and zeros.
func QuantizeRow(dst []int8, src []float32) float32 {
	var peak float32
	for _, x := range src {
		peak = max(peak, abs32(x))
	}
	if peak == 0 {
		clear(dst[:len(src)])
		return 0
	}
	QuantizeRowWithScale(dst, src, peak/127)
	return peak / 127
}

// QuantizeRowWithScale writes round(x/scale) clamped to [-127, 127] (a
// static, calibrated scale may be exceeded); scale must be > 0.
func QuantizeRowWithScale(dst []int8, src []float32, scale float32) {
	inv := 1 / scale
	for i, x := range src {
		q := math.RoundToEven(float64(x * inv))
		dst[i] = int8(max(-127, min(127, q)))
	}
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }
