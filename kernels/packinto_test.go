package kernels

import (
	"slices"
	"testing"
)

// PackInto must pack exactly as Pack does, for both source layouts, and
// reuse a big enough buffer whatever it held before.
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
				want := kn.Pack(src, s, k, n)
				kn.PackInto(&p, src, s, k, n)
				if p.K != k || p.N != n || p.Layout != want.Layout || !slices.Equal(p.Data, want.Data) {
					t.Fatalf("%s: PackInto %dx%d %+v differs from Pack", kn.Name, k, n, s)
				}
			}
		}
	}
}
