//go:build !purego && (amd64 || arm64)

package kernels

import "time"

// peakProbe is one probe loop of peak_$GOARCH.s and the operations (a
// multiply-add counts 2) that one of its iterations performs.
type peakProbe struct {
	name      string
	available func() bool
	run       func(n int)
	ops       float64
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
// returns the best rate of three runs of that size.
func measurePeak(run func(n int), ops float64) float64 {
	n := 1 << 10
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
