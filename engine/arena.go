package engine

import (
	"sync"

	"github.com/albertq/albertq/kernels"
)

// workspace is the working memory of one forward pass: every activation
// between the GEMMs, sized for the batch and kept for the next call (a
// sync.Pool per model), so a warm Run allocates only its outputs.
type workspace struct {
	emb, qkv, ctx, attn, inner []float32
	bottleneck, shared, ffnOut []float32 // MobileBERT's
	q8                         []int8    // a Linear's input quantized
	qs                         []float32 // its row scales
	// int8 attention's values, quantized a sequence at a time (every head),
	// with their column scales (hs a sequence) and the quantizer's scratch.
	v8       []int8
	vs, vinv []float32
}

// attnScratch is one attention worker's memory: a sequence's scores for one
// head, its packed keys and values, and the gathered rows of keys that the
// mask keeps; for int8 attention also the quantized queries, keys or values
// (kv8), softmax numerators (p8), their scales and the values' inverse
// scales (inv).
type attnScratch struct {
	scores, gathered []float32
	sums             []float32 // each query's softmax denominator
	keep             []int
	keys, values     kernels.PackedF32

	q8, kv8, p8         []int8
	qs, ks, ps, vs, inv []float32
	keys8, values8      kernels.PackedI8
}

// arenas pools the workspaces and attention scratch of a model.
type arenas struct {
	work, attn sync.Pool
}

func (a *arenas) getWork() *workspace {
	if w, ok := a.work.Get().(*workspace); ok {
		return w
	}
	return &workspace{}
}

func (a *arenas) putWork(w *workspace) { a.work.Put(w) }

func (a *arenas) getAttn() *attnScratch {
	if s, ok := a.attn.Get().(*attnScratch); ok {
		return s
	}
	return &attnScratch{}
}

func (a *arenas) putAttn(s *attnScratch) { a.attn.Put(s) }

// grow returns (*buf)[:n], reallocating when the buffer is too small;
// contents are undefined.
func grow[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	return (*buf)[:n]
}
