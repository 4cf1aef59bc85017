//go:build !purego

package kernels

import (
	"unsafe"

	"github.com/albertq/albertq/internal/half"
)

// The Go side of the arm64 kernels: pack A for the call, walk the column
// panels, and hand each panel's whole row blocks to assembly in one call. A
// tile that sticks out of C (the last rows or the last panel) is computed
// into scratch's tile buffer and copied out, so the assembly never writes
// outside the m×n corner of C and always runs on whole, zero-padded tiles.

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

// The assembly micro-kernels (gemm_arm64.s). Each computes one column panel
// of C for blocks whole row blocks: mr rows of packed A at a time (steps k
// groups, or k steps; the blocks one after another) against the packed B
// panel, then C[r][j] = scale·sum + bias[j] at c with row stride ldc (in
// elements). The int8 ones take the row scales sa (mr per block) and the
// column scales sb; sb and bias have nr each.

// i8PanelNEON runs the 4×4 SMULL/SMLAL2/SADALP tile over blocks row blocks, 16 k per step.
//
//go:noescape
func i8PanelNEON(a, b *int8, steps int, c *float32, ldc int, sa, sb, bias *float32, blocks int)

// i8PanelDotProd runs the 8×12 SDOT tile over blocks row blocks, 4 k per step.
//
//go:noescape
func i8PanelDotProd(a, b *int8, steps int, c *float32, ldc int, sa, sb, bias *float32, blocks int)

// i8PanelI8MM runs the 8×8 SMMLA tile over blocks row blocks, 8 k per step.
//
//go:noescape
func i8PanelI8MM(a, b *int8, steps int, c *float32, ldc int, sa, sb, bias *float32, blocks int)

// f32Panel runs the 8×12 FMLA tile over blocks row blocks, the accumulators starting from bias.
//
//go:noescape
func f32Panel(a, b *float32, k int, c *float32, ldc int, bias *float32, blocks int)

// widenHalf converts n half-precision values (n a positive multiple of 16) to fp32.
//
//go:noescape
func widenHalf(dst *float32, src *uint16, n int)

// packA writes rows [0, m) and columns [0, k) of the row-major A into dst in
// layout l, with l.NR playing the row tile: row i, column kk lands where
// l.index(kk, i, kp) says, and padding (rows past m, columns past k) is zero.
// Only the first k columns of each row are read. Whole row blocks go through
// move four rows and one chunk (16 bytes) at a time; the columns past the
// last whole chunk and a last, partial row block are written here.
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

// i8Panel is the signature of the arm64 int8 micro-kernels.
type i8Panel func(a, b *int8, steps int, c *float32, ldc int, sa, sb, bias *float32, blocks int)

func gemmI8NEON(c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int) {
	gemmI8(i8PanelNEON, 4, c, ldc, a, lda, sa, m, b, bias, n0, n1)
}

func gemmI8DotProd(c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int) {
	gemmI8(i8PanelDotProd, 8, c, ldc, a, lda, sa, m, b, bias, n0, n1)
}

func gemmI8MM(c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int) {
	gemmI8(i8PanelI8MM, 8, c, ldc, a, lda, sa, m, b, bias, n0, n1)
}

// gemmI8 packs A in row blocks of mr with B's k grouping, then runs panel
// over columns [n0, n1): each whole panel's whole row blocks in one call,
// the rest one block at a time through the tile buffer.
func gemmI8(panel i8Panel, mr int, c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int) {
	nr, kg := b.Layout.NR, b.Layout.KG
	al := Layout{NR: mr, KG: kg}
	s := getScratch()
	defer putScratch(s)
	pa := grow(&s.i8, al.size(b.K, m))
	packA(pa, a, lda, m, b.K, al, i8Mover(kg))
	kp := al.paddedK(b.K)
	steps, full := kp/kg, m/mr*mr
	for j := n0; j < n1; j += nr {
		pb := &b.Data[j*kp]
		cols := min(nr, b.N-j)
		sb, bi := s.panelParams(b, bias, j, cols, nr)
		i0 := 0
		if cols == nr && full > 0 {
			panel(&pa[0], pb, steps, &c[j], ldc, &sa[0], sb, bi, full/mr)
			i0 = full
		}
		for i := i0; i < m; i += mr {
			rows := min(mr, m-i)
			panel(&pa[i*kp], pb, steps, &s.tile[0], nr, s.rowScales(sa[i:], rows), sb, bi, 1)
			s.copyTile(c[i*ldc+j:], ldc, rows, cols, nr)
		}
	}
}

// panelParams returns the column scales and the bias of the panel at column
// j: b's and bias's own when the panel is whole, else (and for a nil bias)
// copies zero-padded to nr in s.
func (s *scratch) panelParams(b *PackedI8, bias []float32, j, cols, nr int) (sb, bi *float32) {
	if cols < nr {
		s.panelScales(b, j, cols, nr, false)
		return &s.sb[0], s.panelBias(bias, j, cols, nr)
	}
	if bias == nil {
		return &b.Scales[j], s.panelBias(nil, j, cols, nr)
	}
	return &b.Scales[j], &bias[j]
}

func gemmF32NEON(c []float32, ldc int, a []float32, lda int, _ []float32, m int, b *PackedF32, bias []float32, n0, n1 int) {
	gemmF(c, ldc, a, lda, m, b.K, b.N, bias, n0, n1, func(_ *scratch, j int) *float32 { return &b.Data[j*b.K] })
}

// gemmF16NEON widens each B panel to fp32 once and runs the fp32 kernel on
// it: the FMLA loop then converts nothing, and a panel's widening is shared
// by all its row blocks.
func gemmF16NEON(c []float32, ldc int, a []float32, lda int, _ []float32, m int, b *PackedF16, bias []float32, n0, n1 int) {
	gemmF(c, ldc, a, lda, m, b.K, b.N, bias, n0, n1, func(s *scratch, j int) *float32 {
		src := b.Data[j*b.K : (j+fNR)*b.K]
		dst := grow(&s.wide, len(src))
		n := len(src) &^ 15
		if n > 0 {
			widenHalf(&dst[0], &src[0], n)
		}
		for i := n; i < len(src); i++ {
			dst[i] = half.ToFloat32(src[i])
		}
		return &dst[0]
	})
}

// gemmF packs A in row blocks of fMR (k-major, fMR values per k) and runs
// f32Panel over columns [n0, n1) of the K×N B (Layout{fNR, 1}) whose panel
// at column j panel returns in fp32.
func gemmF(c []float32, ldc int, a []float32, lda, m, k, n int, bias []float32, n0, n1 int, panel func(s *scratch, j int) *float32) {
	al := Layout{NR: fMR, KG: 1}
	s := getScratch()
	defer putScratch(s)
	pa := grow(&s.f32, al.size(k, m))
	packA(pa, a, lda, m, k, al, packFloatsNEON)
	full := m / fMR * fMR
	for j := n0; j < n1; j += fNR {
		pb := panel(s, j)
		cols := min(fNR, n-j)
		bi := s.panelBias(bias, j, cols, fNR)
		i0 := 0
		if cols == fNR && full > 0 {
			f32Panel(&pa[0], pb, k, &c[j], ldc, bi, full/fMR)
			i0 = full
		}
		for i := i0; i < m; i += fMR {
			rows := min(fMR, m-i)
			f32Panel(&pa[i*k], pb, k, &s.tile[0], fNR, bi, 1)
			s.copyTile(c[i*ldc+j:], ldc, rows, cols, fNR)
		}
	}
}
