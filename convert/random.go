package convert

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/albertq/albertq/modelfile"
)

// presets are the shapes of the released ALBERT v2 models, "tiny" (the
// test fixtures' shape), and the BERT family's most used sizes, for
// benchmarks with random weights.
var presets = map[string]modelfile.Config{
	"tiny":    albertConfig(32, 64, 3, 4, 128, 2000),
	"base":    albertConfig(128, 768, 12, 12, 3072, 30000),
	"large":   albertConfig(128, 1024, 24, 16, 4096, 30000),
	"xlarge":  albertConfig(128, 2048, 24, 16, 8192, 30000),
	"xxlarge": albertConfig(128, 4096, 12, 64, 16384, 30000),

	"bert-base":       bertConfig(modelfile.BERT, 768, 12, 12, 3072),      // bert-base-uncased
	"minilm-l6":       bertConfig(modelfile.BERT, 384, 6, 12, 1536),       // all-MiniLM-L6-v2: head size 32
	"tinybert-4l":     bertConfig(modelfile.BERT, 312, 4, 12, 1200),       // TinyBERT_General_4L_312D: head size 26
	"distilbert-base": bertConfig(modelfile.DistilBERT, 768, 6, 12, 3072), // distilbert-base-uncased
	"mobilebert":      mobileBERTPreset(),                                 // google/mobilebert-uncased
}

func albertConfig(e, h, layers, heads, inner, vocab int) modelfile.Config {
	return modelfile.Config{
		ModelType: modelfile.ALBERT, VocabSize: vocab, EmbeddingSize: e, HiddenSize: h,
		NumHiddenLayers: layers, NumHiddenGroups: 1, InnerGroupNum: 1,
		NumAttentionHeads: heads, IntermediateSize: inner, HiddenAct: "gelu_new",
		MaxPositionEmbeddings: 512, TypeVocabSize: 2, LayerNormEps: 1e-12,
		DoLowerCase: true,
	}
}

func bertConfig(modelType string, h, layers, heads, inner int) modelfile.Config {
	c := modelfile.Config{
		ModelType: modelType, VocabSize: 30522, EmbeddingSize: h, HiddenSize: h,
		NumHiddenLayers: layers, NumHiddenGroups: 1, InnerGroupNum: 1,
		NumAttentionHeads: heads, IntermediateSize: inner, HiddenAct: "gelu",
		MaxPositionEmbeddings: 512, TypeVocabSize: 2, LayerNormEps: 1e-12,
	}
	if modelType == modelfile.DistilBERT {
		c.TypeVocabSize = 0
	}
	return c
}

func mobileBERTPreset() modelfile.Config {
	c := bertConfig(modelfile.MobileBERT, 512, 24, 4, 512)
	c.EmbeddingSize, c.HiddenAct, c.LayerNormEps = 128, "relu", 1e-5
	c.MobileBERT = &modelfile.MobileBERTConfig{
		TrueHiddenSize: 128, IntraBottleneckSize: 128, UseBottleneck: true, KeyQuerySharedBottleneck: true,
		NumFeedforwardNetworks: 4, NormalizationType: "no_norm", TrigramInput: true, ClassifierActivation: true,
	}
	return c
}

// Preset returns the configuration of a standard model size by name: an
// ALBERT v2 size (tiny, base, large, xlarge, xxlarge) or a BERT-family one
// (bert-base, minilm-l6, tinybert-4l, distilbert-base, mobilebert).
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

// Random builds an fp32 encoder of c's family (with pooler, no head) of the given
// configuration with transformers' initialisation: weights N(0, 0.02),
// biases 0, LayerNorm 1 and 0. Deterministic for a seed; for benchmarks and
// size tests, where real weights are not needed.
func Random(c modelfile.Config, seed uint64) *modelfile.Model {
	c.Architectures = nil // the family's bare encoder
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	m := &modelfile.Model{Config: c, Tensors: map[string]*modelfile.Tensor{}}
	shapes, required := expectedShapes(&c)
	names := make([]string, 0, len(shapes))
	for name := range shapes {
		if required[name] || strings.HasPrefix(name, "pooler.") {
			names = append(names, name)
		}
	}
	sort.Strings(names) // the same numbers for the same seed
	for _, name := range names {
		t := &modelfile.Tensor{DType: modelfile.F32, Shape: shapes[name]}
		t.F32 = make([]float32, t.Elements())
		switch {
		case len(t.Shape) == 2:
			for i := range t.F32 {
				t.F32[i] = float32(rng.NormFloat64() * 0.02)
			}
		case strings.Contains(name, "LayerNorm.weight") || strings.HasSuffix(name, "layer_norm.weight"):
			for i := range t.F32 {
				t.F32[i] = 1
			}
		}
		m.Tensors[name] = t
	}
	return m
}
