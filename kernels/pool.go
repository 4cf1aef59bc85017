package kernels

import (
	"fmt"
	"runtime"
	"sync"
)

// Pool runs the parts of one job on a fixed set of worker goroutines, so a
// GEMM split over threads costs no goroutine start per call. A Pool may be
// used by many goroutines at once; a nil *Pool runs everything inline.
type Pool struct {
	threads int
	tasks   chan func()
}

// NewPool starts a pool of the given number of threads (all cores when
// threads <= 0). The caller's goroutine is one of them.
func NewPool(threads int) *Pool {
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	p := &Pool{threads: threads, tasks: make(chan func())}
	for range threads - 1 {
		go func() {
			for task := range p.tasks {
				task()
			}
		}()
	}
	return p
}

// Threads reports how many threads the pool runs a job on.
func (p *Pool) Threads() int {
	if p == nil {
		return 1
	}
	return p.threads
}

// Close stops the pool's workers; the pool must not be used afterwards.
func (p *Pool) Close() {
	if p != nil && p.threads > 1 {
		close(p.tasks)
	}
}

// For splits [0, n) into at most Threads() contiguous chunks and runs
// f(lo, hi) on each, in parallel, returning when all are done. Chunks that
// find no idle worker run on the caller, so nested or concurrent use cannot
// deadlock. A panic in a
// chunk is re-raised in the caller once every chunk has finished.
func (p *Pool) For(n int, f func(lo, hi int)) {
	parts := min(p.Threads(), n)
	if parts <= 1 {
		if n > 0 {
			f(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failure any
	run := func(lo, hi int) {
		defer wg.Done()
		defer func() {
			if r := recover(); r != nil {
				mu.Lock()
				failure = fmt.Sprintf("%v", r)
				mu.Unlock()
			}
		}()
		f(lo, hi)
	}
	wg.Add(parts)
	for i := 1; i < parts; i++ {
		lo, hi := i*n/parts, (i+1)*n/parts
		select {
		case p.tasks <- func() { run(lo, hi) }:
		default: // every worker is busy (another caller, or a nested For): do it here
			run(lo, hi)
		}
	}
	run(0, n/parts)
	wg.Wait()
	if failure != nil {
		panic(failure)
	}
}
