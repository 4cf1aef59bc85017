// Package kernelbench times albertq's GEMM kernels single-threaded on given
// shapes and relates each to the peak of its core instruction measured in
// the same process: `albertq bench --kernels` and the kernels' BenchmarkGEMM.
package kernelbench

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/albertq/albertq/internal/cputime"
	"github.com/albertq/albertq/kernels"
)

// Result is the single-threaded speed of one kernel on one shape.
type Result struct {
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

// Run times every available kernel of every kind, single-threaded, on each
// shape {M, K, N}: after a warm-up call, the median and the best of five
// repeats that each last at least minTime/5 (or one call, if that takes
// minTime), in thread CPU time where available (see cputime), like the
// peaks it is compared with.
func Run(shapes [][3]int, minTime time.Duration) []Result {
	kernels.Peaks()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var out []Result
	for _, sh := range shapes {
		for _, r := range runners(sh[0], sh[1], sh[2]) {
			kb := Result{Kind: r.kind, Name: r.name, M: sh[0], K: sh[1], N: sh[2]}
			median, best := repeatTimes(r.run, minTime)
			ops := 2 * float64(sh[0]*sh[1]*sh[2])
			kb.GOPS, kb.BestGOPS = ops/median.Seconds()/1e9, ops/best.Seconds()/1e9
			if peak := kernels.Peaks()[r.probe]; peak > 0 {
				kb.PeakGOPS, kb.PercentOfPeak, kb.BestPercentOfPeak = peak, 100*kb.GOPS/peak, 100*kb.BestGOPS/peak
			}
			out = append(out, kb)
		}
	}
	return out
}

// runner is one kernel bound to packed random operands of one shape.
type runner struct {
	kind, name, probe string
	run               func()
}

// runners binds every available kernel to random m×k×n operands: each set's
// own kernels, those its tier supplies rather than takes from a fallback.
func runners(m, k, n int) []runner {
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
	var out []runner
	for _, s := range kernels.Available() {
		if kn := s.F32; kn.Name == s.Name {
			b := kn.Pack(w, kernels.Transposed(k), k, n)
			out = append(out, runner{"f32", kn.Name, kn.Probe, func() { kn.GEMM(nil, c, n, a, k, m, b, bias) }})
		}
		if kn := s.F16; kn.Name == s.Name {
			b := kn.Pack(w, kernels.Transposed(k), k, n)
			out = append(out, runner{"f16", kn.Name, kn.Probe, func() { kn.GEMM(nil, c, n, a, k, m, b, bias) }})
		}
		if kn := s.I8; kn.Name == s.Name {
			b := kn.Pack(w8, kernels.Transposed(k), k, n, sb)
			out = append(out, runner{"i8", kn.Name, kn.Probe, func() { kn.GEMM(nil, c, n, a8, k, sa, m, b, bias) }})
		}
	}
	return out
}

// repeatTimes is the median and the best time of one call of run over five
// repeats of at least minTime/5 each, after one warm-up call; a warm-up call
// that alone takes minTime is both.
func repeatTimes(run func(), minTime time.Duration) (median, best time.Duration) {
	sw := cputime.Start()
	run()
	first := sw.Elapsed()
	if first >= minTime && minTime > 0 {
		return first, first // a slow kernel (the generic ones on big shapes): one call says enough
	}
	calls := max(1, int((minTime/5)/max(first, time.Microsecond)))
	var times []time.Duration
	for range 5 {
		sw := cputime.Start()
		for range calls {
			run()
		}
		times = append(times, max(sw.Elapsed(), time.Nanosecond)/time.Duration(calls))
	}
	slices.Sort(times)
	return times[2], times[0]
}
