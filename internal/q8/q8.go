// Package q8 defines albertq's symmetric int8: the range [-Max, Max] and
// the one rounding that every quantizer uses, quant's for weights and the
// kernels' Go twins for activations (whose SIMD versions round the same
// way).
package q8

import "math"

// Max is the largest int8 magnitude used: the range is symmetric,
// [-127, 127], so -128 never occurs (and the int8 kernels rely on that).
const Max = 127

// Round is v rounded to the nearest integer, ties to even, clamped to
// [-Max, Max]; NaN gives 0.
func Round(v float64) int8 {
	q := math.RoundToEven(v)
	switch {
	case q >= Max:
		return Max
	case q <= -Max:
		return -Max
	case q == q:
		return int8(q)
	}
	return 0
}
