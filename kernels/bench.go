package kernels

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"
)

var (
	peaksOnce sync.Once
	peaks     map[string]float64
)

// Peaks measures, once per process and single-threaded, the rate in GOPS (a
// multiply-add counts as two operations) of a tight loop of each core SIMD
// instruction the kernels rely on, keyed by probe name (see Impl.Probe).
// Each probe runs for about 50 ms, timed like BenchKernels; the map is
// empty without assembly.
func Peaks() map[string]float64 {
	peaksOnce.Do(func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		peaks = archPeaks()
	})
	return peaks
}

// stopwatch times single-threaded work: in the calling thread's CPU time
// where the OS reports it (Linux), so other processes sharing the cores do
// not distort the rate, else in wall time. The caller locks its goroutine
// to its OS thread while the stopwatch runs.
type stopwatch struct {
	wall time.Time
	cpu  time.Duration
	ok   bool
}

func startStopwatch() stopwatch {
	cpu, ok := threadCPUTime()
	return stopwatch{wall: time.Now(), cpu: cpu, ok: ok}
}

func (s stopwatch) elapsed() time.Duration {
	if cpu, ok := threadCPUTime(); s.ok && ok {
		return cpu - s.cpu
	}
	return time.Since(s.wall)
}

// KernelBench is the single-threaded speed of one kernel on one shape.
type KernelBench struct {
	Kind string  `json:"kind"` // "f32", "f16" or "i8"
	Name string  `json:"name"`
	M    int     `json:"m"`
	K    int     `json:"k"`
	N    int     `json:"n"`
	GOPS float64 `json:"gops"` // the median repeat
	// BestGOPS is the fastest repeat: the same statistic as the peak
	// probe's (its best run), so BestPercentOfPeak is the like-for-like
	// efficiency on a noisy machine; the median says what to expect.
	BestGOPS float64 `json:"best_gops"`
	// PeakGOPS is the rate of the kernel's peak probe (0 if it has none);
	// PercentOfPeak and BestPercentOfPeak are GOPS and BestGOPS against it.
	PeakGOPS          float64 `json:"peak_gops"`
	PercentOfPeak     float64 `json:"percent_of_peak"`
	BestPercentOfPeak float64 `json:"best_percent_of_peak"`
}

// BenchKernels times every available implementation of every kind,
// single-threaded, on each shape {M, K, N}: after a warm-up call, the median
// and the best of five repeats that each last at least minTime/5 (or one
// call, if that takes minTime), in thread CPU time
// where available (see stopwatch), like the peaks it is compared with.
func BenchKernels(shapes [][3]int, minTime time.Duration) []KernelBench {
	Peaks()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var out []KernelBench
	for _, sh := range shapes {
		for _, r := range benchRunners(sh[0], sh[1], sh[2]) {
			kb := KernelBench{Kind: r.kind, Name: r.impl.Name, M: sh[0], K: sh[1], N: sh[2]}
			median, best := repeatTimes(r.run, minTime)
			ops := 2 * float64(sh[0]*sh[1]*sh[2])
			kb.GOPS, kb.BestGOPS = ops/median.Seconds()/1e9, ops/best.Seconds()/1e9
			if peak := Peaks()[r.impl.Probe]; peak > 0 {
				kb.PeakGOPS, kb.PercentOfPeak, kb.BestPercentOfPeak = peak, 100*kb.GOPS/peak, 100*kb.BestGOPS/peak
			}
			out = append(out, kb)
		}
	}
	return out
}

// benchRunner is one kernel bound to packed random operands of one shape.
type benchRunner struct {
	kind string
	impl *Impl
	run  func()
}

// benchRunners binds every available kernel to random m×k×n operands.
func benchRunners(m, k, n int) []benchRunner {
	rng := rand.New(rand.NewPCG(uint64(m), uint64(k*n)))
	a, w, bias := make([]float32, m*k), make([]float32, k*n), make([]float32, n)
	a8, w8 := make([]int8, m*k), make([]int8, k*n)
	sa, sb := make([]float32, m), make([]float32, n)
	for i := range a {
		a[i], a8[i] = rng.Float32()*2-1, int8(rng.IntN(255)-127)
	}
	for i := range w {
		w[i], w8[i] = rng.Float32()*2-1, int8(rng.IntN(255)-127)
	}
	for i := range sa {
		sa[i] = rng.Float32()
	}
	for i := range sb {
		sb[i], bias[i] = rng.Float32(), rng.Float32()
	}
	c := make([]float32, m*n)
	var out []benchRunner
	for _, kn := range F32Kernels() {
		b := kn.Pack(w, Transposed(k), k, n)
		out = append(out, benchRunner{"f32", &kn.Impl, func() { kn.GEMM(nil, c, n, a, k, m, b, bias) }})
	}
	for _, kn := range F16Kernels() {
		b := kn.Pack(w, Transposed(k), k, n)
		out = append(out, benchRunner{"f16", &kn.Impl, func() { kn.GEMM(nil, c, n, a, k, m, b, bias) }})
	}
	for _, kn := range I8Kernels() {
		b := kn.Pack(w8, Transposed(k), k, n, sb)
		out = append(out, benchRunner{"i8", &kn.Impl, func() { kn.GEMM(nil, c, n, a8, k, sa, m, b, bias) }})
	}
	return out
}

// repeatTimes is the median and the best time of one call of run over five
// repeats of at least minTime/5 each, after one warm-up call; a warm-up call
// that alone takes minTime is both.
func repeatTimes(run func(), minTime time.Duration) (median, best time.Duration) {
	sw := startStopwatch()
	run()
	first := sw.elapsed()
	if first >= minTime && minTime > 0 {
		return first, first // a slow kernel (the generic ones on big shapes): one call says enough
	}
	calls := max(1, int((minTime/5)/max(first, time.Microsecond)))
	var times []time.Duration
	for range 5 {
		sw := startStopwatch()
		for range calls {
			run()
		}
		times = append(times, max(sw.elapsed(), time.Nanosecond)/time.Duration(calls))
	}
	slices.Sort(times)
	return times[2], times[0]
}
