// Package half converts between float32 and IEEE 754 half precision
// (binary16), held as its bits in a uint16: the one implementation that
// quant (storing fp16 weights), convert (reading F16 checkpoints), engine
// and kernels (widening fp16 weights) share.
package half

import "math"

// FromFloat32 rounds x to the nearest half-precision value (ties to even),
// with overflow to ±Inf and NaN kept NaN, and returns its bits.
func FromFloat32(x float32) uint16 {
	b := math.Float32bits(x)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case b&0x7fffffff > 0x7f800000: // NaN: keep it quiet and non-zero
		return sign | 0x7e00
	case exp >= 0x1f: // overflow or Inf
		return sign | 0x7c00
	case exp <= 0: // subnormal half or zero
		if exp < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint(14 - exp)
		return sign | uint16(roundShift(mant, shift))
	}
	// Normal: the carry of the rounding may step into the exponent, which is right.
	return sign | uint16(roundShift(uint32(exp)<<23|mant, 13))
}

// roundShift shifts v right by s bits, rounding to nearest with ties to even.
func roundShift(v uint32, s uint) uint32 {
	half := uint32(1) << (s - 1)
	rest := v & (1<<s - 1)
	v >>= s
	if rest > half || rest == half && v&1 == 1 {
		v++
	}
	return v
}

// ToFloat32 widens the half-precision value h to float32 exactly.
func ToFloat32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp != 0:
		return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
	case mant == 0:
		return math.Float32frombits(sign)
	}
	// Subnormal half: normalise it.
	e := uint32(127 - 15 + 1)
	for mant&0x400 == 0 {
		mant <<= 1
		e--
	}
	return math.Float32frombits(sign | e<<23 | (mant&0x3ff)<<13)
}
