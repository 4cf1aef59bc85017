package convert

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/albertq/albertq/modelfile"
)

// presets are the shapes of the released ALBERT v2 models, and "tiny" (the
// test fixtures' shape), for benchmarks with random weights.
var presets = map[string]modelfile.Config{
	"tiny":    albertConfig(32, 64, 3, 4, 128, 2000),
	"base":    albertConfig(128, 768, 12, 12, 3072, 30000),
	"large":   albertConfig(128, 1024, 24, 16, 4096, 30000),
	"xlarge":  albertConfig(128, 2048, 24, 16, 8192, 30000),
	"xxlarge": albertConfig(128, 4096, 12, 64, 16384, 30000),
}

func albertConfig(e, h, layers, heads, inner, vocab int) modelfile.Config {
	return modelfile.Config{
		Architectures: []string{"AlbertModel"},
		VocabSize:     vocab, EmbeddingSize: e, HiddenSize: h,
		NumHiddenLayers: layers, NumHiddenGroups: 1, InnerGroupNum: 1,
		NumAttentionHeads: heads, IntermediateSize: inner, HiddenAct: "gelu_new",
		MaxPositionEmbeddings: 512, TypeVocabSize: 2, LayerNormEps: 1e-12,
		DoLowerCase: true,
	}
}

// Preset returns the configuration of a standard ALBERT size by name.
func Preset(name string) (modelfile.Config, error) {
	c, ok := presets[name]
	if !ok {
		names := make([]string, 0, len(presets))
		for n := range presets {
			names = append(names, n)
		}
		sort.Strings(names)
		return c, fmt.Errorf("unknown model size %q (known: %s)", name, strings.Join(names, ", "))
	}
	return c, nil
}

// Random builds an fp32 ALBERT encoder (with pooler, no head) of the given
// configuration with transformers' initialisation: weights N(0, 0.02),
// biases 0, LayerNorm 1 and 0. Deterministic for a seed; for benchmarks and
// size tests, where real weights are not needed.
func Random(c modelfile.Config, seed uint64) *modelfile.Model {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	m := &modelfile.Model{Config: c, Tensors: map[string]*modelfile.Tensor{}}
	matrix := func(name string, rows, cols int) {
		x := make([]float32, rows*cols)
		for i := range x {
			x[i] = float32(rng.NormFloat64() * 0.02)
		}
		m.Tensors[name] = &modelfile.Tensor{DType: modelfile.F32, Shape: []int{rows, cols}, F32: x}
	}
	vector := func(name string, n int, v float32) {
		x := make([]float32, n)
		for i := range x {
			x[i] = v
		}
		m.Tensors[name] = &modelfile.Tensor{DType: modelfile.F32, Shape: []int{n}, F32: x}
	}
	linear := func(name string, in, out int) {
		matrix(name+".weight", out, in)
		vector(name+".bias", out, 0)
	}
	layerNorm := func(name string, n int) {
		vector(name+".weight", n, 1)
		vector(name+".bias", n, 0)
	}
	e, h := c.EmbeddingSize, c.HiddenSize
	matrix("embeddings.word_embeddings.weight", c.VocabSize, e)
	matrix("embeddings.position_embeddings.weight", c.MaxPositionEmbeddings, e)
	matrix("embeddings.token_type_embeddings.weight", c.TypeVocabSize, e)
	layerNorm("embeddings.LayerNorm", e)
	linear("encoder.embedding_hidden_mapping_in", e, h)
	for g := range c.NumHiddenGroups {
		for l := range c.InnerGroupNum {
			p := fmt.Sprintf("encoder.albert_layer_groups.%d.albert_layers.%d.", g, l)
			for _, name := range []string{"query", "key", "value", "dense"} {
				linear(p+"attention."+name, h, h)
			}
			layerNorm(p+"attention.LayerNorm", h)
			linear(p+"ffn", h, c.IntermediateSize)
			linear(p+"ffn_output", c.IntermediateSize, h)
			layerNorm(p+"full_layer_layer_norm", h)
		}
	}
	linear("pooler", h, h)
	return m
}
