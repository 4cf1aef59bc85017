//go:build !purego

package kernels

import "sync"

// scratch is the per-call working memory of the assembly kernels: packed A,
// a tile buffer for the last, partial column panel, and the per-panel
// epilogue vectors. Pooled, so a GEMM call allocates nothing once warm.
type scratch struct {
	f32  []float32
	u8   []byte
	tile [maxMR * maxNR]float32
	bias [maxNR]float32
	sb   [maxNR]float32
	corr [maxNR]int32
}

// The largest register tile of any amd64 kernel.
const (
	maxMR = 12
	maxNR = 48
)

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch  { return scratchPool.Get().(*scratch) }
func putScratch(s *scratch) { scratchPool.Put(s) }

// floats returns n float32s of scratch (contents undefined).
func (s *scratch) floats(n int) []float32 {
	if cap(s.f32) < n {
		s.f32 = make([]float32, n)
	}
	return s.f32[:n]
}

// bytes returns n bytes of scratch (contents undefined).
func (s *scratch) bytes(n int) []byte {
	if cap(s.u8) < n {
		s.u8 = make([]byte, n)
	}
	return s.u8[:n]
}

// panelBias copies bias[j:j+cols] (zeros if bias is nil) into s.bias,
// zero-padded to nr.
func (s *scratch) panelBias(bias []float32, j, cols, nr int) *float32 {
	clear(s.bias[:nr])
	if bias != nil {
		copy(s.bias[:cols], bias[j:])
	}
	return &s.bias[0]
}

// copyTile writes the rows×cols corner of s.tile (row stride nr) to c.
func (s *scratch) copyTile(c []float32, ldc, rows, cols, nr int) {
	for i := range rows {
		copy(c[i*ldc:i*ldc+cols], s.tile[i*nr:i*nr+cols])
	}
}
