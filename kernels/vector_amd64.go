//go:build !purego

package kernels

// The AVX2+FMA vector functions take n, a positive multiple of 8; the
// wrappers below run the rest of a slice through the Go twins.

//go:noescape
func maxAbsAVX2(x *float32, n int) float32

//go:noescape
func quantizeAVX2(dst *int8, src *float32, n int, inv float32)

//go:noescape
func expScaleSumAVX2(x *float32, n int, scale, shift float32) float32

//go:noescape
func geluTanhAVX2(x *float32, n int)

//go:noescape
func scaleAVX2(x *float32, n int, s float32)

func init() {
	if hasAVX2() {
		maxAbs, quantizeInto, expScaleSum, geluTanh, scaleBy = maxAbsAVX, quantizeAVX, expScaleSumAVX, geluTanhAVX, scaleAVX
	}
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

func scaleAVX(x []float32, s float32) {
	n := whole(len(x))
	if n > 0 {
		scaleAVX2(&x[0], n, s)
	}
	scaleGeneric(x[n:], s)
}
