package serve

import (
	"context"
	"fmt"
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

// batcher runs queued inputs of all requests together. One goroutine takes
// inputs from the front of the queue up to maxTokens real tokens (at least
// one input, however long) and runs them in one forward pass; the engine
// runs sequences of different lengths end to end without padding, and each
// sequence's outputs are what it gives alone. Each input then gets its row.
type batcher struct {
	run       func([]engine.Sequence) (*engine.Output, error)
	maxTokens int
	admit     *admission
	metrics   *metrics

	mu     sync.Mutex
	queue  []*item
	closed bool
	wake   chan struct{} // a token when the queue may have work
	done   chan struct{} // closed when the loop has ended
}

// item is one input waiting for, or in, a forward pass. It holds one
// admission permit until it is done.
type item struct {
	ctx    context.Context // the request's: once done, the item is dropped
	seq    engine.Sequence
	index  int // its place in the request
	queued time.Time
	done   chan<- result
}

// result is an input's share of a forward pass: row Row of Out.
type result struct {
	index            int
	out              *engine.Output
	row              int
	queue, inference time.Duration
	err              error
}

func newBatcher(run func([]engine.Sequence) (*engine.Output, error), maxTokens int, admit *admission, m *metrics) *batcher {
	b := &batcher{run: run, maxTokens: maxTokens, admit: admit, metrics: m,
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	go b.loop()
	return b
}

// errClosed refuses work once the server is shutting down.
var errClosed = newError(kindUnhealthy, "the server is shutting down")

// submit queues a request's sequences, each with one of the request's
// admission permits, and returns the channel their results arrive on, in
// the order their forward passes finish.
func (b *batcher) submit(ctx context.Context, seqs []engine.Sequence) (<-chan result, *apiError) {
	results := make(chan result, len(seqs))
	now := time.Now()
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, errClosed
	}
	for i, seq := range seqs {
		b.queue = append(b.queue, &item{ctx: ctx, seq: seq, index: i, queued: now, done: results})
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

// close stops taking work, lets the loop finish what is queued and waits
// for it.
func (b *batcher) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.signal()
	<-b.done
}

// running reports whether the batcher still takes work.
func (b *batcher) running() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.closed
}

func (b *batcher) loop() {
	defer close(b.done)
	for {
		b.mu.Lock()
		batch := b.take()
		stop := len(b.queue) == 0 && b.closed
		b.mu.Unlock()
		if len(batch) > 0 {
			b.runBatch(batch)
			continue
		}
		if stop {
			return
		}
		<-b.wake
	}
}

// take removes the next forward pass's inputs from the front of the queue
// (b.mu held): as many as fit in maxTokens, in order, at least one. Inputs
// whose client has gone are dropped on the way.
func (b *batcher) take() []*item {
	var batch []*item
	tokens, n := 0, 0
	for ; n < len(b.queue); n++ {
		it := b.queue[n]
		if it.ctx.Err() != nil {
			b.admit.release(1)
			continue
		}
		t := len(it.seq.IDs)
		if len(batch) > 0 && tokens+t > b.maxTokens {
			break
		}
		batch = append(batch, it)
		tokens += t
	}
	b.queue = append(b.queue[:0], b.queue[n:]...)
	b.metrics.queueDepth.Sub(float64(n))
	return batch
}

// runBatch runs one forward pass and hands each input its row. If the pass
// fails, each input is run again alone, so that an input that makes the
// model fail fails only its own request.
func (b *batcher) runBatch(batch []*item) {
	seqs := make([]engine.Sequence, len(batch))
	tokens := 0
	for i, it := range batch {
		seqs[i] = it.seq
		tokens += len(it.seq.IDs)
	}
	start := time.Now()
	out, err := b.runSafely(seqs)
	elapsed := time.Since(start)
	if err != nil && len(batch) > 1 {
		for _, it := range batch {
			b.runBatch([]*item{it})
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
func (b *batcher) runSafely(seqs []engine.Sequence) (out *engine.Output, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("internal error: %v", p)
		}
	}()
	return b.run(seqs)
}
