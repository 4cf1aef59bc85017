//go:build !purego

package kernels

import "unsafe"

// AVX2 versions of the packers' movers: an 8×8 fp32 transpose, and the
// int8 byte movers, whose assembly takes whole multiples of 16 (copyWords:
// of 4) bytes, the Go twins the rest.

// transpose8x8AVX writes dst[i*ldd+j] = src[j*lds+i] for i, j < 8.
//
//go:noescape
func transpose8x8AVX(dst *float32, ldd int, src *float32, lds int)

// packWords copies n 4-byte words of src to dst, stride bytes apart, each XOR xor.
//
//go:noescape
func packWords(dst unsafe.Pointer, stride int, src *int8, n int, xor uint32)

// interleave4AVX writes dst[4j+t] = r_t[j] for j < n, n a multiple of 16.
//
//go:noescape
func interleave4AVX(dst, r0, r1, r2, r3 *int8, n int)

// sumI8AVX2 is the sum of the n int8 at x, n a multiple of 16.
//
//go:noescape
func sumI8AVX2(x *int8, n int) int32

// addI8AVX2 adds the n int8 at x to sums[i], n a multiple of 16.
//
//go:noescape
func addI8AVX2(sums *int32, x *int8, n int)

func transpose8x8Vec(dst []float32, ldd int, src []float32, lds int) {
	_, _ = dst[7*ldd+7], src[7*lds+7]
	transpose8x8AVX(&dst[0], ldd, &src[0], lds)
}

func copyWordsAVX(dst []int8, stride int, src []int8) {
	if n := len(src) / 4; n > 0 {
		_ = dst[(n-1)*stride+3]
		packWords(unsafe.Pointer(&dst[0]), stride, &src[0], n, 0)
	}
}

func interleave4Vec(dst, r0, r1, r2, r3 []int8) {
	n := len(r0) &^ 15
	if n > 0 {
		_, _, _, _ = dst[4*n-1], r1[n-1], r2[n-1], r3[n-1]
		interleave4AVX(&dst[0], &r0[0], &r1[0], &r2[0], &r3[0], n)
	}
	interleave4Generic(dst[4*n:], r0[n:], r1[n:], r2[n:], r3[n:])
}

func sumI8Vec(x []int8) int32 {
	n := len(x) &^ 15
	s := sumI8Generic(x[n:])
	if n > 0 {
		s += sumI8AVX2(&x[0], n)
	}
	return s
}

func addI8Vec(sums []int32, x []int8) {
	n := len(x) &^ 15
	if n > 0 {
		_ = sums[n-1]
		addI8AVX2(&sums[0], &x[0], n)
	}
	addI8Generic(sums[n:], x[n:])
}
