package engine

import (
	"github.com/albertq/albertq/internal/parallel"
	"github.com/albertq/albertq/kernels"
)

// runner carries what one forward pass needs besides the weights.
type runner struct {
	kern *kernels.Set
	pool *parallel.Pool
	eps  float32
	ws   *workspace
	// observe, when set, sees the input of every Linear application
	// (calibration).
	observe func(linear string, app int, x []float32)
}

// forward is ALBERT: factorized embeddings projected to H, then the shared
// layers applied num_hidden_layers times, the pooler, and the head. The
// hidden states are computed in place in the returned buffer; everything
// else lives in the workspace.
func (mod *Model) forward(r *runner, b *batch) *Output {
	c := &mod.cfg
	emb := mod.embed(r, b)
	hidden := make([]float32, b.tokens*c.HiddenSize)
	mod.mapIn.apply(r, hidden, emb, b.tokens, 0)
	layersPerGroup := c.NumHiddenLayers / c.NumHiddenGroups
	var pending pendingNorm
	for i := range c.NumHiddenLayers {
		for _, lay := range mod.groups[i/layersPerGroup] {
			lay.forward(r, mod, b, hidden, i, &pending)
		}
	}
	if pending.resid != nil {
		r.layerNorm(hidden, pending.resid, c.HiddenSize, pending.nm)
	}
	out := &Output{Offsets: b.offsets, Hidden: hidden}
	if mod.pooler != nil {
		out.Pooled = mod.pool1(r, b, hidden)
	}
	if mod.head != nil {
		mod.head.apply(r, b, out)
	}
	return out
}

// embed sums the word, position and token type embeddings of every token
// and normalises them.
func (mod *Model) embed(r *runner, b *batch) []float32 {
	e := mod.cfg.EmbeddingSize
	x := grow(&r.ws.emb, b.tokens*e)
	clear(x)
	for s, seq := range b.seqs {
		for p, id := range seq.IDs {
			row := x[(b.offsets[s]+p)*e:][:e]
			addRow(row, mod.emb.word, id)
			addRow(row, mod.emb.position, p)
			addRow(row, mod.emb.tokenType, typeID(seq, p))
		}
	}
	r.layerNorm(x, nil, e, mod.emb.norm)
	return x
}

// forward applies one layer to h (tokens × H) in place; app numbers this
// application of the shared weights. Each LayerNorm runs in the
// quantization pass of the Linear that reads its output: the attention
// norm in the FFN's, the output norm (left in pending) in the next layer's
// q/k/v, or after the last layer in forward.
func (lay *layer) forward(r *runner, mod *Model, b *batch, h []float32, app int, pending *pendingNorm) {
	hs, is := mod.cfg.HiddenSize, mod.cfg.IntermediateSize
	n := b.tokens
	qkv := grow(&r.ws.qkv, n*3*hs)
	lay.qkv.applyPre(r, qkv, h, n, app, pending.take(r, hs))
	ctx := grow(&r.ws.ctx, n*hs)
	mod.attention(r, b, qkv, ctx, lay.qkv.i8 != nil)

	attended := grow(&r.ws.attended, n*hs)
	lay.attnOut.apply(r, attended, ctx, n, app)
	attnNorm := pendingNorm{resid: h, nm: lay.attnNorm}
	inner := grow(&r.ws.inner, n*is)
	lay.ffn.applyPre(r, inner, attended, n, app, attnNorm.take(r, hs))

	lay.ffnOut.applyPre(r, h, inner, n, app, func(_ int, row []float32) { mod.act(row) })
	*pending = pendingNorm{resid: attended, nm: lay.outNorm}
}

// pendingNorm is a post-LN LayerNorm not yet applied: rows of x become
// LayerNorm(x + resid).
type pendingNorm struct {
	resid []float32 // nil: nothing pending
	nm    norm
}

// take returns the pending norm as a row operation on rows of width w (nil
// when none is pending) and clears it.
func (p *pendingNorm) take(r *runner, w int) rowOp {
	if p.resid == nil {
		return nil
	}
	resid, nm := p.resid, p.nm
	p.resid = nil
	return func(i int, row []float32) {
		r.kern.LayerNorm(row, resid[i*w:(i+1)*w], nm.gamma, nm.beta, r.eps)
	}
}

// pool1 is ALBERT's pooler: tanh(Linear(hidden of each sequence's first token)).
func (mod *Model) pool1(r *runner, b *batch, hidden []float32) []float32 {
	hs := mod.cfg.HiddenSize
	first := make([]float32, len(b.seqs)*hs)
	for s := range b.seqs {
		copy(first[s*hs:(s+1)*hs], hidden[b.offsets[s]*hs:])
	}
	pooled := make([]float32, len(b.seqs)*hs)
	mod.pooler.apply(r, pooled, first, len(b.seqs), 0)
	tanhInPlace(pooled)
	return pooled
}

func typeID(s Sequence, p int) int {
	if s.TypeIDs == nil {
		return 0
	}
	return s.TypeIDs[p]
}
