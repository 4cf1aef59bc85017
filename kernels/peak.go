package kernels

import (
	"runtime"
	"sync"
	"time"

	"github.com/albertq/albertq/internal/cputime"
)

// Peaks measures, once per process and single-threaded, the rate in GOPS (a
// multiply-add counts as two operations) of a tight loop of each core SIMD
// instruction the kernels rely on, keyed by probe name (see F32Kernel.Probe),
// in thread CPU time where the OS reports it. Each probe runs for about 50
// ms; the map is empty without assembly.
func Peaks() map[string]float64 { return peaks() }

var peaks = sync.OnceValue(func() map[string]float64 {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return measurePeaks()
})

// peakProbe is one probe loop of peak_$GOARCH.s (listed in peakProbes) and
// the operations (a multiply-add counts 2) that one of its iterations
// performs.
type peakProbe struct {
	name      string
	available func() bool
	run       func(n int)
	ops       float64
}

// measurePeaks runs every probe this CPU supports for about 50 ms and
// returns its rate in GOPS. Under emulation (qemu) the numbers mean nothing.
func measurePeaks() map[string]float64 {
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
		sw := cputime.Start()
		run(n)
		if sw.Elapsed() >= 10*time.Millisecond {
			break
		}
		n *= 2
	}
	best := 0.0
	for range 3 {
		sw := cputime.Start()
		run(n)
		best = max(best, float64(n)*ops/float64(max(sw.Elapsed(), time.Nanosecond).Nanoseconds()))
	}
	return best
}
