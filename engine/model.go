// Package engine runs encoders of the ALBERT and BERT families (ALBERT,
// BERT, DistilBERT, MobileBERT): it takes a model from an .albq file or from
// memory (a modelfile.Model, e.g. a checkpoint read by convert), packs each
// layer's weights once (ALBERT's shared block once for all its layers), and
// computes hidden states, pooled outputs, sentence embeddings and the task
// heads on the kernels the CPU offers, in int8, fp16 or fp32.
package engine

import (
	"errors"
	"fmt"

	"github.com/albertq/albertq/internal/parallel"
	"github.com/albertq/albertq/kernels"
	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
	"github.com/albertq/albertq/tokenizer"
)

// Options tune how a model runs.
type Options struct {
	// Threads is the number of threads for one forward pass (0: all cores).
	Threads int
	// Kernels forces the kernel set called so (see kernels.Select); empty uses
	// ALBERTQ_KERNELS, or the best this CPU has.
	Kernels string
	// NoTruncate makes text longer than max_position_embeddings tokens an
	// error instead of being truncated (Encoding.Truncated reports it).
	NoTruncate bool
}

// Model is a loaded model of the ALBERT or BERT family, ready to run. It is
// safe for concurrent use by many goroutines.
type Model struct {
	cfg           modelfile.Config
	kern          *kernels.Set
	workers       *parallel.Pool // the threads a forward pass is split over
	emb           *embeddings
	embProjection *linear             // ALBERT's E→H projection of the factorized embeddings
	groups        [][]block           // the layer groups, each run in turn (one group per layer unless shared)
	pooler        *linear             // tanh(pooler(hidden of the first token))
	head          head                // the task head, nil for a bare encoder
	tok           tokenizer.Tokenizer // nil when the model has no tokenizer
	src           *modelfile.Model
	arenas        arenas          // per-call working memory, reused
	dtype         modelfile.DType // what the encoder's matrix products run in

	noTruncate bool
}

// block is one encoder layer: it updates the hidden states h (tokens × H)
// in place; app numbers this application of its weights (calibrated int8
// scales differ from one application of a shared layer to the next).
type block interface {
	forward(r *runner, b *batch, h []float32, app int)
}

// layer is one ALBERT, BERT or DistilBERT layer: post-LN self-attention,
// then a post-LN FFN.
type layer struct {
	heads      int
	qkv        *linear // query, key and value fused: each token's three side by side
	attnOut    *linear
	attnNorm   norm
	ffn        *linear
	activation activation // the FFN's
	ffnOut     *linear
	outNorm    norm
}

// norm is a LayerNorm's parameters, or with noNorm MobileBERT's NoNorm
// (x·gamma + beta, no statistics).
type norm struct {
	gamma, beta []float32
	noNorm      bool
}

// New builds a runnable model from an in-memory one, packing every Linear
// once for the chosen kernels. The model keeps m (its tensors may be views
// onto a file mapping) until Close.
func New(m *modelfile.Model, opts Options) (*Model, error) {
	if err := m.Config.Validate(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	kern, err := chooseKernels(opts.Kernels)
	if err != nil {
		return nil, err
	}
	act, err := activationByName(m.Config.HiddenAct, kern)
	if err != nil {
		return nil, err
	}
	mod := &Model{cfg: m.Config, kern: kern, src: m, noTruncate: opts.NoTruncate}
	w := &weights{tensors: m.Tensors, staticScales: m.ActScales, kern: kern}
	if err := mod.load(w, act); err != nil {
		return nil, err
	}
	if err := mod.loadTokenizer(m.Tokenizer); err != nil {
		return nil, err
	}
	mod.workers = parallel.NewPool(opts.Threads)
	return mod, nil
}

func chooseKernels(name string) (*kernels.Set, error) {
	if name != "" {
		return kernels.Select(name)
	}
	return kernels.Default()
}

// load finds, checks and packs every tensor the config calls for; act is
// the config's hidden_act.
func (mod *Model) load(w *weights, act activation) error {
	c := &mod.cfg
	fam := families[c.ModelType]
	var err error
	if mod.emb, err = loadEmbeddings(w, c); err != nil {
		return err
	}
	if fam.embProjection != "" {
		if mod.embProjection, err = w.loadLinear(fam.embProjection, c.EmbeddingSize, c.HiddenSize); err != nil {
			return err
		}
	}
	groups, inner := fam.groups(c)
	mod.groups = make([][]block, groups)
	for g := range mod.groups {
		for l := range inner {
			var blk block
			if c.ModelType == modelfile.MobileBERT {
				blk, err = loadMobileLayer(w, c, fam.layerPrefix(g, l), act)
			} else {
				blk, err = loadLayer(w, c, fam.layerPrefix(g, l), fam.layer, act)
			}
			if err != nil {
				return err
			}
			mod.groups[g] = append(mod.groups[g], blk)
		}
	}
	mod.dtype = narrowestMatrix(w.tensors)
	// Masked LM, token classification and QA models have no pooler.
	if p := fam.heads.pooler; p != "" && w.has(p+".weight") {
		if mod.pooler, err = w.loadLinear(p, c.HiddenSize, c.HiddenSize); err != nil {
			return err
		}
	}
	mod.head, err = loadHead(w, c, fam.heads, act)
	return err
}

// narrowestMatrix is the narrowest type the model's quantizable matrices
// are stored in: an int8 model that keeps its most sensitive matrices in
// fp16 (KeepSensitive) still runs, and is batched, as an int8 model.
func narrowestMatrix(tensors map[string]*modelfile.Tensor) modelfile.DType {
	narrowest := modelfile.F32
	for name, t := range tensors {
		if quant.Quantizable(name, t.Shape) && (t.DType == modelfile.I8 || t.DType == modelfile.F16 && narrowest == modelfile.F32) {
			narrowest = t.DType
		}
	}
	return narrowest
}

func loadLayer(w *weights, c *modelfile.Config, prefix string, n layerNames, act activation) (*layer, error) {
	h, i := c.HiddenSize, c.IntermediateSize
	lay := &layer{heads: c.NumAttentionHeads, activation: act}
	var errs []error
	linear := func(name string, in, out int) *linear {
		l, err := w.loadLinear(prefix+name, in, out)
		errs = append(errs, err)
		return l
	}
	layerNorm := func(name string, n int) norm {
		nm, err := w.norm(prefix+name, n, false)
		errs = append(errs, err)
		return nm
	}
	qkv, err := w.loadFused([]string{prefix + n.query, prefix + n.key, prefix + n.value}, h, h)
	errs = append(errs, err)
	lay.qkv = qkv
	lay.attnOut = linear(n.attnOut, h, h)
	lay.attnNorm = layerNorm(n.attnNorm, h)
	lay.ffn = linear(n.ffn, h, i)
	lay.ffnOut = linear(n.ffnOut, i, h)
	lay.outNorm = layerNorm(n.outNorm, h)
	return lay, errors.Join(errs...)
}

// Config is the model's configuration.
func (mod *Model) Config() modelfile.Config { return mod.cfg }

// Kernels reports the kernel set the model runs every op on.
func (mod *Model) Kernels() *kernels.Set { return mod.kern }

// Close stops the model's threads and releases its file mapping.
func (mod *Model) Close() error {
	mod.workers.Close()
	return mod.src.Close()
}
