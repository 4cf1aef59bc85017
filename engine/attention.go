package engine

import (
	"math"

	"github.com/albertq/albertq/kernels"
)

// attention is multi-head scaled dot-product attention, each sequence on its
// own tokens: ctx = softmax(q·kᵀ/√d + mask)·v per head. qkv holds each
// token's query, key and value side by side (row width 3H). The (sequence,
// head) pairs are shared out over the pool's threads; each thread keeps one
// scratch for all its pairs.
func (mod *Model) attention(r *runner, b *batch, qkv, ctx []float32) {
	heads := mod.cfg.NumAttentionHeads
	jobs := len(b.seqs) * heads
	work := func(lo, hi int) {
		s := mod.arenas.getAttn()
		defer mod.arenas.putAttn(s)
		for job := lo; job < hi; job++ {
			mod.attendHead(s, b, job/heads, job%heads, qkv, ctx)
		}
	}
	if r.pool.Threads() == 1 || b.tokens*b.tokens < 64*64 {
		work(0, jobs)
		return
	}
	r.pool.For(jobs, work)
}

// attendHead computes one head of one sequence. Keys the mask drops are left
// out of the scores and the values altogether, which is what adding -∞ (as
// transformers adds the most negative float) does; when the mask keeps none,
// every key gets the same weight, as in transformers.
func (mod *Model) attendHead(s *attnScratch, b *batch, seq, head int, qkv, ctx []float32) {
	hs := mod.cfg.HiddenSize
	d := hs / mod.cfg.NumAttentionHeads
	ld := 3 * hs
	n := b.offsets[seq+1] - b.offsets[seq]
	row0 := b.offsets[seq]
	q := qkv[row0*ld+head*d:]
	k, v := q[hs:], q[2*hs:]
	f32 := mod.kern.F32

	keys, values, src := n, n, ld
	uniform := false
	if keep := keptKeys(s, b.seqs[seq]); keep != nil {
		if len(keep) == 0 {
			uniform = true
		} else {
			// Gather the kept keys and values into [kept][2d] rows.
			g := grow(&s.gathered, len(keep)*2*d)
			for i, p := range keep {
				copy(g[i*2*d:i*2*d+d], k[p*ld:p*ld+d])
				copy(g[i*2*d+d:(i+1)*2*d], v[p*ld:p*ld+d])
			}
			k, v, src = g, g[d:], 2*d
			keys, values = len(keep), len(keep)
		}
	}
	scores := grow(&s.scores, n*keys)
	if uniform {
		for i := range scores {
			scores[i] = 0
		}
	} else {
		f32.PackInto(&s.keys, k, kernels.Transposed(src), d, keys)
		f32.GEMM(nil, scores, keys, q, ld, n, &s.keys, nil)
	}
	// Softmax's division is left for the context rows, d wide rather than
	// keys wide.
	scale := float32(1 / math.Sqrt(float64(d)))
	sums := grow(&s.sums, n)
	for i := range n {
		sums[i] = kernels.SoftmaxNumerators(scores[i*keys:(i+1)*keys], scale)
	}
	f32.PackInto(&s.values, v, kernels.RowMajor(src), values, d)
	out := ctx[row0*hs+head*d:]
	f32.GEMM(nil, out, hs, scores, keys, n, &s.values, nil)
	for i, sum := range sums {
		kernels.Scale(out[i*hs:i*hs+d], 1/sum)
	}
}

// keptKeys lists the positions seq's mask keeps, or nil when it keeps all.
func keptKeys(s *attnScratch, seq Sequence) []int {
	if seq.Mask == nil {
		return nil
	}
	s.keep = s.keep[:0]
	for p, m := range seq.Mask {
		if m != 0 {
			s.keep = append(s.keep, p)
		}
	}
	if len(s.keep) == len(seq.Mask) {
		return nil
	}
	return s.keep
}
