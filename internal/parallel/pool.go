// Package parallel is albertq's thread pool: the kernels split a GEMM over
// it and the engine its row-wise vector work and attention heads.
package parallel

import (
	"fmt"
	"runtime"
	"sync/atomic"
)

// Pool runs the parts of one job on a fixed set of worker goroutines, so a
// GEMM split over threads costs no goroutine start per call. A Pool may be
// used by many goroutines at once, and For may be called from inside a
// chunk of another For; a nil *Pool runs everything inline.
//
// Within a forward pass the next job comes microseconds after the last, so
// an idle worker polls the queue for a short while before it sleeps: waking
// a sleeping goroutine costs more than a small GEMM.
type Pool struct {
	threads int
	tasks   chan func()
}

// spinPolls is how many times an idle worker looks for work, yielding in
// between, before it blocks (some tens of microseconds).
const spinPolls = 200

// NewPool starts a pool of the given number of threads (all cores when
// threads <= 0). The caller's goroutine is one of them.
func NewPool(threads int) *Pool {
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	p := &Pool{threads: threads, tasks: make(chan func(), 64*threads)}
	for range threads - 1 {
		go p.work()
	}
	return p
}

// work runs tasks until the pool is closed.
func (p *Pool) work() {
	for {
		task, ok := p.next()
		if !ok {
			return
		}
		task()
	}
}

// next waits for a task, polling before it blocks.
func (p *Pool) next() (func(), bool) {
	for range spinPolls {
		select {
		case task, ok := <-p.tasks:
			return task, ok
		default:
			runtime.Gosched()
		}
	}
	task, ok := <-p.tasks
	return task, ok
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
// f(lo, hi) on each, in parallel, returning when all are done. While it
// waits, the caller runs queued tasks itself, so nested or concurrent use
// cannot deadlock. A panic in a chunk is re-raised in the caller once every
// chunk has finished.
func (p *Pool) For(n int, f func(lo, hi int)) {
	parts := min(p.Threads(), n)
	if parts <= 1 {
		if n > 0 {
			f(0, n)
		}
		return
	}
	var pending atomic.Int32
	var failure atomic.Pointer[string]
	run := func(lo, hi int) {
		defer pending.Add(-1)
		defer func() {
			if r := recover(); r != nil {
				msg := fmt.Sprintf("%v", r)
				failure.CompareAndSwap(nil, &msg)
			}
		}()
		f(lo, hi)
	}
	pending.Store(int32(parts))
	for i := 1; i < parts; i++ {
		lo, hi := i*n/parts, (i+1)*n/parts
		select {
		case p.tasks <- func() { run(lo, hi) }:
		default: // the queue is full: do it here
			run(lo, hi)
		}
	}
	run(0, n/parts)
	for pending.Load() > 0 {
		select {
		case task, ok := <-p.tasks:
			if ok {
				task()
			}
		default:
			runtime.Gosched()
		}
	}
	if msg := failure.Load(); msg != nil {
		panic(*msg)
	}
}
