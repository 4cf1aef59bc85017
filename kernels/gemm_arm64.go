//go:build !purego

package kernels

import "sync"

// The Go side of the arm64 kernels: pack A for the call, walk the column
// panels and row blocks, and hand each register tile to assembly. A tile
// that sticks out of C (the last rows or the last panel) is computed into a
// small buffer and copied out, so the assembly never writes outside the m×n
// corner of C and always runs on whole, zero-padded tiles.

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
// (in elements). The int8 ones take the row scales sa (mr of them), the
// column scales sb and bias (nr each).

//go:noescape
func i8TileNEON(groups int, a, b *int8, c *float32, ldc int, sa, sb, bias *float32)

//go:noescape
func i8TileDotProd(groups int, a, b *int8, c *float32, ldc int, sa, sb, bias *float32)

//go:noescape
func i8TileI8MM(groups int, a, b *int8, c *float32, ldc int, sa, sb, bias *float32)

//go:noescape
func f32Tile(k int, a, b, c *float32, ldc int, bias *float32)

//go:noescape
func f16Tile(k int, a *float32, b *uint16, c *float32, ldc int, bias *float32)

// zeros stands in for a nil bias.
var zeros [maxNR]float32

// edge is the stand-in for a tile that sticks out of C: its output and the
// scales and bias padded to a whole tile.
type edge struct {
	c        [maxMR * maxNR]float32
	sa       [maxMR]float32
	sb, bias [maxNR]float32
}

// load fills the padded scales and bias from their first rows and cols entries.
func (e *edge) load(sa, sb, bias []float32, rows, cols int) {
	clear(e.sa[copy(e.sa[:], sa[:rows]):])
	clear(e.sb[copy(e.sb[:], sb[:cols]):])
	e.loadBias(bias, cols)
}

// loadBias fills the padded bias from its first cols entries (zeros if nil).
func (e *edge) loadBias(bias []float32, cols int) {
	clear(e.bias[:])
	if bias != nil {
		copy(e.bias[:], bias[:cols])
	}
}

// store copies the rows×cols corner of the tile (row stride nr) into c.
func (e *edge) store(c []float32, ldc, nr, rows, cols int) {
	for r := range rows {
		copy(c[r*ldc:r*ldc+cols], e.c[r*nr:])
	}
}

// scratch is the per-call working memory: packed A and the edge tile. It is
// pooled so that a GEMM allocates nothing once warm; the edge tile lives here
// rather than on the stack because the tile functions are called through a
// func value, which the compiler must assume lets their pointers escape.
type scratch[T any] struct {
	a []T
	e edge
}

var (
	scratchI8  = sync.Pool{New: func() any { return new(scratch[int8]) }}
	scratchF32 = sync.Pool{New: func() any { return new(scratch[float32]) }}
)

// grow returns (*buf)[:n], reallocating only when it is too small.
func grow[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	return (*buf)[:n]
}

// packA writes rows [0, m) and columns [0, k) of the row-major A into dst in
// layout l, with l.NR playing the row tile: row i, column kk lands where
// l.index(kk, i, kp) says, and padding (rows past m, columns past k) is zero.
// Only the first k columns of each row are read.
func packA[T any](dst []T, a []T, lda, m, k int, l Layout) {
	clear(dst)
	kp := l.paddedK(k)
	for i := range m {
		row := a[i*lda : i*lda+k]
		base := (i/l.NR)*kp*l.NR + (i%l.NR)*l.KG
		for g := 0; g < k; g += l.KG {
			copy(dst[base+g*l.NR:base+g*l.NR+l.KG], row[g:])
		}
	}
}

// i8Tile is the signature of the int8 micro-kernels.
type i8Tile func(groups int, a, b *int8, c *float32, ldc int, sa, sb, bias *float32)

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
	s := scratchI8.Get().(*scratch[int8])
	defer scratchI8.Put(s)
	pa := grow(&s.a, al.size(b.K, m))
	packA(pa, a, lda, m, b.K, al)
	kp := al.paddedK(b.K)
	e := &s.e
	for j := n0; j < n1; j += nr {
		pb := &b.Data[j*kp]
		cols := min(nr, b.N-j)
		for i := 0; i < m; i += mr {
			pai := &pa[i*kp]
			rows := min(mr, m-i)
			if rows == mr && cols == nr {
				tile(kp/kg, pai, pb, &c[i*ldc+j], ldc, &sa[i], &b.Scales[j], biasPtr(bias, j))
				continue
			}
			e.load(sa[i:], b.Scales[j:], biasSlice(bias, j), rows, cols)
			tile(kp/kg, pai, pb, &e.c[0], nr, &e.sa[0], &e.sb[0], &e.bias[0])
			e.store(c[i*ldc+j:], ldc, nr, rows, cols)
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
func gemmF[T float32 | uint16](tile func(k int, a *float32, b *T, c *float32, ldc int, bias *float32),
	c []float32, ldc int, a []float32, lda, m, k, n int, bdata []T, bias []float32, n0, n1 int) {
	al := Layout{NR: fMR, KG: 1}
	s := scratchF32.Get().(*scratch[float32])
	defer scratchF32.Put(s)
	pa := grow(&s.a, al.size(k, m))
	packA(pa, a, lda, m, k, al)
	e := &s.e
	for j := n0; j < n1; j += fNR {
		pb := &bdata[j*k]
		cols := min(fNR, n-j)
		for i := 0; i < m; i += fMR {
			pai := &pa[i*k]
			rows := min(fMR, m-i)
			if rows == fMR && cols == fNR {
				tile(k, pai, pb, &c[i*ldc+j], ldc, biasPtr(bias, j))
				continue
			}
			e.loadBias(biasSlice(bias, j), cols)
			tile(k, pai, pb, &e.c[0], fNR, &e.bias[0])
			e.store(c[i*ldc+j:], ldc, fNR, rows, cols)
		}
	}
}

// biasPtr points at bias[j], or at zeros for a nil bias.
func biasPtr(bias []float32, j int) *float32 {
	if bias == nil {
		return &zeros[0]
	}
	return &bias[j]
}

// biasSlice is bias[j:], or nil for a nil bias.
func biasSlice(bias []float32, j int) []float32 {
	if bias == nil {
		return nil
	}
	return bias[j:]
}
