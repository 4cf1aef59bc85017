package engine

import (
	"fmt"
	"slices"

	"github.com/albertq/albertq/internal/parallel"
	"github.com/albertq/albertq/modelfile"
)

// batch is a validated set of sequences laid end to end: every Linear runs
// on all its tokens at once, attention runs per sequence.
type batch struct {
	seqs    []Sequence
	offsets []int // first token row of each sequence, then the total
	tokens  int
}

// run is Run split over workers (nil: on the calling goroutine alone),
// without the pooler and the head when hiddenOnly, with observe (when not
// nil) seeing every Linear's input (Observe). A panic inside becomes an
// error of the call.
func (mod *Model) run(seqs []Sequence, workers *parallel.Pool, hiddenOnly bool, observe func(string, int, []float32)) (out *Output, err error) {
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
	r := &runner{kern: mod.kern, workers: workers, eps: float32(mod.cfg.LayerNormEps), ws: ws, arenas: &mod.arenas, hiddenOnly: hiddenOnly, observe: observe}
	limit := b.tokens
	if mod.DType() == modelfile.I8 && observe == nil { // calibration sees each batch whole, as its caller formed it
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
			if t := typeID(seq, p); c.TypeVocabSize > 0 && (t < 0 || t >= c.TypeVocabSize) { // no token types: ignored
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
		SOPLogits:   join(func(o *Output) []float32 { return o.SOPLogits }),
	}
}
