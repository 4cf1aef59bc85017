// Package cputime times single-threaded work in the calling thread's CPU
// time where the OS reports it (Linux), so that other processes sharing the
// cores do not distort a rate, else in wall time: the kernels' peak probes
// and the kernel benchmarks, which are compared with each other, both use it.
package cputime

import "time"

// Stopwatch measures the time since Start. The caller locks its goroutine
// to its OS thread while the stopwatch runs.
type Stopwatch struct {
	wall time.Time
	cpu  time.Duration
	ok   bool
}

// Start starts a stopwatch.
func Start() Stopwatch {
	cpu, ok := threadCPUTime()
	return Stopwatch{wall: time.Now(), cpu: cpu, ok: ok}
}

// Elapsed is the thread CPU time since Start, or the wall time where the OS
// does not report it.
func (s Stopwatch) Elapsed() time.Duration {
	if cpu, ok := threadCPUTime(); s.ok && ok {
		return cpu - s.cpu
	}
	return time.Since(s.wall)
}
