package convert

import (
	"fmt"
	"sort"

	"github.com/albertq/albertq/modelfile"
)

// checkShapes verifies that the tensors the engine uses exist (those the
// architecture needs) and have the shapes the config implies, so that a
// config that does not match its weights fails here, by name.
func checkShapes(c *modelfile.Config, tensors map[string]*modelfile.Tensor) error {
	want, required := expectedShapes(c)
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t, ok := tensors[name]
		if !ok {
			if required[name] {
				return fmt.Errorf("tensor %q is missing", name)
			}
			continue
		}
		if !sameShape(t.Shape, want[name]) {
			return fmt.Errorf("tensor %q has shape %v, want %v", name, t.Shape, want[name])
		}
	}
	return nil
}

// expectedShapes lists the shape of every tensor an ALBERT model of config c
// may have, and which of them its architecture requires.
func expectedShapes(c *modelfile.Config) (map[string][]int, map[string]bool) {
	v, e, h, i := c.VocabSize, c.EmbeddingSize, c.HiddenSize, c.IntermediateSize
	want := map[string][]int{}
	required := map[string]bool{}
	linear := func(name string, out, in int, req bool) {
		want[name+".weight"], want[name+".bias"] = []int{out, in}, []int{out}
		required[name+".weight"], required[name+".bias"] = req, req
	}
	norm := func(name string, n int, req bool) {
		want[name+".weight"], want[name+".bias"] = []int{n}, []int{n}
		required[name+".weight"], required[name+".bias"] = req, req
	}
	embedding := func(name string, rows int) {
		want[name+".weight"] = []int{rows, e}
		required[name+".weight"] = true
	}
	embedding("embeddings.word_embeddings", v)
	embedding("embeddings.position_embeddings", c.MaxPositionEmbeddings)
	embedding("embeddings.token_type_embeddings", c.TypeVocabSize)
	norm("embeddings.LayerNorm", e, true)
	linear("encoder.embedding_hidden_mapping_in", h, e, true)
	for g := 0; g < c.NumHiddenGroups; g++ {
		for l := 0; l < c.InnerGroupNum; l++ {
			p := fmt.Sprintf("encoder.albert_layer_groups.%d.albert_layers.%d.", g, l)
			for _, m := range []string{"query", "key", "value", "dense"} {
				linear(p+"attention."+m, h, h, true)
			}
			norm(p+"attention.LayerNorm", h, true)
			linear(p+"ffn", i, h, true)
			linear(p+"ffn_output", h, i, true)
			norm(p+"full_layer_layer_norm", h, true)
		}
	}
	arch := c.Architecture()
	linear("pooler", h, h, arch == "AlbertForSequenceClassification" || arch == "AlbertForMultipleChoice" || arch == "AlbertForPreTraining")
	mlm := arch == "AlbertForMaskedLM" || arch == "AlbertForPreTraining"
	linear("predictions.dense", e, h, mlm)
	norm("predictions.LayerNorm", e, mlm)
	want["predictions.bias"], required["predictions.bias"] = []int{v}, mlm
	linear("predictions.decoder", v, e, false)
	linear("sop_classifier.classifier", 2, h, arch == "AlbertForPreTraining")
	switch arch {
	case "AlbertForSequenceClassification", "AlbertForTokenClassification":
		linear("classifier", c.NumLabels, h, true)
	case "AlbertForMultipleChoice":
		linear("classifier", 1, h, true)
	case "AlbertForQuestionAnswering":
		linear("qa_outputs", c.NumLabels, h, true)
	}
	return want, required
}
