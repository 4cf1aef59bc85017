package serve

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/albertq/albertq/engine"
)

// admission counts the inputs the server holds, from the moment a request
// starts being read until its inputs' forward pass is done, and refuses
// more than its limit: the queue is bounded, and a request beyond it is
// answered at once (429) instead of waiting.
type admission struct {
	mu          sync.Mutex
	held, limit int
}

// tryAcquire takes n permits, if that many are free.
func (a *admission) tryAcquire(n int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.held+n > a.limit {
		return false
	}
	a.held += n
	return true
}

func (a *admission) release(n int) {
	a.mu.Lock()
	a.held -= n
	a.mu.Unlock()
}

// batcher runs queued inputs of all requests together, in one loop per
// model thread. A loop takes inputs from the front of the queue, in order,
// up to its fair share of the queued tokens (ceil(queued / loops not in a
// pass), at most maxTokens, at least one input however long) and runs them
// in one forward pass; the engine runs sequences of different lengths end
// to end without padding, and each sequence's outputs are what it gives
// alone. Each input then gets its row.
//
// Passes run side by side, each on its own thread: a pass of short texts
// split over two threads costs nearly twice the CPU of the same pass on one
// (the pool's hand-offs), so under load two passes of half the queue beat
// one pass of all of it. A pass that is the server's only work (no other
// pass running, nothing left queued) is split over all the model's threads,
// so that one client's long input is not slowed.
type batcher struct {
	run       runFunc
	loops     int
	maxTokens int
	admit     *admission
	metrics   *metrics

	mu     sync.Mutex
	queue  []*item
	passes int // passes running now
	closed bool
	wake   chan struct{}  // a token when the queue may have work
	done   sync.WaitGroup // the loops
}

// runFunc runs one forward pass (engine.Model.RunWith).
type runFunc func(seqs []engine.Sequence, opts engine.RunOptions) (*engine.Output, error)

// item is one input waiting for, or in, a forward pass. It holds one
// admission permit until it is done.
type item struct {
	ctx        context.Context // the request's: once done, the item is dropped
	seq        engine.Sequence
	index      int // its place in the request
	queued     time.Time
	hiddenOnly bool // its request needs no pooler or head outputs
	done       chan<- result
}

// result is an input's share of a forward pass: row Row of Out.
type result struct {
	index            int
	out              *engine.Output
	row              int
	queue, inference time.Duration
	err              error
}

// newBatcher starts loops loops (at least one) that run passes with run.
func newBatcher(run runFunc, loops, maxTokens int, admit *admission, m *metrics) *batcher {
	b := &batcher{run: run, loops: max(loops, 1), maxTokens: maxTokens, admit: admit, metrics: m,
		wake: make(chan struct{}, 1)}
	b.done.Add(b.loops)
	for range b.loops {
		go b.loop()
	}
	return b
}

// errClosed refuses work once the server is shutting down.
var errClosed = newError(kindUnhealthy, "the server is shutting down")

// submit queues a request's sequences, each with one of the request's
// admission permits, and returns the channel their results arrive on, in
// the order their forward passes finish. hiddenOnly says the request needs
// only their hidden states.
func (b *batcher) submit(ctx context.Context, seqs []engine.Sequence, hiddenOnly bool) (<-chan result, *apiError) {
	results := make(chan result, len(seqs))
	now := time.Now()
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, errClosed
	}
	for i, seq := range seqs {
		b.queue = append(b.queue, &item{ctx: ctx, seq: seq, index: i, queued: now, hiddenOnly: hiddenOnly, done: results})
	}
	b.metrics.queueDepth.Add(float64(len(seqs)))
	b.mu.Unlock()
	b.signal()
	return results, nil
}

func (b *batcher) signal() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// close stops taking work, lets the loops finish what is queued and waits
// for them.
func (b *batcher) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.signal()
	b.done.Wait()
}

// running reports whether the batcher still takes work.
func (b *batcher) running() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.closed
}

// loop runs passes until the batcher is closed and the queue empty. A loop
// that leaves inputs queued, or stops, wakes another. After a pass it
// yields: the handlers its results woke wait in its thread's run queue, and
// would otherwise wait through its next pass before answering (with every
// thread running a pass, that doubled the 64-client p99).
func (b *batcher) loop() {
	defer b.done.Done()
	for {
		b.mu.Lock()
		batch := b.take()
		left := len(b.queue) > 0
		stop := !left && b.closed
		split := len(batch) > 0 && !left && b.passes == 0
		if len(batch) > 0 {
			b.passes++
		}
		b.mu.Unlock()
		if left || stop {
			b.signal()
		}
		if len(batch) > 0 {
			b.runBatch(batch, split)
			b.mu.Lock()
			b.passes--
			b.mu.Unlock()
			runtime.Gosched()
			continue
		}
		if stop {
			return
		}
		<-b.wake
	}
}

// take removes the next forward pass's inputs from the front of the queue
// (b.mu held): in order, as many as fit in the loop's share of the queued
// tokens (shared among the loops not running a pass), at least one. Inputs
// whose client has gone are dropped on the way.
func (b *batcher) take() []*item {
	queued := 0
	for _, it := range b.queue {
		queued += len(it.seq.IDs)
	}
	free := b.loops - b.passes
	share := min(b.maxTokens, (queued+free-1)/free)
	var batch []*item
	tokens, n := 0, 0
	for ; n < len(b.queue); n++ {
		it := b.queue[n]
		if it.ctx.Err() != nil {
			b.admit.release(1)
			continue
		}
		t := len(it.seq.IDs)
		if len(batch) > 0 && tokens+t > share {
			break
		}
		batch = append(batch, it)
		tokens += t
	}
	b.queue = append(b.queue[:0], b.queue[n:]...)
	b.metrics.queueDepth.Sub(float64(n))
	return batch
}

// runBatch runs one forward pass and hands each input its row. The pass
// leaves out the pooler and the head when no input needs them. If it
// fails, each input is run again alone, so that an input that makes the
// model fail fails only its own request.
func (b *batcher) runBatch(batch []*item, split bool) {
	seqs := make([]engine.Sequence, len(batch))
	tokens := 0
	opts := engine.RunOptions{SingleThreaded: !split, HiddenOnly: true}
	for i, it := range batch {
		seqs[i] = it.seq
		tokens += len(it.seq.IDs)
		opts.HiddenOnly = opts.HiddenOnly && it.hiddenOnly
	}
	start := time.Now()
	out, err := b.runSafely(seqs, opts)
	elapsed := time.Since(start)
	if err != nil && len(batch) > 1 {
		for _, it := range batch {
			b.runBatch([]*item{it}, split)
		}
		return
	}
	b.metrics.observeBatch(len(batch), tokens, elapsed)
	for i, it := range batch {
		b.metrics.queueTime.Observe(start.Sub(it.queued).Seconds())
		b.admit.release(1) // first: a request that has all its results holds no permit
		it.done <- result{index: it.index, out: out, row: i, queue: start.Sub(it.queued), inference: elapsed, err: err}
	}
}

// runSafely is run with a panic turned into the pass's error.
func (b *batcher) runSafely(seqs []engine.Sequence, opts engine.RunOptions) (out *engine.Output, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("internal error: %v", p)
		}
	}()
	return b.run(seqs, opts)
}
