//go:build !purego

package kernels

import "unsafe"

// The Go side of the arm64 kernels: pack A for the call, walk the column
// panels and row blocks, and hand each register tile to assembly. A tile
// that sticks out of C (the last rows or the last panel) is computed into
// scratch's tile buffer and copied out, so the assembly never writes outside
// the m×n corner of C and always runs on whole, zero-padded tiles.

// fMR×fNR is the register tile of the fp32 and fp16 kernels.
const (
	fMR = 8
	fNR = 12
)

// maxMR and maxNR bound the register tiles of every arm64 kernel.
const (
	maxMR = 8
	maxNR = 12
)

// The assembly micro-kernels (gemm_arm64.s). Each computes one whole tile:
// mr rows of packed A (groups k groups, or k steps) against one packed B
// panel, then writes C[r][j] = scale·sum + bias[j] at c with row stride ldc
// (in elements). The int8 ones take the row scales sa (mr of them) and the
// column scales sb; sb and bias have nr each.

// i8TileNEON computes a 4×4 int8 tile with SMULL/SMLAL2/SADALP, 16 k per group.
//
//go:noescape
func i8TileNEON(a, b *int8, groups int, c *float32, ldc int, sa, sb, bias *float32)

// i8TileDotProd computes an 8×12 int8 tile with SDOT by element, 4 k per group.
//
//go:noescape
func i8TileDotProd(a, b *int8, groups int, c *float32, ldc int, sa, sb, bias *float32)

// i8TileI8MM computes an 8×8 int8 tile of SMMLA 2×2 blocks, 8 k per group.
//
//go:noescape
func i8TileI8MM(a, b *int8, groups int, c *float32, ldc int, sa, sb, bias *float32)

// f32Tile computes an 8×12 fp32 tile with FMLA by element over k steps.
//
//go:noescape
func f32Tile(a, b *float32, k int, c *float32, ldc int, bias *float32)

// f16Tile is f32Tile with B in half precision, widened by FCVTL/FCVTL2.
//
//go:noescape
func f16Tile(a *float32, b *uint16, k int, c *float32, ldc int, bias *float32)

// packA writes rows [0, m) and columns [0, k) of the row-major A into dst in
// layout l, with l.NR playing the row tile: row i, column kk lands where
// l.index(kk, i, kp) says, and padding (rows past m, columns past k) is zero.
// Only the first k columns of each row are read. Whole row blocks go through
// move four rows and one chunk (chunk columns, 16 bytes) at a time; the
// columns past the last whole chunk and a last, partial row block are
// written here.
func packA[T int8 | float32](dst, a []T, lda, m, k int, l Layout, move mover[T]) {
	kp := l.paddedK(k)
	chunk := 16 / int(unsafe.Sizeof(a[0]))
	full := k / chunk * chunk
	for i0 := 0; i0 < m; i0 += l.NR {
		blk := dst[i0*kp : (i0+l.NR)*kp]
		rows, k0 := min(l.NR, m-i0), 0
		if rows == l.NR && full > 0 {
			for s := 0; s < l.NR; s += 4 {
				move(&blk[s*l.KG], &a[(i0+s)*lda], lda, l.NR*l.KG, full/chunk)
			}
			k0 = full
		}
		for r := range l.NR {
			for kk := k0; kk < kp; kk++ {
				var v T
				if r < rows && kk < k {
					v = a[(i0+r)*lda+kk]
				}
				blk[(kk/l.KG)*l.NR*l.KG+r*l.KG+kk%l.KG] = v
			}
		}
	}
}

// i8Tile is the signature of the arm64 int8 micro-kernels.
type i8Tile func(a, b *int8, groups int, c *float32, ldc int, sa, sb, bias *float32)

func gemmI8NEON(c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int) {
	gemmI8(i8TileNEON, 4, c, ldc, a, lda, sa, m, b, bias, n0, n1)
}

func gemmI8DotProd(c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int) {
	gemmI8(i8TileDotProd, 8, c, ldc, a, lda, sa, m, b, bias, n0, n1)
}

func gemmI8MM(c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int) {
	gemmI8(i8TileI8MM, 8, c, ldc, a, lda, sa, m, b, bias, n0, n1)
}

// gemmI8 packs A in row blocks of mr with B's k grouping, then runs tile
// over every mr×NR block of columns [n0, n1).
func gemmI8(tile i8Tile, mr int, c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int) {
	nr, kg := b.Layout.NR, b.Layout.KG
	al := Layout{NR: mr, KG: kg}
	s := getScratch()
	defer putScratch(s)
	pa := grow(&s.i8, al.size(b.K, m))
	packA(pa, a, lda, m, b.K, al, i8Mover(kg))
	kp := al.paddedK(b.K)
	for j := n0; j < n1; j += nr {
		pb := &b.Data[j*kp]
		cols := min(nr, b.N-j)
		bi := s.panelBias(bias, j, cols, nr)
		s.panelScales(b, j, cols, nr, false)
		for i := 0; i < m; i += mr {
			rows, ra := min(mr, m-i), &sa[i]
			if rows < mr {
				ra = s.rowScales(sa[i:], rows)
			}
			if rows == mr && cols == nr {
				tile(&pa[i*kp], pb, kp/kg, &c[i*ldc+j], ldc, ra, &s.sb[0], bi)
				continue
			}
			tile(&pa[i*kp], pb, kp/kg, &s.tile[0], nr, ra, &s.sb[0], bi)
			s.copyTile(c[i*ldc+j:], ldc, rows, cols, nr)
		}
	}
}

func gemmF32NEON(c []float32, ldc int, a []float32, lda int, _ []float32, m int, b *PackedF32, bias []float32, n0, n1 int) {
	gemmF(f32Tile, c, ldc, a, lda, m, b.K, b.N, b.Data, bias, n0, n1)
}

func gemmF16NEON(c []float32, ldc int, a []float32, lda int, _ []float32, m int, b *PackedF16, bias []float32, n0, n1 int) {
	gemmF(f16Tile, c, ldc, a, lda, m, b.K, b.N, b.Data, bias, n0, n1)
}

// gemmF packs A in row blocks of fMR (k-major, fMR values per k) and runs
// tile over every fMR×fNR block of columns [n0, n1) of the K×N matrix whose
// panels are bdata (Layout{fNR, 1}, elements of type T).
func gemmF[T float32 | uint16](tile func(a *float32, b *T, k int, c *float32, ldc int, bias *float32),
	c []float32, ldc int, a []float32, lda, m, k, n int, bdata []T, bias []float32, n0, n1 int) {
	al := Layout{NR: fMR, KG: 1}
	s := getScratch()
	defer putScratch(s)
	pa := grow(&s.f32, al.size(k, m))
	packA(pa, a, lda, m, k, al, packFloatsNEON)
	for j := n0; j < n1; j += fNR {
		pb := &bdata[j*k]
		cols := min(fNR, n-j)
		bi := s.panelBias(bias, j, cols, fNR)
		for i := 0; i < m; i += fMR {
			rows := min(fMR, m-i)
			if rows == fMR && cols == fNR {
				tile(&pa[i*k], pb, k, &c[i*ldc+j], ldc, bi)
				continue
			}
			tile(&pa[i*k], pb, k, &s.tile[0], fNR, bi)
			s.copyTile(c[i*ldc+j:], ldc, rows, cols, fNR)
		}
	}
}
