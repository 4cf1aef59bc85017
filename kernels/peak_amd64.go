//go:build !purego

package kernels

import "time"

// The peak probes of peak_amd64.s; n is the number of loop iterations.
//
//go:noescape
func peakVPDPBUSDZmm(n int)

//go:noescape
func peakVPDPBUSDYmm(n int)

//go:noescape
func peakAVX2Int8Chain(n int)

//go:noescape
func peakVFMADD231PSZmm(n int)

//go:noescape
func peakVFMADD231PSYmm(n int)

// Probe names: each kernel's Impl.Probe is one of these.
const (
	probeVNNIZmm = "vpdpbusd-zmm"
	probeVNNIYmm = "vpdpbusd-ymm"
	probeAVX2I8  = "avx2-int8-chain"
	probeFMAZmm  = "vfmadd231ps-zmm"
	probeFMAYmm  = "vfmadd231ps-ymm"
)

// peakProbe is one probe loop and the operations (a multiply-add counts 2)
// that one of its iterations performs.
type peakProbe struct {
	name      string
	available func() bool
	run       func(n int)
	ops       float64
}

var peakProbes = []peakProbe{
	{probeVNNIZmm, hasAVX512VNNI, peakVPDPBUSDZmm, 12 * 16 * 4 * 2},
	{probeVNNIYmm, hasAVXVNNI, peakVPDPBUSDYmm, 12 * 8 * 4 * 2},
	{probeAVX2I8, hasAVX2, peakAVX2Int8Chain, 8 * 32 * 2},
	{probeFMAZmm, hasAVX512, peakVFMADD231PSZmm, 12 * 16 * 2},
	{probeFMAYmm, hasAVX2, peakVFMADD231PSYmm, 12 * 8 * 2},
}

// archPeaks runs every probe this CPU supports for about 50 ms and returns
// its rate in GOPS.
func archPeaks() map[string]float64 {
	out := map[string]float64{}
	for _, p := range peakProbes {
		if p.available() {
			out[p.name] = measurePeak(p.run, p.ops)
		}
	}
	return out
}

// measurePeak grows the iteration count until one run takes 10 ms, then
// returns the best rate of three runs of that size.
func measurePeak(run func(n int), ops float64) float64 {
	n := 1 << 12
	for {
		sw := startStopwatch()
		run(n)
		if sw.elapsed() >= 10*time.Millisecond {
			break
		}
		n *= 2
	}
	best := 0.0
	for range 3 {
		sw := startStopwatch()
		run(n)
		best = max(best, float64(n)*ops/float64(max(sw.elapsed(), time.Nanosecond).Nanoseconds()))
	}
	return best
}
