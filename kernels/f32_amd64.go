//go:build !purego

package kernels

import "unsafe"

// The fp32 and fp16-weight kernels: an MR×NR register tile of FMAs over the
// whole K, reading A in place and one packed B panel (B stays half precision
// in memory and is widened by vcvtph2ps in the loop).

// f32TileAVX512x8 computes an 8×48 fp32 tile of C (its first rows rows) with zmm FMAs.
//
//go:noescape
func f32TileAVX512x8(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f32TileAVX512x8n32 is f32TileAVX512x8 on a panel's first 32 columns (a narrow last panel).
//
//go:noescape
func f32TileAVX512x8n32(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f32TileAVX512x8n16 is f32TileAVX512x8 on a panel's first 16 columns (a narrow last panel).
//
//go:noescape
func f32TileAVX512x8n16(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f32TileAVX512x4 computes a 4×48 fp32 tile of C (its first rows rows) with zmm FMAs.
//
//go:noescape
func f32TileAVX512x4(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f32TileAVX512x2 computes a 2×48 fp32 tile of C (its first rows rows) with zmm FMAs.
//
//go:noescape
func f32TileAVX512x2(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f32TileAVX512x1 computes a 1×48 fp32 tile of C (its first rows rows) with zmm FMAs.
//
//go:noescape
func f32TileAVX512x1(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f32TileAVX2x6 computes a 6×16 fp32 tile of C (its first rows rows) with ymm FMAs.
//
//go:noescape
func f32TileAVX2x6(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f32TileAVX2x4 computes a 4×16 fp32 tile of C (its first rows rows) with ymm FMAs.
//
//go:noescape
func f32TileAVX2x4(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f32TileAVX2x2 computes a 2×16 fp32 tile of C (its first rows rows) with ymm FMAs.
//
//go:noescape
func f32TileAVX2x2(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f32TileAVX2x1 computes a 1×16 fp32 tile of C (its first rows rows) with ymm FMAs.
//
//go:noescape
func f32TileAVX2x1(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f16TileAVX512x12 computes a 12×32 fp16-weight tile of C (its first rows rows) via vcvtph2ps.
//
//go:noescape
func f16TileAVX512x12(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f16TileAVX512x8 computes an 8×32 fp16-weight tile of C (its first rows rows) via vcvtph2ps.
//
//go:noescape
func f16TileAVX512x8(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f16TileAVX512x4 computes a 4×32 fp16-weight tile of C (its first rows rows) via vcvtph2ps.
//
//go:noescape
func f16TileAVX512x4(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f16TileAVX512x2 computes a 2×32 fp16-weight tile of C (its first rows rows) via vcvtph2ps.
//
//go:noescape
func f16TileAVX512x2(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f16TileAVX512x1 computes a 1×32 fp16-weight tile of C (its first rows rows) via vcvtph2ps.
//
//go:noescape
func f16TileAVX512x1(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f16TileAVX2x6 computes a 6×16 fp16-weight tile of C (its first rows rows) via vcvtph2ps.
//
//go:noescape
func f16TileAVX2x6(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f16TileAVX2x4 computes a 4×16 fp16-weight tile of C (its first rows rows) via vcvtph2ps.
//
//go:noescape
func f16TileAVX2x4(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f16TileAVX2x2 computes a 2×16 fp16-weight tile of C (its first rows rows) via vcvtph2ps.
//
//go:noescape
func f16TileAVX2x2(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// f16TileAVX2x1 computes a 1×16 fp16-weight tile of C (its first rows rows) via vcvtph2ps.
//
//go:noescape
func f16TileAVX2x1(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

var (
	f32AVX512 = &F32Kernel{
		Probe:  probeFMAZmm,
		Layout: Layout{NR: 48, KG: 1},
		gemm: f32GEMM(48, []int{8, 4, 2, 1}, []floatTile[float32]{f32TileAVX512x8, f32TileAVX512x4, f32TileAVX512x2, f32TileAVX512x1},
			[]narrowTile[floatTile[float32]]{{16, f32TileAVX512x8n16}, {32, f32TileAVX512x8n32}}),
	}
	f32AVX2 = &F32Kernel{
		Probe:  probeFMAYmm,
		Layout: Layout{NR: 16, KG: 1},
		gemm:   f32GEMM(16, []int{6, 4, 2, 1}, []floatTile[float32]{f32TileAVX2x6, f32TileAVX2x4, f32TileAVX2x2, f32TileAVX2x1}, nil),
	}
	f16AVX512 = &F16Kernel{
		Probe:  probeFMAZmm,
		Layout: Layout{NR: 32, KG: 1},
		// 12×32 rather than 8×48: fewer vcvtph2ps (two uops each, on the
		// FMA ports) per FMA.
		gemm: f16GEMM(32, []int{12, 8, 4, 2, 1}, []floatTile[uint16]{f16TileAVX512x12, f16TileAVX512x8, f16TileAVX512x4, f16TileAVX512x2, f16TileAVX512x1}),
	}
	f16AVX2 = &F16Kernel{
		Probe:  probeFMAYmm,
		Layout: Layout{NR: 16, KG: 1},
		gemm:   f16GEMM(16, []int{6, 4, 2, 1}, []floatTile[uint16]{f16TileAVX2x6, f16TileAVX2x4, f16TileAVX2x2, f16TileAVX2x1}),
	}
)

// The largest register tile of any amd64 kernel: scratch's tile buffer.
const (
	maxMR = 16
	maxNR = 48
)

// floatTile is the signature of the fp32 and fp16 micro-kernels.
type floatTile[B float32 | uint16] func(a *float32, lda int, b *B, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)

// narrowTile is a tile of full height that computes only the first cols
// columns of a panel: for a last panel that narrow (attention's context has
// 64 columns, a panel of 48 and one of 16), it spares the work on padding.
type narrowTile[T any] struct {
	cols int
	tile T
}

// f32GEMM is the F32Kernel.gemm of micro-kernels of nr columns and heights
// mrs (descending), with narrow tiles (narrowest first) for partial panels.
func f32GEMM(nr int, mrs []int, tiles []floatTile[float32], narrow []narrowTile[floatTile[float32]]) func([]float32, int, []float32, int, []float32, int, *PackedF32, []float32, int, int) {
	return func(c []float32, ldc int, a []float32, lda int, _ []float32, m int, b *PackedF32, bias []float32, n0, n1 int) {
		floatGEMM(nr, mrs, tiles, narrow, c, ldc, a, lda, m, b.K, b.Data, bias, n0, n1)
	}
}

// f16GEMM is the F16Kernel.gemm of micro-kernels of nr columns and heights
// mrs (descending).
func f16GEMM(nr int, mrs []int, tiles []floatTile[uint16]) func([]float32, int, []float32, int, []float32, int, *PackedF16, []float32, int, int) {
	return func(c []float32, ldc int, a []float32, lda int, _ []float32, m int, b *PackedF16, bias []float32, n0, n1 int) {
		floatGEMM(nr, mrs, tiles, nil, c, ldc, a, lda, m, b.K, b.Data, bias, n0, n1)
	}
}

// maxBlockBytes bounds the part of a B panel that one pass over the rows
// streams: a longer K is cut into blocks whose panel slices stay in L2
// while every row block (and every panel) reuses them, C accumulating.
const maxBlockBytes = 160 << 10

// floatGEMM drives micro-kernels over columns [n0, n1) of C, B being k×N
// packed in panels of nr columns: blocks of mrs[0] rows, then the smallest
// tile that covers the remaining rows. Blocks read A in place, except a
// last block shorter than its tile, which is copied into scratch with zero
// rows below it, so the kernel never reads outside A. The last, partial
// column panel is computed into a tile buffer and copied out, so the kernel
// never writes outside C; its full-height blocks use the narrowest of the
// narrow tiles that covers it, if any.
func floatGEMM[B float32 | uint16](nr int, mrs []int, tiles []floatTile[B], narrow []narrowTile[floatTile[B]], c []float32, ldc int, a []float32, lda, m, k int, b []B, bias []float32, n0, n1 int) {
	s := getScratch()
	defer putScratch(s)
	full := m / mrs[0] * mrs[0]
	last := pickTile(mrs, m-full)
	lastA, lastLda := a[min(full*lda, len(a)):], lda
	if full < m && mrs[last] > m-full {
		rest := grow(&s.f32, mrs[last]*k)
		clear(rest)
		for i := range m - full {
			copy(rest[i*k:(i+1)*k], a[(full+i)*lda:])
		}
		lastA, lastLda = rest, k
	}
	var zero B
	blocks := (k*nr*int(unsafe.Sizeof(zero)) + maxBlockBytes - 1) / maxBlockBytes
	kc := (k + blocks - 1) / blocks
	for k0 := 0; k0 < k; k0 += kc {
		kn, acc := min(kc, k-k0), k0 > 0
		for j := n0; j < n1; j += nr {
			cols := min(nr, n1-j)
			bp, bi := &b[j*k+k0*nr], s.panelBias(bias, j, cols, nr)
			for i := 0; i < m; i += mrs[0] {
				rows := min(mrs[0], m-i)
				tile, ap, ldA := tiles[0], a[i*lda+k0:], lda
				if i == full {
					tile, ap, ldA = tiles[last], lastA[k0:], lastLda
				}
				if cols == nr {
					tile(&ap[0], ldA, bp, kn, &c[i*ldc+j], ldc, rows, bi, acc)
					continue
				}
				if acc {
					for r := range rows {
						copy(s.tile[r*nr:r*nr+cols], c[(i+r)*ldc+j:])
					}
				}
				if i != full {
					tile = narrowest(narrow, cols, tile)
				}
				tile(&ap[0], ldA, bp, kn, &s.tile[0], nr, rows, bi, acc)
				s.copyTile(c[i*ldc+j:], ldc, rows, cols, nr)
			}
		}
	}
}

// narrowest returns the narrowest of the tiles that covers cols columns,
// or full when none does.
func narrowest[T any](narrow []narrowTile[T], cols int, full T) T {
	for _, t := range narrow {
		if cols <= t.cols {
			return t.tile
		}
	}
	return full
}

// pickTile returns the index of the shortest of the tile heights mrs
// (descending) that still covers rows.
func pickTile(mrs []int, rows int) int {
	i := 0
	for i+1 < len(mrs) && mrs[i+1] >= rows {
		i++
	}
	return i
}
