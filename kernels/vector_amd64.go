//go:build !purego

package kernels

// The AVX2+FMA vector functions take n, a positive multiple of 8; the
// wrappers below run the rest of a slice through the Go twins.

// maxAbsAVX2 is max |x[i]| over n floats.
//
//go:noescape
func maxAbsAVX2(x *float32, n int) float32

// quantizeAVX2 writes round(x[i]·inv), clamped to ±127, as int8.
//
//go:noescape
func quantizeAVX2(dst *int8, src *float32, n int, inv float32)

// quantizeScaledAVX2 writes round(src[i]·inv[i]), clamped to ±127, as int8.
//
//go:noescape
func quantizeScaledAVX2(dst *int8, src, inv *float32, n int)

// columnPeaksAVX2 sets peaks[i] = max(peaks[i], |x[i]|).
//
//go:noescape
func columnPeaksAVX2(peaks, x *float32, n int)

// expScaleSumAVX2 sets x[i] = exp(x[i]·scale - shift) and returns their sum.
//
//go:noescape
func expScaleSumAVX2(x *float32, n int, scale, shift float32) float32

// geluTanhAVX2 applies gelu_new to x in place.
//
//go:noescape
func geluTanhAVX2(x *float32, n int)

// geluErfAVX2 applies gelu (erf form) to x in place.
//
//go:noescape
func geluErfAVX2(x *float32, n int)

// multiplyAVX2 multiplies x by by in place.
//
//go:noescape
func multiplyAVX2(x *float32, n int, by float32)

// maxAVX2 is the largest of n floats.
//
//go:noescape
func maxAVX2(x *float32, n int) float32

// addSumAVX2 adds resid (if not nil) into x and returns x's sum, in 32 partial sums.
//
//go:noescape
func addSumAVX2(x, resid *float32, n int) float32

// sqDevSumAVX2 is Σ (x[i] - mean)² in 32 partial sums.
//
//go:noescape
func sqDevSumAVX2(x *float32, n int, mean float32) float32

// normalizeAVX2 sets x[i] = (x[i] - mean)·inv·gamma[i] + beta[i].
//
//go:noescape
func normalizeAVX2(x, gamma, beta *float32, n int, mean, inv float32)

// quantizeRowsAVX2 is QuantizeRows on rows of width w, a multiple of 8.
//
//go:noescape
func quantizeRowsAVX2(dst *int8, scales, src *float32, ld, rows, w int)

// softmaxQuantizeAVX2 is SoftmaxQuantize on rows of width w, a multiple of 8.
//
//go:noescape
func softmaxQuantizeAVX2(q *int8, sums, x *float32, rows, w int, scale float32)

// geluTanhAVX512 applies gelu_new to x in place, n a multiple of 16.
//
//go:noescape
func geluTanhAVX512(x *float32, n int)

// expScaleSumAVX512 is expScaleSumAVX2 on zmm, n a multiple of 16.
//
//go:noescape
func expScaleSumAVX512(x *float32, n int, scale, shift float32) float32

// maxAbsAVX512 is maxAbsAVX2 on zmm, n a multiple of 16.
//
//go:noescape
func maxAbsAVX512(x *float32, n int) float32

// quantizeAVX512 is quantizeAVX2 on zmm, n a multiple of 16.
//
//go:noescape
func quantizeAVX512(dst *int8, src *float32, n int, inv float32)

// softmaxQuantizeAVX512 is SoftmaxQuantize on rows of width w, a multiple of 16.
//
//go:noescape
func softmaxQuantizeAVX512(q *int8, sums, x *float32, rows, w int, scale float32)

// quantizeRowsAVX512 is QuantizeRows on rows of width w, a multiple of 16.
//
//go:noescape
func quantizeRowsAVX512(dst *int8, scales, src *float32, ld, rows, w int)

// The AVX-512 wrappers run whole multiples of 16, then the AVX2 path.

func geluTanhZmm(x []float32) {
	n := len(x) &^ 15
	if n > 0 {
		geluTanhAVX512(&x[0], n)
	}
	geluTanhAVX(x[n:])
}

// The one-call row ops: rows whose width is a multiple of the vector's
// floats go to the assembly in one call, others row by row.
var (
	quantizeRowsZmm    = quantizeRowsIn(16, quantizeRowsAVX512)
	quantizeRowsAVX    = quantizeRowsIn(8, quantizeRowsAVX2)
	softmaxQuantizeZmm = softmaxQuantizeIn(16, softmaxQuantizeAVX512)
	softmaxQuantizeAVX = softmaxQuantizeIn(8, softmaxQuantizeAVX2)
)

// quantizeRowsIn is the QuantizeRows op of kernel, which takes widths that are multiples of lanes.
func quantizeRowsIn(lanes int, kernel func(dst *int8, scales, src *float32, ld, rows, w int)) func(*Set, []int8, []float32, []float32, int, int, int) {
	return func(s *Set, dst []int8, scales, src []float32, ld, rows, w int) {
		if w%lanes != 0 || rows == 0 {
			quantizeRowsGeneric(s, dst, scales, src, ld, rows, w)
			return
		}
		_, _, _ = dst[rows*w-1], scales[rows-1], src[(rows-1)*ld+w-1]
		kernel(&dst[0], &scales[0], &src[0], ld, rows, w)
	}
}

// softmaxQuantizeIn is the SoftmaxQuantize op of kernel, which takes widths that are multiples of lanes.
func softmaxQuantizeIn(lanes int, kernel func(q *int8, sums, x *float32, rows, w int, scale float32)) func(*Set, []int8, []float32, []float32, int, int, float32) {
	return func(s *Set, q []int8, sums, x []float32, rows, w int, scale float32) {
		if w%lanes != 0 || rows == 0 {
			softmaxQuantizeGeneric(s, q, sums, x, rows, w, scale)
			return
		}
		_, _, _ = q[rows*w-1], sums[rows-1], x[rows*w-1]
		kernel(&q[0], &sums[0], &x[0], rows, w, scale)
	}
}

func expScaleSumZmm(x []float32, scale, shift float32) float32 {
	n := len(x) &^ 15
	sum := expScaleSumAVX(x[n:], scale, shift)
	if n > 0 {
		sum += expScaleSumAVX512(&x[0], n, scale, shift)
	}
	return sum
}

// whole is the part of an n-element slice the assembly takes.
func whole(n int) int { return n &^ 7 }

func maxAbsAVX(x []float32) float32 {
	n := whole(len(x))
	peak := maxAbsGeneric(x[n:])
	if n > 0 {
		peak = max(peak, maxAbsAVX2(&x[0], n))
	}
	return peak
}

func quantizeAVX(dst []int8, src []float32, inv float32) {
	n := whole(len(src))
	dst = dst[:len(src)]
	if n > 0 {
		quantizeAVX2(&dst[0], &src[0], n, inv)
	}
	quantizeGeneric(dst[n:], src[n:], inv)
}

func quantizeScaledAVX(dst []int8, src, inv []float32) {
	n := whole(len(src))
	if n > 0 {
		quantizeScaledAVX2(&dst[0], &src[0], &inv[0], n)
	}
	quantizeScaledGeneric(dst[n:], src[n:], inv[n:])
}

func columnPeaksAVX(peaks, x []float32) {
	n := whole(len(x))
	if n > 0 {
		columnPeaksAVX2(&peaks[0], &x[0], n)
	}
	columnPeaksGeneric(peaks[n:], x[n:])
}

func expScaleSumAVX(x []float32, scale, shift float32) float32 {
	n := whole(len(x))
	sum := expScaleSumGeneric(x[n:], scale, shift)
	if n > 0 {
		sum += expScaleSumAVX2(&x[0], n, scale, shift)
	}
	return sum
}

func geluTanhAVX(x []float32) {
	n := whole(len(x))
	if n > 0 {
		geluTanhAVX2(&x[0], n)
	}
	geluTanhGeneric(x[n:])
}

func geluErfAVX(x []float32) {
	n := whole(len(x))
	if n > 0 {
		geluErfAVX2(&x[0], n)
	}
	geluErfGeneric(x[n:])
}

func multiplyAVX(x []float32, by float32) {
	n := whole(len(x))
	if n > 0 {
		multiplyAVX2(&x[0], n, by)
	}
	multiplyGeneric(x[n:], by)
}

func maxAVX(x []float32) float32 {
	n := whole(len(x))
	if n == 0 {
		return maxGeneric(x)
	}
	peak := maxAVX2(&x[0], n)
	if n < len(x) {
		peak = max(peak, maxGeneric(x[n:]))
	}
	return peak
}

func addSumAVX(x, resid []float32) float32 {
	n := whole(len(x))
	var sum float32
	if n > 0 {
		var r *float32
		if resid != nil {
			r = &resid[0]
		}
		sum = addSumAVX2(&x[0], r, n)
	}
	if resid != nil {
		resid = resid[n:]
	}
	return sum + addSumGeneric(x[n:], resid)
}

func sqDevSumAVX(x []float32, mean float32) float32 {
	n := whole(len(x))
	sum := sqDevSumGeneric(x[n:], mean)
	if n > 0 {
		sum += sqDevSumAVX2(&x[0], n, mean)
	}
	return sum
}

func normalizeAVX(x, gamma, beta []float32, mean, inv float32) {
	n := whole(len(x))
	if n > 0 {
		normalizeAVX2(&x[0], &gamma[0], &beta[0], n, mean, inv)
	}
	normalizeGeneric(x[n:], gamma[n:], beta[n:], mean, inv)
}

func maxAbsZmm(x []float32) float32 {
	n := len(x) &^ 15
	peak := maxAbsAVX(x[n:])
	if n > 0 {
		peak = max(peak, maxAbsAVX512(&x[0], n))
	}
	return peak
}

func quantizeZmm(dst []int8, src []float32, inv float32) {
	n := len(src) &^ 15
	dst = dst[:len(src)]
	if n > 0 {
		quantizeAVX512(&dst[0], &src[0], n, inv)
	}
	quantizeAVX(dst[n:], src[n:], inv)
}
