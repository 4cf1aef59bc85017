//go:build !purego

package kernels

import "github.com/klauspost/cpuid/v2"

// The sse4 tier: 128-bit kernels for the x86 CPUs without AVX2 (Atom,
// Celeron and Pentium Silver up to Jasper Lake, Core 2 to Westmere, VMs
// that hide AVX). Its GEMMs use SSE2, SSSE3 (pmaddubsw, and psignb for
// A's sign variants) and SSE4.1 (the int8 store's extractps); its vector
// work is in vector_sse_amd64.s.

// hasSSE4 is SSSE3 and SSE4.1 (SSE2 is every amd64 CPU's).
func hasSSE4() bool { return cpuid.CPU.Supports(cpuid.SSSE3, cpuid.SSE4) }

// f32TileSSEx3 computes a 3×16 fp32 tile of C (its first rows rows) with mulps and addps.
//
//go:noescape
func f32TileSSEx3(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f32TileSSEx2 computes a 2×16 fp32 tile of C (its first rows rows) with mulps and addps.
//
//go:noescape
func f32TileSSEx2(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f32TileSSEx1 computes a 1×16 fp32 tile of C (its first rows rows) with mulps and addps.
//
//go:noescape
func f32TileSSEx1(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// foldChunkSSE adds the tiles of regs·4 rows (at most 16) by 6 columns of panels panels over one chunk of kc groups to acc.
//
//go:noescape
func foldChunkSSE(v *byte, b *int8, kc, panels int, acc *int32, accumulate bool, regs int)

// foldStoreSSE writes full panels of int32 sums to C as sa·sb·sum + bias, for 4·quads rows.
//
//go:noescape
func foldStoreSSE(acc *int32, panels int, c *float32, ldc, quads int, sa, sb, bias *float32)

// foldVariantsSSE writes the sixteen sign variants of regs 4-row blocks of packed A.
//
//go:noescape
func foldVariantsSSE(dst *byte, a *byte, stride, regs, groups int, signs *int8)

// i8TileSSE4NonNegx6 computes a 6×8 int8 tile of C from row-major A in [0, 127] with pmaddubsw.
//
//go:noescape
func i8TileSSE4NonNegx6(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)

// i8TileSSE4NonNegx4 computes a 4×8 int8 tile of C from row-major A in [0, 127] with pmaddubsw.
//
//go:noescape
func i8TileSSE4NonNegx4(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)

// i8TileSSE4NonNegx2 computes a 2×8 int8 tile of C from row-major A in [0, 127] with pmaddubsw.
//
//go:noescape
func i8TileSSE4NonNegx2(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)

// i8TileSSE4NonNegx1 computes a 1×8 int8 tile of C from row-major A in [0, 127] with pmaddubsw.
//
//go:noescape
func i8TileSSE4NonNegx1(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)

// widenHalvesSSE widens n (a multiple of 8) half-precision values at src to float32 at dst.
//
//go:noescape
func widenHalvesSSE(dst *float32, src *uint16, n int)

// f32SSEHeights and f32SSETiles are the sse4 fp32 tiles, tallest first.
var (
	f32SSEHeights = []int{3, 2, 1}
	f32SSETiles   = []floatTile[float32]{f32TileSSEx3, f32TileSSEx2, f32TileSSEx1}
)

// The sse4 kernels. fp32 is a 3×16 tile (twelve accumulators, the
// broadcast a and three products in flight fill the sixteen xmm registers)
// with 2- and 1-row versions for the last rows. fp16 widens each B panel
// to fp32 (integer conversion: no F16C here) and runs the fp32 tiles on it.
var (
	f32SSE = &F32Kernel{
		Probe:  probeSSEMulAdd,
		Layout: Layout{NR: 16, KG: 1},
		gemm:   f32GEMM(16, f32SSEHeights, f32SSETiles, nil),
	}
	f16SSE = &F16Kernel{
		Probe:  probeSSEMulAdd,
		Layout: Layout{NR: 16, KG: 1},
		gemm:   gemmF16SSE,
	}
	i8SSE4 = &I8Kernel{
		Probe:  probeSSE4I8,
		Layout: Layout{NR: foldNR, KG: 4, SignFolded: true},
		gemm:   foldSSE.gemm,
	}
	// i8SSE4NonNeg is sse4's I8NonNeg: AVX2's (i8AVX2NonNeg) at 128 bits,
	// pmaddubsw on A as u8 as it is (exact because A ≥ 0: see the tiles'
	// comment at the top of sse4_amd64.s), B plain in panels of eight
	// columns, A read in place.
	// Attention's context product skips the sign variants of A and the
	// folding of B that the sign-folded kernel does per call.
	i8SSE4NonNeg = nonNegKernel(probeSSE4I8, 8, [7]nonNegTile{
		1: i8TileSSE4NonNegx1, 2: i8TileSSE4NonNegx2, 4: i8TileSSE4NonNegx4, 6: i8TileSSE4NonNegx6,
	})
)

// gemmF16SSE is the sse4 fp16-weight GEMM: each column panel of B is
// widened into scratch (16·K floats, which stay in L1 or L2 while every row
// block reuses them), then multiplied as fp32.
func gemmF16SSE(c []float32, ldc int, a []float32, lda int, _ []float32, m int, b *PackedF16, bias []float32, n0, n1 int) {
	const nr = 16
	s := getScratch()
	defer putScratch(s)
	k := b.K
	panel := grow(&s.f32, nr*k)
	for j := n0; j < n1; j += nr {
		widenHalvesSSE(&panel[0], &b.Data[j*k], nr*k)
		var bj []float32
		if bias != nil {
			bj = bias[j:]
		}
		floatGEMM(nr, f32SSEHeights, f32SSETiles, nil, c[j:], ldc, a, lda, m, k, panel, bj, 0, min(nr, n1-j))
	}
}

// foldSSE is the sse4 int8 GEMM: foldGEMM (see the top of i8fold_amd64.go)
// at 128 bits: four rows a register, sixteen 16-byte variants per register
// and k group.
var foldSSE = &foldGEMM{lanes: 4, variants: foldVariantsSSE, chunk: foldChunkSSE, store: foldStoreSSERows}

// foldStoreSSERows is the sse4 driver's store: whole quads of rows with
// foldStoreSSE, the rest with its Go twin.
func foldStoreSSERows(acc []int32, panels int, c []float32, ldc, rows int, sa, sb, bias []float32) {
	quads := rows / 4
	if quads > 0 {
		foldStoreSSE(&acc[0], panels, &c[0], ldc, quads, &sa[0], &sb[0], &bias[0])
	}
	if done := 4 * quads; done < rows {
		foldStoreGeneric(acc[done:], panels, foldNR, c[done*ldc:], ldc, rows-done, sa[done:], sb, bias)
	}
}
