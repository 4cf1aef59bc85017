package kernels

import "testing"

// foldAt is B[kk][j] of a K×N matrix read back from the sign-folded layout,
// by the layout's definition.
func foldAt(data []int8, k, n, kk, j int) int8 {
	groups, panels := (k+3)/4, (n+foldNR-1)/foldNR
	g := kk / 4
	g0, kc := foldChunk(g, groups)
	rec := data[foldRecord*(g0*panels+j/foldNR*kc+g-g0):][:foldRecord]
	c, t := j%foldNR, kk%4
	if rec[24+c]>>t&4 != 0 {
		return -rec[4*c+t]
	}
	return rec[4*c+t]
}

// TestPackFolded reads every element back from the sign-folded layout, as
// each set's movers pack it from row-major, transposed and general sources
// (K across several chunks and a partial group), and checks that the
// padding and the records' last two bytes stay zero.
func TestPackFolded(t *testing.T) {
	forEachSet(t, func(t *testing.T, set *Set) {
		for _, k := range []int{1, 3, 4, 5, 63, 64, 65, 130} {
			for _, n := range []int{1, 5, 6, 7, 13} {
				src := make([]int8, k*n)
				for i := range src {
					src[i] = int8(i*37%255 - 127)
				}
				tr, wide := make([]int8, k*n), make([]int8, 2*k*n)
				for kk := range k {
					for j := range n {
						tr[j*k+kk] = src[kk*n+j]
						wide[kk*2*n+2*j] = src[kk*n+j]
					}
				}
				for _, c := range []struct {
					name string
					src  []int8
					s    Strides
				}{
					{"row-major", src, RowMajor(n)},
					{"transposed", tr, Transposed(k)},
					{"strided", wide, Strides{K: 2 * n, N: 2}},
				} {
					dst := make([]int8, foldSize(k, n))
					packFolded(dst, c.src, c.s, k, n, &set.ops)
					for kk := range (k + 3) / 4 * 4 {
						for j := range (n + foldNR - 1) / foldNR * foldNR {
							want := int8(0)
							if kk < k && j < n {
								want = src[kk*n+j]
							}
							if got := foldAt(dst, k, n, kk, j); got != want {
								t.Fatalf("%s k=%d n=%d: B[%d][%d] reads back %d, want %d", c.name, k, n, kk, j, got, want)
							}
						}
					}
					for r := 0; r < len(dst); r += foldRecord {
						if dst[r+30] != 0 || dst[r+31] != 0 {
							t.Fatalf("%s k=%d n=%d: record at %d ends in %d %d", c.name, k, n, r, dst[r+30], dst[r+31])
						}
					}
				}
			}
		}
	})
}
