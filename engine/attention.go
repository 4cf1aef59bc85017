package engine

import (
	"math"

	"github.com/albertq/albertq/kernels"
)

// attention is multi-head scaled dot-product attention, each sequence on its
// own tokens: ctx = softmax(q·kᵀ/√d + mask)·v per head. qkv holds each
// token's query, key and value side by side (row width 3H, H the width of
// ctx's rows). With quantized set (an int8 model) both products run on the
// int8 kernel. The (sequence, head) pairs are shared out over the workers;
// each worker keeps one scratch for all its pairs.
func (r *runner) attention(b *batch, qkv, ctx []float32, heads int, quantized bool) {
	if quantized {
		r.quantizeValues(b, qkv, len(ctx)/b.tokens)
	}
	jobs := len(b.seqs) * heads
	work := func(lo, hi int) {
		s := r.arenas.getAttn()
		defer r.arenas.putAttn(s)
		for job := lo; job < hi; job++ {
			r.attendHead(s, b, job/heads, job%heads, heads, qkv, ctx, quantized)
		}
	}
	if r.workers.Threads() == 1 || b.tokens*b.tokens < 64*64 {
		work(0, jobs)
		return
	}
	r.workers.For(jobs, work)
}

// quantizeValues quantizes the values (width hs) of every head of each
// sequence for int8 attention into the workspace: each column by its
// maximum over the sequence's tokens, as contextI8 would head by head, but
// in one pass over qkv's rows rather than twelve narrow ones (half the
// time at 256 tokens). A sequence whose mask drops some of its keys has
// its kept values quantized again by its heads.
func (r *runner) quantizeValues(b *batch, qkv []float32, hs int) {
	v8, vs := grow(&r.ws.v8, b.tokens*hs), grow(&r.ws.vs, len(b.seqs)*hs)
	inv := grow(&r.ws.vinv, hs)
	for seq := range b.seqs {
		row0, n := b.offsets[seq], b.offsets[seq+1]-b.offsets[seq]
		r.kern.QuantizeColumns(v8[row0*hs:], vs[seq*hs:(seq+1)*hs], inv, qkv[row0*3*hs+2*hs:], 3*hs, n)
	}
}

// attendHead computes one head of one sequence. Keys the mask drops are left
// out of the scores and the values altogether, which is what adding -∞ (as
// transformers adds the most negative float) does; when the mask keeps none,
// every key gets the same weight, as in transformers.
func (r *runner) attendHead(s *attnScratch, b *batch, seq, head, heads int, qkv, ctx []float32, quantized bool) {
	hs := len(ctx) / b.tokens
	d := hs / heads
	ld := 3 * hs
	n := b.offsets[seq+1] - b.offsets[seq]
	row0 := b.offsets[seq]
	q := qkv[row0*ld+head*d:]
	k, v := q[hs:], q[2*hs:]

	keys, src := n, ld
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
			keys = len(keep)
		}
	}
	scores := grow(&s.scores, n*keys)
	switch {
	case uniform:
		clear(scores)
	case quantized:
		s.scoresI8(r.kern, scores, q, ld, k, src, n, keys, d)
	default:
		s.scoresF32(r.kern, scores, q, ld, k, src, n, keys, d)
	}
	// Softmax's division is left for the context, d wide rather than keys
	// wide.
	scale := float32(1 / math.Sqrt(float64(d)))
	sums := grow(&s.sums, n)
	out := ctx[row0*hs+head*d:]
	if quantized {
		p8 := grow(&s.p8, n*keys)
		r.kern.SoftmaxQuantize(p8, sums, scores, n, keys, scale)
		v8, ldv, vs := r.ws.v8[row0*hs+head*d:], hs, r.ws.vs[seq*hs+head*d:][:d]
		if keys != n { // the values of the kept keys only, quantized on their own
			v8, ldv, vs = grow(&s.kv8, keys*d), d, grow(&s.vs, d)
			r.kern.QuantizeColumns(v8, vs, grow(&s.inv, d), v, src, keys)
		}
		s.contextI8(r.kern, out, hs, p8, sums, n, keys, v8, ldv, vs, d)
	} else {
		for i := range n {
			sums[i] = r.kern.SoftmaxNumerators(scores[i*keys:(i+1)*keys], scale)
		}
		s.contextF32(r.kern, out, hs, scores, sums, n, keys, v, src, d)
	}
}

// scoresF32 sets scores (n×keys) = q·kᵀ for q and k of width d.
func (s *attnScratch) scoresF32(kern *kernels.Set, scores, q []float32, ldq int, k []float32, ldk, n, keys, d int) {
	kern.F32.PackInto(&s.keys, k, kernels.Transposed(ldk), d, keys)
	kern.F32.GEMM(nil, scores, keys, q, ldq, n, &s.keys, nil)
}

// contextF32 sets out (n×d) = p·v / sums, p the softmax numerators.
func (s *attnScratch) contextF32(kern *kernels.Set, out []float32, ldo int, p, sums []float32, n, keys int, v []float32, ldv, d int) {
	kern.F32.PackInto(&s.values, v, kernels.RowMajor(ldv), keys, d)
	kern.F32.GEMM(nil, out, ldo, p, keys, n, &s.values, nil)
	for i, sum := range sums {
		kern.Multiply(out[i*ldo:i*ldo+d], 1/sum)
	}
}

// scoresI8 is scoresF32 on the int8 kernel, each query and each key
// quantized by its own maximum: a key's scale is its column's.
func (s *attnScratch) scoresI8(kern *kernels.Set, scores, q []float32, ldq int, k []float32, ldk, n, keys, d int) {
	q8, qs := grow(&s.q8, n*d), grow(&s.qs, n)
	kern.QuantizeRows(q8, qs, q, ldq, n, d)
	k8, ks := grow(&s.kv8, keys*d), grow(&s.ks, keys)
	kern.QuantizeRows(k8, ks, k, ldk, keys, d)
	kern.I8.PackInto(&s.keys8, k8, kernels.Transposed(d), d, keys, ks)
	kern.I8.GEMM(nil, scores, keys, q8, d, qs, n, &s.keys8, nil)
}

// contextI8 is contextF32 on the int8 kernel, p the numerators on the
// fixed scale 1/127 (they peak at exactly 1: see kernels.Set.SoftmaxQuantize),
// the division by their sum going into each row's scale; the values v8
// (row i at v8[i*ldv:]) are quantized with a scale per column, vs. p is
// never negative, so the product runs on the set's kernel for A in [0, 127].
func (s *attnScratch) contextI8(kern *kernels.Set, out []float32, ldo int, p8 []int8, sums []float32, n, keys int, v8 []int8, ldv int, vs []float32, d int) {
	ps := grow(&s.ps, n)
	for i, sum := range sums {
		ps[i] = 1 / (127 * sum)
	}
	kern.I8NonNeg.PackInto(&s.values8, v8, kernels.RowMajor(ldv), keys, d, vs)
	kern.I8NonNeg.GEMM(nil, out, ldo, p8, keys, ps, n, &s.values8, nil)
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
