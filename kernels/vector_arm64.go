//go:build !purego

package kernels

import "math"

// The NEON vector functions (vector_arm64.s) take n, a positive multiple of
// 16 (32 for the LayerNorm sums); the wrappers below, the neon tier's ops
// (tiers_arm64.go), run the rest of a slice through the Go twins.

// expTable holds exp32's constants (and GELU's) in the lane order the
// assembly's EXP_CONSTS loads them; expQuads the Horner coefficients (and
// geluA), each repeated in four lanes for VLD4R to broadcast.
var (
	expTable = [12]float32{
		log2e, ln2Hi, ln2Lo, expPoly0,
		-expHi, 127, -expLo, geluB,
		expHi, expLo, 1, 0,
	}
	expQuads = [24]float32{
		geluA, geluA, geluA, geluA,
		expPoly1, expPoly1, expPoly1, expPoly1,
		expPoly2, expPoly2, expPoly2, expPoly2,
		expPoly3, expPoly3, expPoly3, expPoly3,
		expPoly4, expPoly4, expPoly4, expPoly4,
		expPoly5, expPoly5, expPoly5, expPoly5,
	}
)

// erfTable holds geluErfNEON's lane constants (GELU's and erf32's), erfQuads
// erf32's Horner coefficients after the first of P and of Q, each repeated
// in four lanes for VLD4R to broadcast.
var (
	erfTable = [8]float32{
		1 / math.Sqrt2, 0.5, erfA13, erfB8,
		-4, 4, 1, 0,
	}
	erfQuads = [40]float32{
		erfA11, erfA11, erfA11, erfA11,
		erfA9, erfA9, erfA9, erfA9,
		erfA7, erfA7, erfA7, erfA7,
		erfA5, erfA5, erfA5, erfA5,
		erfA3, erfA3, erfA3, erfA3,
		erfA1, erfA1, erfA1, erfA1,
		erfB6, erfB6, erfB6, erfB6,
		erfB4, erfB4, erfB4, erfB4,
		erfB2, erfB2, erfB2, erfB2,
		erfB0, erfB0, erfB0, erfB0,
	}
)

// maxAbsNEON returns max |x[i]| over n elements.
//
//go:noescape
func maxAbsNEON(x *float32, n int) float32

// quantizeNEON writes round-to-even(clamp(src[i]·inv, ±127)) to dst.
//
//go:noescape
func quantizeNEON(dst *int8, src *float32, n int, inv float32)

// quantizeScaledNEON writes round-to-even(clamp(src[r*ld+i]·inv[i], ±127)) to dst[r*n+i], rows rows.
//
//go:noescape
func quantizeScaledNEON(dst *int8, src, inv *float32, n, ld, rows int)

// columnPeaksNEON sets peaks[i] = max(peaks[i], |x[r*ld+i]|) over rows rows.
//
//go:noescape
func columnPeaksNEON(peaks, x *float32, n, ld, rows int)

// expScaleSumNEON sets x[i] = exp32(x[i]·scale - shift) and returns their sum.
//
//go:noescape
func expScaleSumNEON(x *float32, n int, scale, shift float32) float32

// softmaxQuantizeNEON is SoftmaxQuantize for rows whose width w is a multiple of 16.
//
//go:noescape
func softmaxQuantizeNEON(q *int8, sums, x *float32, rows, w int, scale float32)

// geluTanhNEON applies GELUTanh's formula to x in place.
//
//go:noescape
func geluTanhNEON(x *float32, n int)

// geluErfNEON applies GELUErf's formula to x in place.
//
//go:noescape
func geluErfNEON(x *float32, n int)

// multiplyNEON multiplies x by the factor by in place.
//
//go:noescape
func multiplyNEON(x *float32, n int, by float32)

// maxNEON returns the largest of x[0:n].
//
//go:noescape
func maxNEON(x *float32, n int) float32

// addSumNEON adds resid (nil: nothing) into x and sums x into lanes[i%32].
//
//go:noescape
func addSumNEON(x, resid *float32, n int, lanes *[32]float32)

// sqDevSumNEON sums (x[i] - mean)² into lanes[i%32].
//
//go:noescape
func sqDevSumNEON(x *float32, n int, mean float32, lanes *[32]float32)

// normalizeNEON sets x[i] = (x[i] - mean)·inv·gamma[i] + beta[i].
//
//go:noescape
func normalizeNEON(x, gamma, beta *float32, n int, mean, inv float32)

// quantizeRowsNEON is QuantizeRows for a row width w that is a multiple of 16.
//
//go:noescape
func quantizeRowsNEON(dst *int8, scales, src *float32, ld, rows, w int)

// body is the part of an n-element slice the assembly takes.
func body(n int) int { return n &^ 15 }

func maxAbsVec(x []float32) float32 {
	n := body(len(x))
	peak := maxAbsGeneric(x[n:])
	if n > 0 {
		peak = max(peak, maxAbsNEON(&x[0], n))
	}
	return peak
}

func quantizeVec(dst []int8, src []float32, inv float32) {
	n := body(len(src))
	dst = dst[:len(src)]
	if n > 0 {
		quantizeNEON(&dst[0], &src[0], n, inv)
	}
	quantizeGeneric(dst[n:], src[n:], inv)
}

func quantizeScaledVec(dst []int8, src, inv []float32) {
	n := body(len(src))
	dst, inv = dst[:len(src)], inv[:len(src)]
	if n > 0 {
		quantizeScaledNEON(&dst[0], &src[0], &inv[0], n, n, 1)
	}
	quantizeScaledGeneric(dst[n:], src[n:], inv[n:])
}

func columnPeaksVec(peaks, x []float32) {
	n := body(len(x))
	peaks = peaks[:len(x)]
	if n > 0 {
		columnPeaksNEON(&peaks[0], &x[0], n, n, 1)
	}
	columnPeaksGeneric(peaks[n:], x[n:])
}

func expScaleSumVec(x []float32, scale, shift float32) float32 {
	n := body(len(x))
	sum := expScaleSumGeneric(x[n:], scale, shift)
	if n > 0 {
		sum += expScaleSumNEON(&x[0], n, scale, shift)
	}
	return sum
}

// softmaxQuantizeVec takes rows whose width is a multiple of 16 in one
// call, others through the set's row functions.
func softmaxQuantizeVec(s *Set, q []int8, sums, x []float32, rows, w int, scale float32) {
	if w%16 != 0 || rows == 0 {
		softmaxQuantizeGeneric(s, q, sums, x, rows, w, scale)
		return
	}
	_, _, _ = q[rows*w-1], sums[rows-1], x[rows*w-1]
	softmaxQuantizeNEON(&q[0], &sums[0], &x[0], rows, w, scale)
}

func geluTanhVec(x []float32) {
	n := body(len(x))
	if n > 0 {
		geluTanhNEON(&x[0], n)
	}
	geluTanhGeneric(x[n:])
}

func geluErfVec(x []float32) {
	n := body(len(x))
	if n > 0 {
		geluErfNEON(&x[0], n)
	}
	geluErfGeneric(x[n:])
}

func multiplyVec(x []float32, by float32) {
	n := body(len(x))
	if n > 0 {
		multiplyNEON(&x[0], n, by)
	}
	multiplyGeneric(x[n:], by)
}

func maxVec(x []float32) float32 {
	n := body(len(x))
	if n == 0 {
		return maxGeneric(x)
	}
	peak := maxNEON(&x[0], n)
	if n < len(x) {
		peak = max(peak, maxGeneric(x[n:]))
	}
	return peak
}

// addSumVec is addSumGeneric with the whole 32-element blocks in NEON, the
// partial sums kept in the same lanes, so the two agree bit for bit.
func addSumVec(x, resid []float32) float32 {
	var lanes [32]float32
	n := len(x) &^ 31
	if n > 0 {
		var r *float32
		if resid != nil {
			r = &resid[0]
		}
		addSumNEON(&x[0], r, n, &lanes)
	}
	for i := n; i < len(x); i++ {
		if resid != nil {
			x[i] += resid[i]
		}
		lanes[i%32] += x[i]
	}
	return sumLanes32(&lanes)
}

// sqDevSumVec is sqDevSumGeneric, bit for bit, as addSumVec.
func sqDevSumVec(x []float32, mean float32) float32 {
	var lanes [32]float32
	n := len(x) &^ 31
	if n > 0 {
		sqDevSumNEON(&x[0], n, mean, &lanes)
	}
	for i := n; i < len(x); i++ {
		d := x[i] - mean
		lanes[i%32] += d * d
	}
	return sumLanes32(&lanes)
}

func normalizeVec(x, gamma, beta []float32, mean, inv float32) {
	n := body(len(x))
	if n > 0 {
		normalizeNEON(&x[0], &gamma[0], &beta[0], n, mean, inv)
	}
	normalizeGeneric(x[n:], gamma[n:], beta[n:], mean, inv)
}

// quantizeColumnsVec takes a matrix whose width is a multiple of 16 in two
// calls, one for the peaks and one to quantize, others row by row.
func quantizeColumnsVec(s *Set, q []int8, scales, inv, x []float32, ld, rows int) {
	w := len(scales)
	if w == 0 || w%16 != 0 || rows == 0 {
		quantizeColumnsGeneric(s, q, scales, inv, x, ld, rows)
		return
	}
	_, _, _ = q[rows*w-1], inv[w-1], x[(rows-1)*ld+w-1]
	clear(scales)
	columnPeaksNEON(&scales[0], &x[0], w, ld, rows)
	columnScales(scales, inv)
	quantizeScaledNEON(&q[0], &x[0], &inv[0], w, ld, rows)
}

// quantizeRowsVec takes rows whose width is a multiple of 16 in one call,
// others row by row.
func quantizeRowsVec(s *Set, dst []int8, scales, src []float32, ld, rows, w int) {
	if w%16 != 0 || rows == 0 {
		quantizeRowsGeneric(s, dst, scales, src, ld, rows, w)
		return
	}
	_, _, _ = dst[rows*w-1], scales[rows-1], src[(rows-1)*ld+w-1]
	quantizeRowsNEON(&dst[0], &scales[0], &src[0], ld, rows, w)
}
