//go:build !purego

package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFoldVariants checks the sign variants against their Go twin, for one
// and two registers, with guard bytes after them.
func TestFoldVariants(t *testing.T) {
	if !hasAVX2() {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(21, 22))
	for _, regs := range []int{1, 2} {
		for groups := 1; groups <= 17; groups++ {
			stride := groups*32 + 5
			a := make([]byte, regs*stride)
			for i := range a {
				a[i] = byte(rng.IntN(255) - 127)
			}
			n := groups * regs * 512
			got, want := make([]byte, n+64), make([]byte, n+64)
			for i := range got {
				got[i], want[i] = 0x55, 0x55
			}
			foldVariantsAVX2(&got[0], &a[0], stride, regs, groups, &foldSigns[0])
			foldVariantsGeneric(want, a, stride, regs, groups)
			if !slices.Equal(got, want) {
				t.Fatalf("regs %d groups %d: variants differ from the Go twin", regs, groups)
			}
		}
	}
}

// TestFoldChunk checks both chunk kernels against their Go twin on random
// records (every variant number, |b| up to 127) and variants (±127 included),
// starting from zero and accumulating, with a guard after the sums.
func TestFoldChunk(t *testing.T) {
	if !hasAVX2() {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(23, 24))
	for _, regs := range []int{1, 2} {
		for _, kc := range []int{1, 2, 7, 16} {
			for _, panels := range []int{1, 3} {
				v := make([]byte, kc*regs*512)
				for i := range v {
					v[i] = byte([]int8{127, -127, int8(rng.IntN(255) - 127)}[rng.IntN(3)])
				}
				b := make([]int8, panels*kc*foldRecord)
				for r := range panels * kc {
					rec := b[r*foldRecord:]
					for c := range foldNR {
						for t := range 4 {
							rec[4*c+t] = int8([]int{127, rng.IntN(128)}[rng.IntN(2)])
						}
						rec[24+c] = int8(4 * rng.IntN(16))
					}
				}
				for _, accumulate := range []bool{false, true} {
					got, want := make([]int32, panels*foldTile+8), make([]int32, panels*foldTile+8)
					for i := range got {
						got[i] = int32(rng.IntN(1 << 20))
						want[i] = got[i]
					}
					if regs == 2 {
						foldChunk16AVX2(&v[0], &b[0], kc, panels, &got[0], accumulate)
					} else {
						foldChunk8AVX2(&v[0], &b[0], kc, panels, &got[0], accumulate)
					}
					foldChunkGeneric(v, b, kc, panels, want, accumulate, regs)
					if !slices.Equal(got, want) {
						t.Fatalf("regs %d kc %d panels %d accumulate %v: sums differ from the Go twin", regs, kc, panels, accumulate)
					}
				}
			}
		}
	}
}

// TestFoldStore checks the epilogue against its Go twin for every row count
// up to 16 and a C wider than the panels, whose other elements must stay.
func TestFoldStore(t *testing.T) {
	if !hasAVX2() {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(25, 26))
	const panels, ldc = 3, 3*foldNR + 5
	acc := make([]int32, panels*foldTile)
	for i := range acc {
		acc[i] = int32(rng.IntN(1<<24) - 1<<23)
	}
	sa, sb, bias := make([]float32, foldRows), make([]float32, panels*foldNR), make([]float32, panels*foldNR)
	for i := range sa {
		sa[i] = rng.Float32()
	}
	for j := range sb {
		sb[j], bias[j] = rng.Float32(), rng.Float32()-0.5
	}
	for rows := 1; rows <= foldRows; rows++ {
		got, want := guarded(foldRows, ldc, sentinel), guarded(foldRows, ldc, sentinel)
		foldStoreAVX2(&acc[0], panels, &got[1], ldc, rows, &sa[0], &sb[0], &bias[0])
		foldStoreGeneric(acc, panels, foldNR, want[1:], ldc, rows, sa, sb, bias)
		for i := range got {
			g, w := got[i], want[i]
			if math.Float32bits(g) != math.Float32bits(w) && math.Abs(float64(g-w)) > 1e-6*math.Abs(float64(w)) {
				t.Fatalf("rows %d: element %d is %g, Go twin %g", rows, i, g, w)
			}
		}
	}
}

// TestPackFolded reads every element back from the sign-folded layout, from
// both source orders, and checks that padding is zero.
func TestPackFolded(t *testing.T) {
	for _, k := range []int{1, 3, 4, 5, 63, 64, 65, 130} {
		for _, n := range []int{1, 5, 6, 7, 13} {
			src := make([]int8, k*n)
			for i := range src {
				src[i] = int8(i*37%255 - 127)
			}
			tr := make([]int8, k*n)
			for kk := range k {
				for j := range n {
					tr[j*k+kk] = src[kk*n+j]
				}
			}
			for name, s := range map[string]Strides{"row-major": RowMajor(n), "transposed": Transposed(k)} {
				from := src
				if name == "transposed" {
					from = tr
				}
				dst := make([]int8, foldSize(k, n))
				packFolded(dst, from, s, k, n)
				for kk := range (k + 3) / 4 * 4 {
					for j := range (n + foldNR - 1) / foldNR * foldNR {
						want := int8(0)
						if kk < k && j < n {
							want = src[kk*n+j]
						}
						if got := foldAt(dst, k, n, kk, j); got != want {
							t.Fatalf("%s k=%d n=%d: B[%d][%d] reads back %d, want %d", name, k, n, kk, j, got, want)
						}
					}
				}
			}
		}
	}
}

// TestFoldGEMM runs the whole GEMM on the sweep shapes, exactly.
func TestFoldGEMM(t *testing.T) {
	if !hasAVX2() {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(27, 28))
	fills := []func() int8{
		func() int8 { return int8(rng.IntN(255) - 127) },
		func() int8 { return 127 },
		func() int8 { return -127 },
		func() int8 { return []int8{127, -127}[rng.IntN(2)] },
	}
	for _, fill := range fills {
		forShapes(t, allShapes(), func(t *testing.T, s shape) {
			o := newOperands(rng, s, fill)
			ones := make([]float32, max(s.m, s.n))
			for i := range ones {
				ones[i] = 1
			}
			b := &PackedI8{K: s.k, N: s.n, Data: make([]int8, foldSize(s.k, s.n)), Scales: ones[:s.n]}
			packFolded(b.Data, o.w8, Transposed(s.k), s.k, s.n)
			c := guarded(s.m, o.ldc, sentinel)
			i8GEMMFolded(c, o.ldc, o.a8, o.lda, ones, s.m, b, nil, 0, s.n)
			for i := range s.m {
				for j := range s.n {
					var sum int32
					for kk := range s.k {
						sum += int32(o.a8[i*o.lda+kk]) * int32(o.w8[j*s.k+kk])
					}
					if got := c[i*o.ldc+j]; got != float32(sum) {
						t.Fatalf("%v: C[%d][%d] = %g, want %d", s, i, j, got, sum)
					}
				}
			}
			checkGuards(t, c, o.ldc, s.m, s.n)
		})
	}
}
