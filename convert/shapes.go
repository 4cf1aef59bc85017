package convert

import (
	"fmt"
	"sort"
	"strings"

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

// expectedShapes lists the shape of every tensor a model of config c may
// have, and which of them its architecture requires.
func expectedShapes(c *modelfile.Config) (map[string][]int, map[string]bool) {
	s := shapes{want: map[string][]int{}, required: map[string]bool{}}
	switch c.ModelType {
	case modelfile.ALBERT:
		s.albert(c)
	case modelfile.BERT:
		s.bert(c)
	case modelfile.DistilBERT:
		s.distilBERT(c)
	case modelfile.MobileBERT:
		s.mobileBERT(c)
	}
	return s.want, s.required
}

// shapes collects tensor shapes and whether each is required.
type shapes struct {
	want     map[string][]int
	required map[string]bool
}

func (s shapes) add(name string, req bool, shape ...int) {
	s.want[name], s.required[name] = shape, req
}

func (s shapes) linear(name string, out, in int, req bool) {
	s.add(name+".weight", req, out, in)
	s.add(name+".bias", req, out)
}

func (s shapes) norm(name string, n int, req bool) {
	s.add(name+".weight", req, n)
	s.add(name+".bias", req, n)
}

// embeddings are the word, position and (when the family has them) token
// type tables of width e, and their norm of width h.
func (s shapes) embeddings(c *modelfile.Config, e, h int) {
	s.add("embeddings.word_embeddings.weight", true, c.VocabSize, e)
	s.add("embeddings.position_embeddings.weight", true, c.MaxPositionEmbeddings, h)
	if c.TypeVocabSize > 0 {
		s.add("embeddings.token_type_embeddings.weight", true, c.TypeVocabSize, h)
	}
	s.norm("embeddings.LayerNorm", h, true)
}

// heads adds the pooler and task head of c's architecture, under the
// family's names; e is the masked LM's width.
func (s shapes) heads(c *modelfile.Config, n headNames, e int) {
	h, v, arch := c.HiddenSize, c.VocabSize, c.Architecture()
	task := strings.TrimPrefix(arch, archPrefix[c.ModelType])
	if n.pooler != "" {
		s.linear(n.pooler, h, h, task == "ForSequenceClassification" || task == "ForMultipleChoice" || task == "ForPreTraining")
	}
	switch task {
	case "ForSequenceClassification":
		if n.preClassifier != "" {
			s.linear(n.preClassifier, h, h, true)
		}
		s.linear("classifier", c.NumLabels, h, true)
	case "ForTokenClassification":
		s.linear("classifier", c.NumLabels, h, true)
	case "ForMultipleChoice":
		s.linear("classifier", 1, h, true)
	case "ForQuestionAnswering":
		s.linear("qa_outputs", c.NumLabels, h, true)
	}
	if n.sentenceOrder != "" {
		s.linear(n.sentenceOrder, 2, h, task == "ForPreTraining")
	}
	if n.mlmDense == "" {
		return
	}
	mlm := task == "ForMaskedLM" || task == "ForPreTraining"
	s.linear(n.mlmDense, e, h, mlm)
	s.norm(n.mlmNorm, e, mlm)
	s.add(n.mlmDecoder+".weight", false, v, e) // absent when tied to the word embeddings
	s.add(n.mlmDecoder+".bias", false, v)
	s.add(n.mlmBias, mlm, v) // may be the decoder's bias itself (DistilBERT)
}

// headNames are a family's names for its pooler and heads.
type headNames struct {
	pooler, preClassifier                  string
	mlmDense, mlmNorm, mlmDecoder, mlmBias string
	sentenceOrder                          string // ALBERT's sentence-order prediction head
}

// archPrefix is the start of each family's class names.
var archPrefix = map[string]string{
	modelfile.ALBERT: "Albert", modelfile.BERT: "Bert", modelfile.DistilBERT: "DistilBert", modelfile.MobileBERT: "MobileBert",
}

func (s shapes) albert(c *modelfile.Config) {
	e, h, i := c.EmbeddingSize, c.HiddenSize, c.IntermediateSize
	s.embeddings(c, e, e)
	s.linear("encoder.embedding_hidden_mapping_in", h, e, true)
	for g := 0; g < c.NumHiddenGroups; g++ {
		for l := 0; l < c.InnerGroupNum; l++ {
			p := fmt.Sprintf("encoder.albert_layer_groups.%d.albert_layers.%d.", g, l)
			for _, m := range []string{"query", "key", "value", "dense"} {
				s.linear(p+"attention."+m, h, h, true)
			}
			s.norm(p+"attention.LayerNorm", h, true)
			s.linear(p+"ffn", i, h, true)
			s.linear(p+"ffn_output", h, i, true)
			s.norm(p+"full_layer_layer_norm", h, true)
		}
	}
	s.heads(c, headNames{pooler: "pooler", mlmDense: "predictions.dense", mlmNorm: "predictions.LayerNorm",
		mlmDecoder: "predictions.decoder", mlmBias: "predictions.bias", sentenceOrder: "sop_classifier.classifier"}, e)
}

func (s shapes) bert(c *modelfile.Config) {
	s.embeddings(c, c.HiddenSize, c.HiddenSize)
	s.postLNLayers(c, "encoder.layer.%d.", [...]string{"attention.self.query", "attention.self.key", "attention.self.value",
		"attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"})
	s.heads(c, headNames{pooler: "pooler.dense", mlmDense: "cls.predictions.transform.dense",
		mlmNorm: "cls.predictions.transform.LayerNorm", mlmDecoder: "cls.predictions.decoder", mlmBias: "cls.predictions.bias"}, c.HiddenSize)
}

func (s shapes) distilBERT(c *modelfile.Config) {
	s.embeddings(c, c.HiddenSize, c.HiddenSize)
	s.postLNLayers(c, "transformer.layer.%d.", [...]string{"attention.q_lin", "attention.k_lin", "attention.v_lin",
		"attention.out_lin", "sa_layer_norm", "ffn.lin1", "ffn.lin2", "output_layer_norm"})
	s.heads(c, headNames{preClassifier: "pre_classifier", mlmDense: "vocab_transform", mlmNorm: "vocab_layer_norm",
		mlmDecoder: "vocab_projector", mlmBias: "vocab_projector.bias"}, c.HiddenSize)
}

// postLNLayers adds BERT's or DistilBERT's unshared layers, layer l's
// weights under fmt.Sprintf(prefix, l); n names its query, key, value,
// attention output, attention norm, FFN in, FFN out and output norm.
func (s shapes) postLNLayers(c *modelfile.Config, prefix string, n [8]string) {
	h, i := c.HiddenSize, c.IntermediateSize
	for l := range c.NumHiddenLayers {
		p := fmt.Sprintf(prefix, l)
		for _, m := range []string{n[0], n[1], n[2], n[3]} {
			s.linear(p+m, h, h, true)
		}
		s.norm(p+n[4], h, true)
		s.linear(p+n[5], i, h, true)
		s.linear(p+n[6], h, i, true)
		s.norm(p+n[7], h, true)
	}
}

func (s shapes) mobileBERT(c *modelfile.Config) {
	m := c.MobileBERT
	e, h, t, i := c.EmbeddingSize, c.HiddenSize, m.TrueHiddenSize, c.IntermediateSize
	s.embeddings(c, e, h)
	in := e
	if m.TrigramInput {
		in = 3 * e
	}
	s.linear("embeddings.embedding_transformation", h, in, m.TrigramInput || e != h)
	value := h
	if m.UseBottleneckAttention {
		value = t
	}
	for l := range c.NumHiddenLayers {
		p := fmt.Sprintf("encoder.layer.%d.", l)
		s.linear(p+"attention.self.query", t, t, true)
		s.linear(p+"attention.self.key", t, t, true)
		s.linear(p+"attention.self.value", t, value, true)
		s.linear(p+"attention.output.dense", t, t, true)
		s.norm(p+"attention.output.LayerNorm", t, true)
		s.linear(p+"intermediate.dense", i, t, true)
		s.linear(p+"output.dense", t, i, true)
		s.norm(p+"output.LayerNorm", t, true)
		if m.UseBottleneck {
			s.linear(p+"output.bottleneck.dense", h, t, true)
			s.norm(p+"output.bottleneck.LayerNorm", h, true)
			s.linear(p+"bottleneck.input.dense", t, h, true)
			s.norm(p+"bottleneck.input.LayerNorm", t, true)
			if m.KeyQuerySharedBottleneck && !m.UseBottleneckAttention {
				s.linear(p+"bottleneck.attention.dense", t, h, true)
				s.norm(p+"bottleneck.attention.LayerNorm", t, true)
			}
		}
		for f := range m.NumFeedforwardNetworks - 1 {
			q := fmt.Sprintf("%sffn.%d.", p, f)
			s.linear(q+"intermediate.dense", i, t, true)
			s.linear(q+"output.dense", t, i, true)
			s.norm(q+"output.LayerNorm", t, true)
		}
	}
	pooler := ""
	if m.ClassifierActivation {
		pooler = "pooler.dense"
	}
	// The masked LM is H wide: its decoder is the word embeddings joined
	// with cls.predictions.dense (see joinMobileBERTDecoder).
	s.heads(c, headNames{pooler: pooler, mlmDense: "cls.predictions.transform.dense",
		mlmNorm: "cls.predictions.transform.LayerNorm", mlmDecoder: "cls.predictions.decoder", mlmBias: "cls.predictions.bias"}, h)
}
