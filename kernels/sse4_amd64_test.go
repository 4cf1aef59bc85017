//go:build !purego

package kernels

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/albertq/albertq/internal/half"
)

// TestSelectSSE4 checks that ALBERTQ_KERNELS=sse4 runs sse4's three GEMMs
// and vector work, the portable tier's for the rest, and that avx2 sits on
// top of it.
func TestSelectSSE4(t *testing.T) {
	s, err := Select("sse4")
	if !hasSSE4() {
		if err == nil {
			t.Error("Select(sse4) succeeded on a CPU without SSSE3 and SSE4.1")
		}
		t.Skip("no SSE4.1 here")
	}
	if err != nil || s.F32.Name != "sse4" || s.F16.Name != "sse4" || s.I8.Name != "sse4" || s.source("geluTanh") != "sse4" || s.source("columnPeaks") != "portable" {
		t.Fatalf("Select(sse4) = %s/%s/%s, gelu %s, columnPeaks %s, %v; want sse4/sse4/sse4, gelu sse4, columnPeaks portable",
			s.F32.Name, s.F16.Name, s.I8.Name, s.source("geluTanh"), s.source("columnPeaks"), err)
	}
	if hasAVX2() {
		avx2, _ := Select("avx2")
		if chain := avx2.chain; len(chain) < 2 || chain[1].name != "sse4" {
			t.Errorf("avx2 falls back to %s, want sse4", chain[1].name)
		}
	}
}

// TestWidenHalvesSSE checks the integer conversion on every half value
// (zeros, subnormals, normals, infinities, NaN payloads), bit for bit
// against half.ToFloat32, and that it writes no further than n.
func TestWidenHalvesSSE(t *testing.T) {
	if !hasSSE4() {
		t.Skip("no SSE4.1 here")
	}
	const n = 1 << 16
	src := make([]uint16, n)
	for i := range src {
		src[i] = uint16(i)
	}
	dst := make([]float32, n+8)
	for i := range dst {
		dst[i] = sentinel
	}
	widenHalvesSSE(&dst[0], &src[0], n)
	for i, h := range src {
		if got, want := math.Float32bits(dst[i]), math.Float32bits(half.ToFloat32(h)); got != want {
			t.Fatalf("half %#04x widened to %#08x, want %#08x", h, got, want)
		}
	}
	for _, v := range dst[n:] {
		if math.Float32bits(v) != math.Float32bits(sentinel) {
			t.Fatal("wrote past n")
		}
	}
}

// TestFoldStoreSSE checks the sse4 epilogue against its Go twin for every
// whole number of row quads up to 16 rows and a C wider than the panels,
// whose other elements must stay.
func TestFoldStoreSSE(t *testing.T) {
	if !hasSSE4() {
		t.Skip("no SSE4.1 here")
	}
	const panels, ldc = 3, 3*foldNR + 5
	acc, sa, sb, bias := foldStoreInputs(rand.New(rand.NewPCG(35, 36)), panels)
	for quads := 1; quads <= foldRows/4; quads++ {
		got, want := guarded(foldRows, ldc, sentinel), guarded(foldRows, ldc, sentinel)
		foldStoreSSE(&acc[0], panels, &got[1], ldc, quads, &sa[0], &sb[0], &bias[0])
		foldStoreGeneric(acc, panels, foldNR, want[1:], ldc, 4*quads, sa, sb, bias)
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("quads %d: element %d is %g, Go twin %g", quads, i, got[i], want[i])
			}
		}
	}
}

// TestSSE4MatchesGeneric checks the sse4 set's vector ops against the
// generic ones bit for bit, but for the sum expScaleSum returns.
func TestSSE4MatchesGeneric(t *testing.T) {
	s, err := Select("sse4")
	if err != nil {
		t.Skip("no SSE4.1 here")
	}
	matchesGeneric(t, s, false)
}

// TestSSE4NonNegMatchesGeneric checks that the sse4 set's I8NonNeg is its
// own pmaddubsw kernel and that it writes, bit for bit, what the generic
// int8 kernel writes (float32(sum)·(sa·sb) + bias, each operation rounded to
// float32, no FMA), bias nil or not, on every tile height and its tails,
// narrow last panels, and K with and without a partial k group, with C's
// guard band untouched.
func TestSSE4NonNegMatchesGeneric(t *testing.T) {
	set, err := Select("sse4")
	if err != nil {
		t.Skip("no SSE4.1 here")
	}
	if set.source("int8NonNeg") != "sse4" || set.ops.I8NonNeg != i8SSE4NonNeg || set.I8NonNeg.Layout != (Layout{NR: 8, KG: 4}) {
		t.Fatalf("sse4's int8NonNeg comes from %s with layout %+v, want sse4's own, Layout{NR: 8, KG: 4}", set.source("int8NonNeg"), set.I8NonNeg.Layout)
	}
	kn, ref := set.I8NonNeg, genericSet().I8
	rng := rand.New(rand.NewPCG(37, 38))
	for m := 1; m <= 13; m++ {
		for _, k := range []int{1, 3, 4, 5, 8, 63, 64, 67} {
			for _, n := range []int{1, 7, 8, 9, 16, 21, 64} {
				for _, withBias := range []bool{false, true} {
					s := shape{m, k, n}
					o := newOperands(rng, s, func() int8 { return int8(rng.IntN(128)) })
					bias := o.bias
					if !withBias {
						bias = nil
					}
					c, want := guarded(m, o.ldc, sentinel), guarded(m, o.ldc, sentinel)
					kn.GEMM(nil, c, o.ldc, o.a8, o.lda, o.sa, m, kn.Pack(o.w8, Transposed(k), k, n, o.sb), bias)
					ref.GEMM(nil, want, o.ldc, o.a8, o.lda, o.sa, m, ref.Pack(o.w8, Transposed(k), k, n, o.sb), bias)
					for i := range m {
						for j := range n {
							if got, w := c[i*o.ldc+j], want[i*o.ldc+j]; math.Float32bits(got) != math.Float32bits(w) {
								t.Fatalf("%v, bias %v: C[%d][%d] = %g, generic %g", s, withBias, i, j, got, w)
							}
						}
					}
					checkGuards(t, c, o.ldc, m, n)
				}
			}
		}
	}
}
