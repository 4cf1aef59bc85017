//go:build !purego

package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// forFoldTiers calls check with each sign-folded GEMM this CPU runs and
// each register count of its tile.
func forFoldTiers(t *testing.T, check func(tier string, f *foldGEMM, regs int)) {
	for _, tier := range []struct {
		name string
		has  func() bool
		f    *foldGEMM
	}{
		{"avx2", hasAVX2, foldAVX2},
		{"sse4", hasSSE4, foldSSE},
	} {
		if !tier.has() {
			t.Logf("%s: not on this CPU", tier.name)
			continue
		}
		for regs := 1; regs <= foldRows/tier.f.lanes; regs++ {
			check(tier.name, tier.f, regs)
		}
	}
}

// TestFoldVariants checks each tier's sign variants against their Go twin,
// for every register count of a tile, with guard bytes after them.
func TestFoldVariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	forFoldTiers(t, func(tier string, f *foldGEMM, regs int) {
		lanes := f.lanes
		for groups := 1; groups <= 17; groups++ {
			stride := groups*4*lanes + 5
			a := make([]byte, regs*stride)
			for i := range a {
				a[i] = byte(rng.IntN(255) - 127)
			}
			n := groups * regs * 64 * lanes
			got, want := aligned16(make([]byte, n+64+15))[:n+64], make([]byte, n+64)
			for i := range got {
				got[i], want[i] = 0x55, 0x55
			}
			f.variants(&got[0], &a[0], stride, regs, groups, &foldSigns[0])
			foldVariantsGeneric(want, a, stride, regs, groups, lanes)
			if !slices.Equal(got, want) {
				t.Fatalf("%s regs %d groups %d: variants differ from the Go twin", tier, regs, groups)
			}
		}
	})
}

// TestFoldChunk checks each tier's chunk kernel against its Go twin for
// every register count of a tile on random records (every variant number,
// |b| up to 127) and variants (±127 included), starting from zero and
// accumulating, with a guard after the sums.
func TestFoldChunk(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	forFoldTiers(t, func(tier string, f *foldGEMM, regs int) {
		lanes := f.lanes
		for _, kc := range []int{1, 2, 7, 16} {
			for _, panels := range []int{1, 3} {
				n := kc * regs * 64 * lanes
				v := aligned16(make([]byte, n+15))[:n]
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
					f.chunk(&v[0], &b[0], kc, panels, &got[0], accumulate, regs)
					foldChunkGeneric(v, b, kc, panels, want, accumulate, regs, lanes)
					if !slices.Equal(got, want) {
						t.Fatalf("%s regs %d kc %d panels %d accumulate %v: sums differ from the Go twin", tier, regs, kc, panels, accumulate)
					}
				}
			}
		}
	})
}

// foldStoreInputs draws a store's inputs for panels panels: int32 sums
// of up to ±2²³, row and column scales in [0, 1), biases in [-0.5, 0.5).
func foldStoreInputs(rng *rand.Rand, panels int) (acc []int32, sa, sb, bias []float32) {
	acc = make([]int32, panels*foldTile)
	for i := range acc {
		acc[i] = int32(rng.IntN(1<<24) - 1<<23)
	}
	sa, sb, bias = make([]float32, foldRows), make([]float32, panels*foldNR), make([]float32, panels*foldNR)
	for i := range sa {
		sa[i] = rng.Float32()
	}
	for j := range sb {
		sb[j], bias[j] = rng.Float32(), rng.Float32()-0.5
	}
	return acc, sa, sb, bias
}

// TestFoldStore checks the epilogue against its Go twin for every row count
// up to 16 and a C wider than the panels, whose other elements must stay.
func TestFoldStore(t *testing.T) {
	if !hasAVX2() {
		t.Skip("no AVX2")
	}
	const panels, ldc = 3, 3*foldNR + 5
	acc, sa, sb, bias := foldStoreInputs(rand.New(rand.NewPCG(25, 26)), panels)
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
