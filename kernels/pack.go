package kernels

import "github.com/albertq/albertq/internal/half"

// packInto writes the K×N matrix src (located by s) into dst in layout l,
// converting each element with conv; dst must be zeroed and l.size(k, n) long.
func packInto[S, D any](dst []D, l Layout, src []S, s Strides, k, n int, conv func(S) D) {
	kp := l.paddedK(k)
	for j := 0; j < n; j++ {
		for kk := 0; kk < k; kk++ {
			dst[l.index(kk, j, kp)] = conv(src[kk*s.K+j*s.N])
		}
	}
}

// checkSource panics unless src holds every element of a K×N matrix at s.
func checkSource(srcLen int, s Strides, k, n int) {
	if k <= 0 || n <= 0 || s.K < 0 || s.N < 0 {
		panic("kernels: pack of an empty matrix or with negative strides")
	}
	if last := (k-1)*s.K + (n-1)*s.N; last >= srcLen {
		panic("kernels: pack source too short for its shape")
	}
}

// Pack packs the K×N matrix src for this kernel.
func (kn *F32Kernel) Pack(src []float32, s Strides, k, n int) *PackedF32 {
	p := new(PackedF32)
	kn.PackInto(p, src, s, k, n)
	return p
}

// Pack rounds the K×N matrix src to half precision and packs it for this kernel.
func (kn *F16Kernel) Pack(src []float32, s Strides, k, n int) *PackedF16 {
	checkSource(len(src), s, k, n)
	p := &PackedF16{K: k, N: n, Layout: kn.Layout, Data: make([]uint16, kn.Layout.size(k, n))}
	packInto(p.Data, kn.Layout, src, s, k, n, half.FromFloat32)
	return p
}

// PackHalf packs a K×N matrix already in half precision (as stored in a file).
func (kn *F16Kernel) PackHalf(src []uint16, s Strides, k, n int) *PackedF16 {
	checkSource(len(src), s, k, n)
	p := &PackedF16{K: k, N: n, Layout: kn.Layout, Data: make([]uint16, kn.Layout.size(k, n))}
	packInto(p.Data, kn.Layout, src, s, k, n, func(x uint16) uint16 { return x })
	return p
}

// Pack packs the int8 K×N matrix src (values in [-127, 127]) with its
// per-column scales for this kernel and precomputes its column sums.
func (kn *I8Kernel) Pack(src []int8, s Strides, k, n int, scales []float32) *PackedI8 {
	p := new(PackedI8)
	kn.PackInto(p, src, s, k, n, scales)
	return p
}
