//go:build !purego

package kernels

import (
	"unsafe"

	"github.com/klauspost/cpuid/v2"
)

// The sse4 tier: 128-bit kernels for the x86 CPUs without AVX2 (Atom,
// Celeron and Pentium Silver up to Jasper Lake, Core 2 to Westmere, VMs
// that hide AVX). Its GEMMs use SSE2, SSSE3 (pmaddubsw, and psignb for
// A's sign variants) and SSE4.1 (the int8 store's extractps); its vector
// work is in vector_sse_amd64.s.

// hasSSE4 is SSSE3 and SSE4.1 (SSE2 is every amd64 CPU's).
func hasSSE4() bool { return cpuid.CPU.Supports(cpuid.SSSE3, cpuid.SSE4) }

// f32TileSSEx4 computes a 4×8 fp32 tile of C (its first rows rows) with mulps and addps.
//
//go:noescape
func f32TileSSEx4(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// foldChunkSSE adds the tiles of regs·4 rows (at most 16) by 6 columns of panels panels over one chunk of kc groups to acc.
//
//go:noescape
func foldChunkSSE(v *int8, b *int8, kc, panels int, acc *int32, accumulate bool, regs int)

// foldStoreSSE writes full panels of int32 sums to C as sa·sb·sum + bias, for 4·quads rows.
//
//go:noescape
func foldStoreSSE(acc *int32, panels int, c *float32, ldc, quads int, sa, sb, bias *float32)

// foldVariantsSSE writes the sixteen sign variants of regs 4-row blocks of packed A.
//
//go:noescape
func foldVariantsSSE(dst *int8, a *byte, stride, regs, groups int, signs *int8)

// widenHalvesSSE widens n (a multiple of 8) half-precision values at src to float32 at dst.
//
//go:noescape
func widenHalvesSSE(dst *float32, src *uint16, n int)

// The sse4 kernels. fp32 is one 4×8 tile (eight accumulators, four k of
// each row's a, the two B vectors and two products fill the sixteen xmm
// registers); floatGEMM runs it on short row tails too, from a zero-padded
// copy. fp16 widens each B panel to fp32 (integer conversion: no F16C
// here) and runs the fp32 tile on it.
var (
	f32SSE = &F32Kernel{
		Probe:  probeSSEMulAdd,
		Layout: Layout{NR: 8, KG: 1},
		gemm:   f32GEMM(8, []int{4}, []floatTile[float32]{f32TileSSEx4}, nil),
	}
	f16SSE = &F16Kernel{
		Probe:  probeSSEMulAdd,
		Layout: Layout{NR: 8, KG: 1},
		gemm:   gemmF16SSE,
	}
	i8SSE4 = &I8Kernel{
		Probe:  probeSSE4I8,
		Layout: Layout{NR: foldNR, KG: 4, SignFolded: true},
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
		floatGEMM(nr, []int{4}, []floatTile[float32]{f32TileSSEx4}, nil, c[j:], ldc, a, lda, m, k, panel, bj, 0, min(nr, n1-j))
	}
}

// gemmI8SSE4 is the sse4 int8 GEMM: the AVX2 kernel's scheme (see the top
// of i8fold_amd64.go) at 128 bits. B is in the same sign-folded layout; A's
// rows are packed four per register, and each 4-row × 4-k block gets its
// sixteen sign variants per K chunk (8 KB for eight rows, in L1 while the
// chunk of every panel runs); the tile is 8 rows (two registers) by the six
// columns of a panel, a last block of at most four rows runs on one
// register. The int32 sums carry over in scratch, in the AVX2 kernel's tile
// of sixteen rows per column, and foldStoreGeneric writes them to C.
func gemmI8SSE4(c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int) {
	const rowsPerTile = 16
	s := getScratch()
	defer putScratch(s)
	groups, panels := (b.K+3)/4, (b.N+foldNR-1)/foldNR
	p0, p1 := n0/foldNR, (n1+foldNR-1)/foldNR
	stride := groups * 16 // one packed 4-row block of A
	ap := grow(&s.u8, 4*stride)
	v := aligned16(grow(&s.i8, foldKC*4*256+15))
	acc := grow(&s.i32, (p1-p0)*foldTile)
	full := (n1 - n0) / foldNR // panels stored by the assembly
	if bias == nil {
		bias = grow(&s.f32, b.N)
		clear(bias)
	}
	for i0 := 0; i0 < m; i0 += rowsPerTile {
		rows := min(rowsPerTile, m-i0)
		regs := (rows + 3) / 4
		packBlocks(ap, a[i0*lda:], lda, rows, b.K, 4, 0)
		for g0 := 0; g0 < groups; g0 += foldKC {
			kc := min(foldKC, groups-g0)
			foldVariantsSSE(&v[0], &ap[g0*16], stride, regs, kc, &foldSigns[0])
			bp := &b.Data[foldRecord*(g0*panels+p0*kc)]
			foldChunkSSE(&v[0], bp, kc, p1-p0, &acc[0], g0 > 0, regs)
		}
		if quads := rows / 4; full > 0 && quads > 0 {
			foldStoreSSE(&acc[0], full, &c[i0*ldc+n0], ldc, quads, &sa[i0], &b.Scales[n0], &bias[n0])
		}
		if done := rows / 4 * 4; done < rows && full > 0 {
			foldStoreGeneric(acc[done:], full, foldNR, c[(i0+done)*ldc+n0:], ldc, rows-done, sa[i0+done:], b.Scales[n0:], bias[n0:])
		}
		if j := n0 + full*foldNR; j < n1 {
			foldStoreGeneric(acc[full*foldTile:], 1, n1-j, c[i0*ldc+j:], ldc, rows, sa[i0:], b.Scales[j:], bias[j:])
		}
	}
}

// aligned16 returns buf from its first 16-byte aligned element on (legacy
// SSE faults on an unaligned memory operand).
func aligned16(buf []int8) []int8 {
	return buf[-uintptr(unsafe.Pointer(unsafe.SliceData(buf)))&15:]
}

// foldVariantsSSEGeneric is foldVariantsSSE in Go: per k group and
// register of A (four rows × four k, packed stride bytes apart), its
// sixteen sign variants of 16 bytes.
func foldVariantsSSEGeneric(dst []int8, a []byte, stride, regs, groups int) {
	for g := range groups {
		for r := range regs {
			for v := range 16 {
				for i := range 16 {
					dst[(g*regs+r)*256+v*16+i] = int8(a[r*stride+g*16+i]) * foldSigns[v*32+i]
				}
			}
		}
	}
}

// foldChunkSSEGeneric is foldChunkSSE in Go: v holds kc groups of regs×16
// variants of 16 bytes, b kc records of each of panels panels, and acc a
// [panel][column][16 rows] tile of sums, of which the first 4·regs rows are
// written.
func foldChunkSSEGeneric(v []int8, b []int8, kc, panels int, acc []int32, accumulate bool, regs int) {
	for p := range panels {
		tile := acc[p*foldTile:][:foldTile]
		for c := range foldNR {
			for i := range 4 * regs {
				var sum int32
				for g := range kc {
					rec := b[(p*kc+g)*foldRecord:][:foldRecord]
					variant := v[(g*regs+i/4)*256+int(rec[24+c])*4:][:16]
					for t := range 4 {
						sum += int32(rec[4*c+t]) * int32(variant[i%4*4+t])
					}
				}
				if accumulate {
					sum += tile[c*foldRows+i]
				}
				tile[c*foldRows+i] = sum
			}
		}
	}
}
