package kernels

import (
	"math"

	"github.com/albertq/albertq/internal/q8"
)

// The portable tier's vector work: the generic ops' arithmetic, element for
// element and bit for bit, without what makes the generic loops slow
// (NaN-aware min and max on every element, modulo lane indexing, bounds
// checks). The exp-based ops need no twin here: exp32 itself is fast.

// roundQ8 is q8.Round(float64(v)) in float32: clamped to ±q8.Max, NaN 0,
// otherwise rounded to nearest, ties to even.
func roundQ8(v float32) int8 {
	switch {
	case v >= q8.Max:
		return q8.Max
	case v <= -q8.Max:
		return -q8.Max
	case v != v:
		return 0
	}
	return int8((v + roundMagic) - roundMagic)
}

func quantizePortable(dst []int8, src []float32, inv float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = roundQ8(float32(x * inv))
	}
}

func quantizeScaledPortable(dst []int8, src, inv []float32) {
	dst, inv = dst[:len(src)], inv[:len(src)]
	for i, x := range src {
		dst[i] = roundQ8(float32(x * inv[i]))
	}
}

// maxAbsPortable keeps four partial maxima: max is exact, and the same
// whatever the order (NaN wins, +0 beats -0), so the result is generic's.
func maxAbsPortable(x []float32) float32 {
	var m0, m1, m2, m3 float32
	for ; len(x) >= 4; x = x[4:] {
		m0, m1 = max(m0, abs32(x[0])), max(m1, abs32(x[1]))
		m2, m3 = max(m2, abs32(x[2])), max(m3, abs32(x[3]))
	}
	for _, v := range x {
		m0 = max(m0, abs32(v))
	}
	return max(max(m0, m1), max(m2, m3))
}

// maxPortable is maxGeneric in four partial maxima, as maxAbsPortable.
func maxPortable(x []float32) float32 {
	m0 := x[0]
	m1, m2, m3 := m0, m0, m0
	for ; len(x) >= 4; x = x[4:] {
		m0, m1, m2, m3 = max(m0, x[0]), max(m1, x[1]), max(m2, x[2]), max(m3, x[3])
	}
	for _, v := range x {
		m0 = max(m0, v)
	}
	return max(max(m0, m1), max(m2, m3))
}

func columnPeaksPortable(peaks, x []float32) {
	x = x[:len(peaks)]
	for i, v := range x {
		peaks[i] = max(peaks[i], abs32(v))
	}
}

// addSumPortable is addSumGeneric with the partial sums in registers, eight
// lanes at a time: lane l over the elements i%32 == l in ascending order, as
// the generic loop adds them.
func addSumPortable(x, resid []float32) float32 {
	if resid != nil {
		resid = resid[:len(x)]
		for i := range x {
			x[i] += resid[i]
		}
	}
	var lanes [32]float32
	for l := 0; l < 32; l += 8 {
		var s0, s1, s2, s3, s4, s5, s6, s7 float32
		b := x[min(l, len(x)):]
		for ; len(b) >= 8; b = b[min(32, len(b)):] {
			s0, s1, s2, s3 = s0+b[0], s1+b[1], s2+b[2], s3+b[3]
			s4, s5, s6, s7 = s4+b[4], s5+b[5], s6+b[6], s7+b[7]
		}
		lanes[l], lanes[l+1], lanes[l+2], lanes[l+3] = s0, s1, s2, s3
		lanes[l+4], lanes[l+5], lanes[l+6], lanes[l+7] = s4, s5, s6, s7
		for j, v := range b { // the group's last, partial run
			lanes[l+j] += v
		}
	}
	return sumLanes32(&lanes)
}

// sqDevSumPortable is sqDevSumGeneric in addSumPortable's order.
func sqDevSumPortable(x []float32, mean float32) float32 {
	var lanes [32]float32
	for l := 0; l < 32; l += 8 {
		var s0, s1, s2, s3, s4, s5, s6, s7 float32
		b := x[min(l, len(x)):]
		for ; len(b) >= 8; b = b[min(32, len(b)):] {
			d0, d1, d2, d3 := b[0]-mean, b[1]-mean, b[2]-mean, b[3]-mean
			d4, d5, d6, d7 := b[4]-mean, b[5]-mean, b[6]-mean, b[7]-mean
			s0, s1, s2, s3 = s0+d0*d0, s1+d1*d1, s2+d2*d2, s3+d3*d3
			s4, s5, s6, s7 = s4+d4*d4, s5+d5*d5, s6+d6*d6, s7+d7*d7
		}
		lanes[l], lanes[l+1], lanes[l+2], lanes[l+3] = s0, s1, s2, s3
		lanes[l+4], lanes[l+5], lanes[l+6], lanes[l+7] = s4, s5, s6, s7
		for j, v := range b {
			d := v - mean
			lanes[l+j] += d * d
		}
	}
	return sumLanes32(&lanes)
}

func normalizePortable(x, gamma, beta []float32, mean, inv float32) {
	gamma, beta = gamma[:len(x)], beta[:len(x)]
	for i, v := range x {
		x[i] = (v-mean)*inv*gamma[i] + beta[i]
	}
}

// geluErfPortable is geluErfGeneric with erf32's clamp written as two
// comparisons instead of the NaN-aware max and min, which cost a fifth of
// the time; a NaN passes both, as it passes max and min, and -0 stays -0,
// so the result is generic's bit for bit.
func geluErfPortable(x []float32) {
	for i, v := range x {
		t := v * (1 / math.Sqrt2)
		if t < -4 {
			t = -4
		} else if t > 4 {
			t = 4
		}
		x[i] = 0.5 * v * (1 + erfRational(t))
	}
}
