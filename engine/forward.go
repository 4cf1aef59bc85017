package engine

import (
	"github.com/albertq/albertq/internal/parallel"
	"github.com/albertq/albertq/kernels"
)

// runner carries what one forward pass needs besides the weights.
type runner struct {
	kern    *kernels.Set
	workers *parallel.Pool // the threads the pass is split over
	eps     float32        // the LayerNorms' epsilon
	ws      *workspace
	arenas  *arenas // where attention's workers take their scratch
	// hiddenOnly stops the pass after the encoder (RunOptions.HiddenOnly).
	hiddenOnly bool
	// observe, when set, sees the input of every Linear application
	// (calibration).
	observe func(linear string, app int, x []float32)
}

// forward is the encoder: the embeddings (ALBERT's projected from E to
// H), then num_hidden_layers layers (ALBERT's shared: the same group's
// weights run several times), the pooler, and the head (these two unless
// r.hiddenOnly). The hidden states
// are computed in place in the returned buffer; everything else lives in
// the workspace.
func (mod *Model) forward(r *runner, b *batch) *Output {
	c := &mod.cfg
	hidden := make([]float32, b.tokens*c.HiddenSize)
	if mod.embProjection == nil {
		mod.embed(r, b, hidden)
	} else {
		x := grow(&r.ws.emb, b.tokens*c.EmbeddingSize)
		mod.embed(r, b, x)
		mod.embProjection.apply(r, hidden, x, b.tokens, 0)
	}
	layersPerGroup := c.NumHiddenLayers / len(mod.groups)
	for i := range c.NumHiddenLayers {
		for _, lay := range mod.groups[i/layersPerGroup] {
			lay.forward(r, b, hidden, i%layersPerGroup)
		}
	}
	out := &Output{Offsets: b.offsets, Hidden: hidden}
	if r.hiddenOnly {
		return out
	}
	switch {
	case mod.pooler != nil:
		out.Pooled = mod.poolerOutput(r, b, hidden)
	case mod.firstIsPooled():
		out.Pooled = firstTokens(b, hidden, c.HiddenSize)
	}
	if mod.head != nil {
		mod.head.apply(r, b, out)
	}
	return out
}

// forward applies one layer to h (tokens × H) in place; app numbers this
// application of its weights (a shared ALBERT layer runs several times,
// and calibrated int8 scales differ from one application to the next).
func (lay *layer) forward(r *runner, b *batch, h []float32, app int) {
	n, w := b.tokens, lay.attnOut.out
	// Self-attention: every token's query, key and value from one GEMM, then
	// softmax(q·kᵀ/√d)·v per sequence and head.
	qkv := grow(&r.ws.qkv, n*lay.qkv.out)
	lay.qkv.apply(r, qkv, h, n, app)
	ctx := grow(&r.ws.ctx, n*w)
	r.attention(b, qkv, ctx, lay.heads, lay.qkv.i8 != nil)
	// Output projection.
	attn := grow(&r.ws.attn, n*w)
	lay.attnOut.apply(r, attn, ctx, n, app)
	if lay.ffn.i8 != nil {
		lay.feedForwardInt8(r, h, attn, n, app)
		return
	}
	// Residual + LayerNorm: attn = LayerNorm(attn + h).
	r.layerNorm(attn, h, w, lay.attnNorm)
	// FFN with GELU (or the config's hidden_act): GELU(attn·W₁ + b₁)·W₂ + b₂,
	// written over h, whose last use was the residual above.
	inner := grow(&r.ws.inner, n*lay.ffn.out)
	lay.ffn.apply(r, inner, attn, n, app)
	r.activate(inner, lay.ffn.out, lay.activation)
	lay.ffnOut.apply(r, h, inner, n, app)
	// Residual + LayerNorm: h = LayerNorm(h + attn).
	r.layerNorm(h, attn, w, lay.outNorm)
}

// feedForwardInt8 is the rest of forward for an int8 layer: the same
// residual + LayerNorm, FFN with GELU and residual + LayerNorm, with the
// first LayerNorm and the GELU run in the quantization pass of the FFN
// Linear that reads them (applyAfter), each row read once while it is in
// cache. The inner rows are innerStride apart (unless observed).
func (lay *layer) feedForwardInt8(r *runner, h, attn []float32, n, app int) {
	w, ld := lay.attnOut.out, lay.ffn.out
	if r.observe == nil {
		ld = innerStride(ld)
	}
	inner := grow(&r.ws.inner, n*ld)
	lay.ffn.applyInto(r, inner, ld, attn, lay.ffn.in, n, app, r.layerNormRow(h, lay.attnNorm))
	lay.ffnOut.applyInto(r, h, w, inner, ld, n, app, lay.activation.row)
	r.layerNorm(h, attn, w, lay.outNorm)
}

// innerStride is the row stride for rows of w floats that the GEMMs store
// sixteen at a time: w itself, or 16 floats (a cache line) more when w
// floats are a multiple of 2 KB. Such rows' lines fall into at most two of
// L1's sets (eight ways each), so a store of sixteen rows evicts its own
// lines; a line more a row spreads them over sixteen sets. At the FFN's
// 3072 the AVX2 int8 GEMM's store of 128 rows took 182–194 µs, 115–121 µs
// at 3088 (AMD EPYC Zen 3 class; docs/performance.md).
func innerStride(w int) int {
	if w*4%2048 == 0 {
		return w + 16
	}
	return w
}

// poolerOutput is the pooler: tanh(Linear(the hidden state of each
// sequence's first token)).
func (mod *Model) poolerOutput(r *runner, b *batch, hidden []float32) []float32 {
	hs := mod.cfg.HiddenSize
	first := firstTokens(b, hidden, hs)
	pooled := make([]float32, len(b.seqs)*hs)
	mod.pooler.apply(r, pooled, first, len(b.seqs), 0)
	tanhInPlace(pooled)
	return pooled
}

// firstTokens copies the hidden state (width w) of each sequence's first
// token into a new matrix.
func firstTokens(b *batch, hidden []float32, w int) []float32 {
	first := make([]float32, len(b.seqs)*w)
	for s := range b.seqs {
		copy(first[s*w:(s+1)*w], hidden[b.offsets[s]*w:])
	}
	return first
}

// firstIsPooled reports whether the pooled output is the first token's
// hidden state as it is: MobileBERT's pooler without classifier_activation.
func (mod *Model) firstIsPooled() bool {
	return mod.cfg.MobileBERT != nil && !mod.cfg.MobileBERT.ClassifierActivation
}

func typeID(s Sequence, p int) int {
	if s.TypeIDs == nil {
		return 0
	}
	return s.TypeIDs[p]
}
