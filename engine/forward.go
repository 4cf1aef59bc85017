package engine

import (
	"fmt"
	"slices"

	"github.com/albertq/albertq/internal/parallel"
	"github.com/albertq/albertq/kernels"
)

// Sequence is one model input: token ids, their segment (token type) ids,
// and optionally an attention mask (1 = attend, 0 = padding); a nil TypeIDs
// means all zeros and a nil Mask means every token is real.
type Sequence struct {
	IDs, TypeIDs, Mask []int
}

// Output holds a batch's results. Hidden has one row of width H per token,
// the batch's sequences one after another (sequence s has rows Offsets[s]
// to Offsets[s+1]); Pooled one row per sequence (nil when the model has no
// pooler). Logits has LogitsWidth columns
// per sequence (sequence classification) or per token (token classification,
// masked LM); question answering fills StartLogits and EndLogits per token.
type Output struct {
	Offsets     []int
	Hidden      []float32
	Pooled      []float32
	Logits      []float32
	LogitsWidth int
	StartLogits []float32
	EndLogits   []float32
}

// batch is a validated set of sequences laid end to end: every Linear runs
// on all its tokens at once, attention runs per sequence.
type batch struct {
	seqs    []Sequence
	offsets []int // first token row of each sequence, then the total
	tokens  int
}

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

// Run computes the encoder and the head for a batch of sequences. Every
// Linear runs on the batch's tokens end to end, with no padding; an int8
// model takes a big batch in chunks of whole sequences (see
// int8ChunkTokens), which changes no output.
func (mod *Model) Run(seqs []Sequence) (*Output, error) {
	return mod.run(seqs, nil)
}

func (mod *Model) run(seqs []Sequence, observe func(string, int, []float32)) (out *Output, err error) {
	b, err := mod.newBatch(seqs)
	if err != nil {
		return nil, err
	}
	ws := mod.arenas.getWork()
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("engine: internal error: %v", p)
		}
	}()
	r := &runner{kern: mod.kern, pool: mod.pool, eps: float32(mod.cfg.LayerNormEps), ws: ws, observe: observe}
	limit := b.tokens
	if mod.int8Block() && observe == nil { // calibration sees each batch whole, as its caller formed it
		limit = int8ChunkTokens
	}
	var parts []*Output
	for _, c := range b.chunks(limit) {
		parts = append(parts, mod.forward(r, c))
	}
	out = joinOutputs(parts)
	out.Offsets = b.offsets
	mod.arenas.putWork(ws) // not on a panic: the workspace may be half written
	return out, nil
}

// int8ChunkTokens bounds the tokens one forward pass of an int8 model takes
// from a batch. Its weights are a few MB, read from L3 once per chunk; a
// chunk's activations between the Linears (the FFN's inner rows alone are
// 12 KB a token at albert-base's widths) then stay in L2 instead of going
// out to L3 too. albert-base, 8×128 int8, one thread: 414–462 ms whole,
// 374–388 ms in chunks of 256 tokens, 381–383 in chunks of 128. With fp32
// weights (28 MB a layer) chunks measured 5% slower, so fp32 and fp16 run
// whole batches. A longer sequence is a chunk of its own.
const int8ChunkTokens = 256

// chunks cuts the batch into runs of whole sequences of at most limit
// tokens (or one sequence, if longer).
func (b *batch) chunks(limit int) []*batch {
	var out []*batch
	for first := 0; first < len(b.seqs); {
		last := first + 1
		for last < len(b.seqs) && b.offsets[last+1]-b.offsets[first] <= limit {
			last++
		}
		c := &batch{seqs: b.seqs[first:last], offsets: make([]int, last-first+1)}
		for s := range c.seqs {
			c.offsets[s+1] = b.offsets[first+s+1] - b.offsets[first]
		}
		c.tokens = c.offsets[len(c.seqs)]
		out = append(out, c)
		first = last
	}
	return out
}

// joinOutputs puts the outputs of a batch's chunks end to end (Offsets are
// left to the caller).
func joinOutputs(parts []*Output) *Output {
	if len(parts) == 1 {
		return parts[0]
	}
	join := func(field func(*Output) []float32) []float32 {
		var all [][]float32
		for _, p := range parts {
			all = append(all, field(p))
		}
		return slices.Concat(all...)
	}
	return &Output{
		Hidden:      join(func(o *Output) []float32 { return o.Hidden }),
		Pooled:      join(func(o *Output) []float32 { return o.Pooled }),
		Logits:      join(func(o *Output) []float32 { return o.Logits }),
		LogitsWidth: parts[0].LogitsWidth,
		StartLogits: join(func(o *Output) []float32 { return o.StartLogits }),
		EndLogits:   join(func(o *Output) []float32 { return o.EndLogits }),
	}
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

func attends(s Sequence, p int) bool { return s.Mask == nil || s.Mask[p] != 0 }

// newBatch checks every id against the model's tables and lays the
// sequences end to end.
func (mod *Model) newBatch(seqs []Sequence) (*batch, error) {
	c := &mod.cfg
	if len(seqs) == 0 {
		return nil, fmt.Errorf("engine: empty batch")
	}
	b := &batch{seqs: seqs, offsets: make([]int, len(seqs)+1)}
	for s, seq := range seqs {
		n := len(seq.IDs)
		switch {
		case n == 0:
			return nil, fmt.Errorf("engine: sequence %d has no tokens", s)
		case n > c.MaxPositionEmbeddings:
			return nil, fmt.Errorf("engine: sequence %d has %d tokens, the model takes at most %d (max_position_embeddings)", s, n, c.MaxPositionEmbeddings)
		case seq.TypeIDs != nil && len(seq.TypeIDs) != n, seq.Mask != nil && len(seq.Mask) != n:
			return nil, fmt.Errorf("engine: sequence %d: token type ids or mask do not match its %d ids", s, n)
		}
		for p, id := range seq.IDs {
			if id < 0 || id >= c.VocabSize {
				return nil, fmt.Errorf("engine: sequence %d: token id %d at position %d is outside the vocabulary (0 to %d)", s, id, p, c.VocabSize-1)
			}
			if t := typeID(seq, p); t < 0 || t >= c.TypeVocabSize {
				return nil, fmt.Errorf("engine: sequence %d: token type id %d at position %d is outside 0 to %d", s, t, p, c.TypeVocabSize-1)
			}
		}
		b.offsets[s+1] = b.offsets[s] + n
		if b.offsets[s+1] > maxBatchTokens {
			return nil, fmt.Errorf("engine: the batch has more than %d tokens, more than one forward pass takes (its activations would need gigabytes): split it", maxBatchTokens)
		}
	}
	b.tokens = b.offsets[len(seqs)]
	return b, nil
}

// maxBatchTokens bounds one forward pass: at albert-base's widths its
// activations take about 30 KB a token, so this is some 2 GB.
const maxBatchTokens = 1 << 16
