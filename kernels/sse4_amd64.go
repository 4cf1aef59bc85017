//go:build !purego

package kernels

import (
	"unsafe"

	"github.com/klauspost/cpuid/v2"
)

// The sse4 tier: 128-bit kernels for the x86 CPUs without AVX2 (Atom,
// Celeron and Pentium Silver up to Jasper Lake, Core 2 to Westmere, VMs
// that hide AVX). Its GEMMs use SSE2 and SSSE3 (pmaddubsw, psignb, pabsb);
// the tier asks for SSE4.1 too, as the class it is named for has it. Its
// vector work is the portable tier's.

// hasSSE4 is SSSE3 and SSE4.1 (SSE2 is every amd64 CPU's).
func hasSSE4() bool { return cpuid.CPU.Supports(cpuid.SSSE3, cpuid.SSE4) }

// f32TileSSEx6 computes a 6×8 fp32 tile of C (its first rows rows) with mulps and addps.
//
//go:noescape
func f32TileSSEx6(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// i8TileSSE4x4 computes a 4×8 int8 tile of C with pmaddubsw of |a| and b·sign(a).
//
//go:noescape
func i8TileSSE4x4(a *int8, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)

// broadcastQuads lays out groups k groups of one row of A for i8TileSSE4x4 (see broadcastBlock).
//
//go:noescape
func broadcastQuads(dst *int8, src *int8, groups int)

// widenHalvesSSE widens n (a multiple of 8) half-precision values at src to float32 at dst.
//
//go:noescape
func widenHalvesSSE(dst *float32, src *uint16, n int)

// The sse4 kernels. fp32 is one 6×8 tile (twelve accumulators, the two B
// vectors, the broadcast a and the product fill the sixteen xmm registers);
// floatGEMM runs it on short row tails too, from a zero-padded copy. fp16
// widens each B panel to fp32 (integer conversion: no F16C here) and runs
// the fp32 tile on it.
var (
	f32SSE = &F32Kernel{
		Probe:  probeSSEMulAdd,
		Layout: Layout{NR: 8, KG: 1},
		gemm:   f32GEMM(8, []int{6}, []floatTile[float32]{f32TileSSEx6}, nil),
	}
	f16SSE = &F16Kernel{
		Probe:  probeSSEMulAdd,
		Layout: Layout{NR: 8, KG: 1},
		gemm:   gemmF16SSE,
	}
	i8SSE4 = &I8Kernel{
		Probe:  probeSSE4I8,
		Layout: Layout{NR: 8, KG: 4},
		gemm:   gemmI8SSE4,
	}
)

// gemmF16SSE is the sse4 fp16-weight GEMM: each column panel of B is
// widened into scratch (8·K floats, which stay in L1 or L2 while every row
// block reuses them), then multiplied as fp32.
func gemmF16SSE(c []float32, ldc int, a []float32, lda int, _ []float32, m int, b *PackedF16, bias []float32, n0, n1 int) {
	const nr = 8
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
		floatGEMM(nr, []int{6}, []floatTile[float32]{f32TileSSEx6}, nil, c[j:], ldc, a, lda, m, k, panel, bj, 0, min(nr, n1-j))
	}
}

// gemmI8SSE4 is the sse4 int8 GEMM. pmaddubsw multiplies unsigned by signed
// bytes and adds pairs into saturating int16; with |a| as the unsigned
// operand and b·sign(a) (psignb) as the signed one, every pair is at most
// 2·127² = 32258 in magnitude, so the sums stay exact (see DOTI8 in
// sse4_amd64.s). Rows go four at a time: each block of A is laid out once,
// every a and |a| already broadcast (see broadcastBlock), so the tile
// spends no shuffles on it, then multiplied with every column panel of B
// (Layout{8, 4}); tiles that stick out of C (fewer than four rows or eight
// columns) go through the scratch tile and are copied out.
func gemmI8SSE4(c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int) {
	const mr, nr = 4, 8
	s := getScratch()
	defer putScratch(s)
	kg := (b.K + 3) / 4
	blk := aligned16(grow(&s.i8, 128*kg+15))
	for i := 0; i < m; i += mr {
		rows := min(mr, m-i)
		broadcastBlock(blk, a[i*lda:], lda, rows, b.K)
		for j := n0; j < n1; j += nr {
			cols := min(nr, n1-j)
			bp, bi := &b.Data[j*kg*4], s.panelBias(bias, j, cols, nr)
			s.panelScales(b, j, cols, nr, false)
			if rows == mr && cols == nr {
				i8TileSSE4x4(&blk[0], bp, kg, &c[i*ldc+j], ldc, &sa[i], &s.sb[0], bi)
				continue
			}
			i8TileSSE4x4(&blk[0], bp, kg, &s.tile[0], nr, s.rowScales(sa[i:], rows), &s.sb[0], bi)
			s.copyTile(c[i*ldc+j:], ldc, rows, cols, nr)
		}
	}
}

// aligned16 returns buf from its first 16-byte aligned element on (legacy
// SSE faults on an unaligned memory operand).
func aligned16(buf []int8) []int8 {
	return buf[-uintptr(unsafe.Pointer(unsafe.SliceData(buf)))&15:]
}

// broadcastBlock lays out rows (≤ 4) rows of the k-deep A (leading
// dimension lda) for i8TileSSE4x4: per k group of four, per row, the
// group's four bytes repeated four times, then their absolute values
// likewise; element (i, kk) and its absolute value sit at
//
//	(kk/4)·128 + i·32 + 4l + kk%4 and 16 bytes further, for l = 0..3,
//
// K's padding, and rows past rows, zero.
func broadcastBlock(dst, a []int8, lda, rows, k int) {
	kg, full := (k+3)/4, k/4
	for i := range 4 {
		at := dst[i*32:]
		if i >= rows {
			for g := range kg {
				clear(at[g*128 : g*128+32])
			}
			continue
		}
		row := a[i*lda : i*lda+k]
		if full > 0 {
			broadcastQuads(&at[0], &row[0], full)
		}
		if full < kg { // K's last, partial group
			var q [4]int8
			copy(q[:], row[4*full:])
			broadcastQuadsGeneric(at[full*128:], q[:], 1)
		}
	}
}

// broadcastQuadsGeneric is broadcastQuads in Go: the groups groups of
// four bytes of src, each repeated four times at dst (128 bytes apart),
// followed by their absolute values.
func broadcastQuadsGeneric(dst, src []int8, groups int) {
	for g := range groups {
		q, d := src[4*g:4*g+4], dst[128*g:128*g+32]
		for l := 0; l < 16; l += 4 {
			for t, v := range q {
				d[l+t], d[16+l+t] = v, abs8(v)
			}
		}
	}
}

// abs8 is |v| for v in [-127, 127].
func abs8(v int8) int8 {
	if v < 0 {
		return -v
	}
	return v
}
