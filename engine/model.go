// Package engine runs ALBERT encoders: it takes a model from an .albq file
// or from memory (a modelfile.Model, e.g. a checkpoint read by convert),
// packs the shared block once, and computes hidden states, pooled outputs
// and the task heads on the kernels the CPU offers, in int8, fp16 or fp32.
package engine

import (
	"errors"
	"fmt"

	"github.com/albertq/albertq/internal/parallel"
	"github.com/albertq/albertq/kernels"
	"github.com/albertq/albertq/modelfile"
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

// Model is a loaded ALBERT model, ready to run. It is safe for concurrent
// use by many goroutines.
type Model struct {
	cfg           modelfile.Config
	kern          *kernels.Set
	workers       *parallel.Pool // the threads a forward pass is split over
	emb           *embeddings
	embProjection *linear             // the E→H projection of the factorized embeddings
	groups        [][]*layer          // the shared layer groups, each run in turn
	pooler        *linear             // tanh(pooler(hidden of the first token))
	head          head                // the task head, nil for a bare encoder
	tok           tokenizer.Tokenizer // nil when the model has no spiece.model
	src           *modelfile.Model
	arenas        arenas // per-call working memory, reused

	noTruncate bool
}

// layer is one ALBERT layer: post-LN self-attention, then a post-LN FFN.
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

// norm is a LayerNorm's parameters.
type norm struct{ gamma, beta []float32 }

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
	var err error
	if mod.emb, err = loadEmbeddings(w, c); err != nil {
		return err
	}
	if mod.embProjection, err = w.loadLinear("encoder.embedding_hidden_mapping_in", c.EmbeddingSize, c.HiddenSize); err != nil {
		return err
	}
	mod.groups = make([][]*layer, c.NumHiddenGroups)
	for g := range mod.groups {
		for l := range c.InnerGroupNum {
			prefix := fmt.Sprintf("encoder.albert_layer_groups.%d.albert_layers.%d.", g, l)
			lay, err := loadLayer(w, c, prefix, act)
			if err != nil {
				return err
			}
			mod.groups[g] = append(mod.groups[g], lay)
		}
	}
	// Masked LM, token classification and QA models have no pooler.
	if w.has("pooler.weight") {
		if mod.pooler, err = w.loadLinear("pooler", c.HiddenSize, c.HiddenSize); err != nil {
			return err
		}
	}
	mod.head, err = loadHead(w, c, act)
	return err
}

func loadLayer(w *weights, c *modelfile.Config, prefix string, act activation) (*layer, error) {
	h, i := c.HiddenSize, c.IntermediateSize
	lay := &layer{heads: c.NumAttentionHeads, activation: act}
	var errs []error
	linear := func(name string, in, out int) *linear {
		l, err := w.loadLinear(prefix+name, in, out)
		errs = append(errs, err)
		return l
	}
	layerNorm := func(name string, n int) norm {
		g, err1 := w.vector(prefix+name+".weight", n)
		b, err2 := w.vector(prefix+name+".bias", n)
		errs = append(errs, err1, err2)
		return norm{g, b}
	}
	qkv, err := w.loadFused([]string{prefix + "attention.query", prefix + "attention.key", prefix + "attention.value"}, h, h)
	errs = append(errs, err)
	lay.qkv = qkv
	lay.attnOut = linear("attention.dense", h, h)
	lay.attnNorm = layerNorm("attention.LayerNorm", h)
	lay.ffn = linear("ffn", h, i)
	lay.ffnOut = linear("ffn_output", i, h)
	lay.outNorm = layerNorm("full_layer_layer_norm", h)
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
