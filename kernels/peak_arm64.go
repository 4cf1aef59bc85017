//go:build !purego

package kernels

import "time"

// The peak probes of peak_arm64.s; n is the number of loop iterations.

//go:noescape
func peakSDOT(n int)

//go:noescape
func peakSMMLA(n int)

//go:noescape
func peakFMLA(n int)

//go:noescape
func peakSMLAL(n int)

// Probe names: each arm64 kernel's Impl.Probe is one of these.
const (
	probeSDOT  = "sdot"
	probeSMMLA = "smmla"
	probeFMLA  = "fmla"
	probeSMLAL = "smlal"
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
	{probeSMMLA, hasI8MM, peakSMMLA, 24 * 32 * 2},  // 24 SMMLA, 2×2×8 products each
	{probeSDOT, hasDotProd, peakSDOT, 24 * 16 * 2}, // 24 SDOT, 4×4 products each
	{probeSMLAL, hasASIMD, peakSMLAL, 8 * 16 * 2},  // 8 × (SMULL, SMLAL2, SADALP), 16 products each
	{probeFMLA, hasASIMD, peakFMLA, 24 * 4 * 2},    // 24 FMLA, 4 lanes each
}

// archPeaks runs every probe this CPU supports for about 50 ms and returns
// its rate in GOPS. Under emulation (qemu) the numbers mean nothing.
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
// returns the best rate of a few runs of that size.
func measurePeak(run func(n int), ops float64) float64 {
	n := 1 << 10
	for {
		start := time.Now()
		run(n)
		if time.Since(start) >= 10*time.Millisecond {
			break
		}
		n *= 2
	}
	best := 0.0
	for range 3 {
		start := time.Now()
		run(n)
		best = max(best, float64(n)*ops/float64(time.Since(start).Nanoseconds()))
	}
	return best
}
