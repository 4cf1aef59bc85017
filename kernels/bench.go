package kernels

import "sync"

var (
	peaksOnce sync.Once
	peaks     map[string]float64
)

// Peaks measures, once per process and single-threaded, the rate in GOPS (a
// multiply-add counts as two operations) of a tight loop of each core SIMD
// instruction the kernels rely on, keyed by probe name (see Impl.Probe).
// Each probe runs for about 50 ms; the map is empty without assembly.
func Peaks() map[string]float64 {
	peaksOnce.Do(func() { peaks = archPeaks() })
	return peaks
}
