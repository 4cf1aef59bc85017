package kernels

import (
	"slices"
	"testing"
)

// PackInto must put every element where the layout's index says, for both
// source layouts, and reuse a big enough buffer whatever it held before.
func TestPackInto(t *testing.T) {
	for _, set := range Available() {
		kn := set.F32
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
					t.Fatalf("%s: PackInto %dx%d %+v is wrong", set.Name, k, n, s)
				}
			}
		}
	}
}

// The int8 PackInto must lay out every element where the layout's index
// says (or the sign-folded layout's definition, foldAt), zero the padding
// whatever the buffer held, and sum each column (for the kernels that read
// the sums), for every set's int8 kernels' layouts (I8 and I8NonNeg) and
// movers and both source layouts.
func TestPackIntoI8(t *testing.T) {
	for _, set := range Available() {
		for _, kn := range []*I8Kernel{set.I8, set.I8NonNeg} {
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
							if kn.Layout.SignFolded {
								g := kk / 4
								g0, kc := foldChunk(g, (k+3)/4)
								foldByte(want[foldRecord*(g0*((n+foldNR-1)/foldNR)+j/foldNR*kc+g-g0):], j%foldNR, kk%4, v)
							} else {
								want[kn.Layout.index(kk, j, kn.Layout.paddedK(k))] = v
							}
							sums[j] += int32(v)
						}
					}
					if kn.Layout.SignFolded || kn.noColSums {
						sums = sums[:0] // the kernel reads no column sums
					}
					if p.K != k || p.N != n || p.Layout != kn.Layout || !slices.Equal(p.Data, want) ||
						!slices.Equal(p.ColSums, sums) || !slices.Equal(p.Scales, scales) {
						t.Fatalf("%s (%+v): PackInto %dx%d %+v is wrong", set.Name, kn.Layout, k, n, s)
					}
				}
			}
		}
	}
}

// TestMovers checks every set's pack movers against the generic ones: the
// 8×8 transpose with strides wider than the block, the int8 byte movers
// on every length up to 70 (vector bodies and tails), and the sign-folded
// records of up to 9 panels (-128 included: it folds to the magnitude 128)
// a stride wider than a record apart, with guards after or between the
// outputs that must stay.
func TestMovers(t *testing.T) {
	generic := genericSet()
	forEachSet(t, func(t *testing.T, set *Set) {
		m, want := &set.ops, &generic.ops
		src := make([]float32, 8*11)
		for i := range src {
			src[i] = float32(i) + 0.5
		}
		got, twin := make([]float32, 8*13+1), make([]float32, 8*13+1)
		for i := range got {
			got[i], twin[i] = -1, -1
		}
		m.Transpose8x8(got[1:], 13, src, 11)
		want.Transpose8x8(twin[1:], 13, src, 11)
		if !slices.Equal(got, twin) {
			t.Fatalf("transpose8x8: %v, want %v", got, twin)
		}

		const g = 0x55
		rows := make([][]int8, 4)
		for r := range rows {
			rows[r] = make([]int8, 70)
			for i := range rows[r] {
				rows[r][i] = int8(i*37 + r*101 - 128)
			}
		}
		fill := func(n int) []int8 {
			x := make([]int8, n+8)
			for i := range x {
				x[i] = g
			}
			return x
		}
		for n := range 71 {
			got, twin := fill(4*n), fill(4*n)
			m.Interleave4(got[:4*n], rows[0][:n], rows[1][:n], rows[2][:n], rows[3][:n])
			want.Interleave4(twin[:4*n], rows[0][:n], rows[1][:n], rows[2][:n], rows[3][:n])
			if !slices.Equal(got, twin) {
				t.Fatalf("interleave4 n=%d: %v, want %v", n, got, twin)
			}
			const stride = 12
			got, twin = fill(stride*n), fill(stride*n)
			m.CopyWords(got, stride, rows[0][:n])
			want.CopyWords(twin, stride, rows[0][:n])
			if !slices.Equal(got, twin) {
				t.Fatalf("copyWords n=%d: %v, want %v", n, got, twin)
			}
			if s, w := m.SumI8(rows[1][:n]), want.SumI8(rows[1][:n]); s != w {
				t.Fatalf("sumI8 n=%d: %d, want %d", n, s, w)
			}
			sums, sumsTwin := make([]int32, n+3), make([]int32, n+3)
			for i := range sums {
				sums[i], sumsTwin[i] = int32(i)-7, int32(i)-7
			}
			m.AddI8(sums[:n], rows[2][:n])
			want.AddI8(sumsTwin[:n], rows[2][:n])
			if !slices.Equal(sums, sumsTwin) {
				t.Fatalf("addI8 n=%d: %v, want %v", n, sums, sumsTwin)
			}
		}
		for panels := 1; panels <= 9; panels++ {
			words := make([]int8, panels*foldNR*4+8)
			for i := range words {
				words[i] = int8(i*59 + panels)
			}
			const stride = 48
			got, twin := fill(panels*stride), fill(panels*stride)
			m.FoldRecords(got, words, panels, stride)
			want.FoldRecords(twin, words, panels, stride)
			if !slices.Equal(got, twin) {
				t.Fatalf("foldRecords panels=%d: %v, want %v", panels, got, twin)
			}
		}
	})
}
