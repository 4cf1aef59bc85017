package kernels

import "sync"

// scratch is the per-call working memory of the assembly GEMMs' drivers:
// packed A (and the sign variants of the AVX2 int8 GEMM), a tile buffer for
// the tiles that stick out of C, the int32 sums that AVX2 int8 carries from
// one chunk of K to the next, and the epilogue vectors of one column panel
// and one row block, padded to whole tiles. Pooled, so a GEMM call
// allocates nothing once warm; the arrays live here rather than on the
// stack because the tiles are called through func values, which the
// compiler must assume let their pointers escape. maxMR×maxNR, the largest
// register tile, is per architecture.
type scratch struct {
	f32  []float32
	wide []float32 // arm64: a panel of fp16 B widened to fp32
	i8   []int8
	u8   []byte
	i32  []int32
	tile [maxMR * maxNR]float32
	sa   [maxMR]float32
	bias [maxNR]float32
	sb   [maxNR]float32
	corr [maxNR]int32
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch  { return scratchPool.Get().(*scratch) }
func putScratch(s *scratch) { scratchPool.Put(s) }

// panelBias copies bias[j:j+cols] (zeros if bias is nil) into s.bias,
// zero-padded to nr.
func (s *scratch) panelBias(bias []float32, j, cols, nr int) *float32 {
	clear(s.bias[:nr])
	if bias != nil {
		copy(s.bias[:cols], bias[j:])
	}
	return &s.bias[0]
}

// panelScales fills s.sb with the column scales of columns [j, j+cols) and
// s.corr with 128·colsum (or zeros unless correct), both zero-padded to nr.
func (s *scratch) panelScales(b *PackedI8, j, cols, nr int, correct bool) {
	clear(s.sb[:nr])
	clear(s.corr[:nr])
	copy(s.sb[:cols], b.Scales[j:])
	if correct {
		for t := range cols {
			s.corr[t] = 128 * b.ColSums[j+t]
		}
	}
}

// rowScales copies sa[:rows] into s.sa, zero-padded to maxMR, for a row
// block shorter than its tile.
func (s *scratch) rowScales(sa []float32, rows int) *float32 {
	clear(s.sa[copy(s.sa[:], sa[:rows]):])
	return &s.sa[0]
}

// copyTile writes the rows×cols corner of s.tile (row stride nr) to c.
func (s *scratch) copyTile(c []float32, ldc, rows, cols, nr int) {
	for i := range rows {
		copy(c[i*ldc:i*ldc+cols], s.tile[i*nr:i*nr+cols])
	}
}
