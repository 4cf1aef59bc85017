package kernels

import (
	"slices"
	"testing"
)

// PackInto must put every element where the layout's index says, for both
// source layouts, and reuse a big enough buffer whatever it held before.
func TestPackInto(t *testing.T) {
	for _, kn := range F32Kernels() {
		var p PackedF32
		for _, shape := range [][2]int{{64, 128}, {1, 1}, {7, 50}, {64, 3}, {130, 97}} {
			k, n := shape[0], shape[1]
			src := make([]float32, k*n+5)
			for i := range src {
				src[i] = float32(i%251) - 125
			}
			for _, s := range []Strides{RowMajor(n), Transposed(k), RowMajor(n + 1), Transposed(k + 1)} {
				if (k-1)*s.K+(n-1)*s.N >= len(src) {
					continue
				}
				for i := range p.Data {
					p.Data[i] = 99 // stale contents must not leak into padding
				}
				want := make([]float32, kn.Layout.size(k, n))
				packInto(want, kn.Layout, src, s, k, n, func(x float32) float32 { return x })
				kn.PackInto(&p, src, s, k, n)
				if p.K != k || p.N != n || p.Layout != kn.Layout || !slices.Equal(p.Data, want) {
					t.Fatalf("%s: PackInto %dx%d %+v is wrong", kn.Name, k, n, s)
				}
			}
		}
	}
}

// The int8 PackInto must lay out every element where the layout's index
// says, zero the padding whatever the buffer held, and sum each column, for
// every kernel's layout and both source layouts.
func TestPackIntoI8(t *testing.T) {
	for _, kn := range I8Kernels() {
		var p PackedI8
		for _, shape := range [][2]int{{64, 128}, {1, 1}, {7, 50}, {64, 3}, {130, 97}, {5, 17}} {
			k, n := shape[0], shape[1]
			src := make([]int8, k*n+5)
			for i := range src {
				src[i] = int8(i%255 - 127)
			}
			scales := make([]float32, n)
			for j := range scales {
				scales[j] = float32(j) + 0.5
			}
			for _, s := range []Strides{RowMajor(n), Transposed(k), RowMajor(n + 1), Transposed(k + 1), {K: n + 2, N: 1}, {K: 2, N: 2 * k}} {
				if (k-1)*s.K+(n-1)*s.N >= len(src) {
					continue
				}
				for i := range p.Data {
					p.Data[i] = 99 // stale contents must not leak into padding
				}
				for i := range p.ColSums {
					p.ColSums[i] = 99
				}
				kn.PackInto(&p, src, s, k, n, scales)
				want := make([]int8, kn.Layout.size(k, n))
				sums := make([]int32, n)
				for j := range n {
					for kk := range k {
						v := src[kk*s.K+j*s.N]
						want[kn.Layout.index(kk, j, kn.Layout.paddedK(k))] = v
						sums[j] += int32(v)
					}
				}
				if p.K != k || p.N != n || p.Layout != kn.Layout || !slices.Equal(p.Data, want) ||
					!slices.Equal(p.ColSums, sums) || !slices.Equal(p.Scales, scales) {
					t.Fatalf("%s: PackInto %dx%d %+v is wrong", kn.Name, k, n, s)
				}
			}
		}
	}
}
