package modelfile

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// maxDims bounds the rank of a tensor; ALBERT needs at most 2.
const maxDims = 8

// Validate checks that the tensor is self-consistent: a known dtype, a
// shape of positive dimensions whose product does not overflow, exactly
// the element slice of its dtype with that many elements, and scales only
// on I8 tensors (one, or one per row).
func (t *Tensor) Validate() error {
	if len(t.Shape) == 0 || len(t.Shape) > maxDims {
		return fmt.Errorf("rank %d not in [1, %d]", len(t.Shape), maxDims)
	}
	n, err := elementCount(t.Shape, math.MaxInt)
	if err != nil {
		return err
	}
	lens := map[DType]int{F32: len(t.F32), F16: len(t.F16), I8: len(t.I8)}
	want, ok := lens[t.DType]
	if !ok {
		return fmt.Errorf("unknown %v", t.DType)
	}
	if want != n {
		return fmt.Errorf("%v tensor of shape %v holds %d elements, want %d", t.DType, t.Shape, want, n)
	}
	for d, l := range lens {
		if d != t.DType && l != 0 {
			return fmt.Errorf("%v tensor also holds %d %v elements", t.DType, l, d)
		}
	}
	switch {
	case t.DType != I8 && len(t.Scales) != 0:
		return fmt.Errorf("%v tensor has %d scales, want none", t.DType, len(t.Scales))
	case t.DType == I8 && len(t.Scales) != 1 && len(t.Scales) != t.Shape[0]:
		return fmt.Errorf("i8 tensor of shape %v has %d scales, want 1 or %d", t.Shape, len(t.Scales), t.Shape[0])
	}
	return nil
}

// Validate checks every tensor (see Tensor.Validate) and the activation
// scales; errors name the tensor.
func (m *Model) Validate() error {
	for _, name := range m.Names() {
		t := m.Tensors[name]
		if t == nil {
			return fmt.Errorf("tensor %q is nil", name)
		}
		if name == "" {
			return fmt.Errorf("tensor with an empty name")
		}
		if err := t.Validate(); err != nil {
			return fmt.Errorf("tensor %q: %w", name, err)
		}
	}
	for name := range m.ActScales {
		if name == "" {
			return fmt.Errorf("activation scales with an empty name")
		}
	}
	return nil
}

// elementCount multiplies the dimensions, failing on a non-positive
// dimension or a product above limit (which also rules out overflow).
func elementCount(shape []int, limit int) (int, error) {
	n := 1
	for _, d := range shape {
		if d <= 0 {
			return 0, fmt.Errorf("shape %v has a dimension < 1", shape)
		}
		if n > limit/d {
			return 0, fmt.Errorf("shape %v has more than %d elements", shape, limit)
		}
		n *= d
	}
	return n, nil
}

// Bounds on config sizes: far above any released ALBERT, low enough that no
// size arithmetic (e.g. vocab × embedding × 4 bytes) can overflow an int64.
const (
	maxVocab     = 1 << 22
	maxWidth     = 1 << 17 // embedding, hidden and intermediate sizes
	maxLayers    = 1 << 10 // layers, groups, inner layers, heads
	maxPositions = 1 << 20
	maxTypes     = 1 << 16
	// MaxLabels bounds num_labels and the label ids of id2label.
	MaxLabels = 1 << 16
)

// architectures are the transformers classes whose weights the engine
// runs, by family; the first is the bare encoder.
var architectures = map[string][]string{
	ALBERT: {"AlbertModel", "AlbertForPreTraining", "AlbertForMaskedLM", "AlbertForSequenceClassification",
		"AlbertForTokenClassification", "AlbertForQuestionAnswering", "AlbertForMultipleChoice"},
	BERT: {"BertModel", "BertForPreTraining", "BertForMaskedLM", "BertForSequenceClassification",
		"BertForTokenClassification", "BertForQuestionAnswering", "BertForMultipleChoice"},
	DistilBERT: {"DistilBertModel", "DistilBertForMaskedLM", "DistilBertForSequenceClassification",
		"DistilBertForTokenClassification", "DistilBertForQuestionAnswering"},
	MobileBERT: {"MobileBertModel", "MobileBertForMaskedLM", "MobileBertForSequenceClassification",
		"MobileBertForTokenClassification", "MobileBertForQuestionAnswering"},
}

// bareModel is each family's plain encoder class.
var bareModel = map[string]string{
	ALBERT: "AlbertModel", BERT: "BertModel", DistilBERT: "DistilBertModel", MobileBERT: "MobileBertModel",
}

// ModelTypes are the model_type values the engine runs.
var ModelTypes = []string{ALBERT, BERT, DistilBERT, MobileBERT}

// HiddenActs are the hidden_act values the engine implements.
var HiddenActs = []string{"gelu_new", "gelu", "gelu_fast", "relu"}

// Poolings are the sentence-embedding poolings a config may name.
var Poolings = []string{"cls", "mean", "max", "mean-sqrt-len", "lasttoken"}

// Validate rejects configurations the engine cannot run or whose sizes would
// be absurd, naming the config.json key at fault. The converter checks every
// config.json it reads with it and the engine every model it is given, so a
// hostile or broken file fails with a message rather than later.
func (c *Config) Validate() error {
	classes, ok := architectures[c.ModelType]
	if !ok {
		return fmt.Errorf("model_type %q is not supported (want albert, bert, distilbert or mobilebert)", c.ModelType)
	}
	for _, a := range c.Architectures {
		if !slices.Contains(classes, a) {
			return fmt.Errorf("architecture %q is not a model_type %s class (want one of %s)", a, c.ModelType, strings.Join(classes, ", "))
		}
	}
	minTypes := 1
	if c.ModelType == DistilBERT {
		minTypes = 0 // no token type embeddings
	}
	sizes := []struct {
		name     string
		val, max int
	}{
		{"vocab_size", c.VocabSize, maxVocab},
		{"embedding_size", c.EmbeddingSize, maxWidth},
		{"hidden_size", c.HiddenSize, maxWidth},
		{"intermediate_size", c.IntermediateSize, maxWidth},
		{"num_hidden_layers", c.NumHiddenLayers, maxLayers},
		{"num_hidden_groups", c.NumHiddenGroups, maxLayers},
		{"inner_group_num", c.InnerGroupNum, maxLayers},
		{"num_attention_heads", c.NumAttentionHeads, maxLayers},
		{"max_position_embeddings", c.MaxPositionEmbeddings, maxPositions},
	}
	for _, s := range sizes {
		if s.val < 1 || s.val > s.max {
			return fmt.Errorf("%s %d is out of range [1, %d]", s.name, s.val, s.max)
		}
	}
	if c.TypeVocabSize < minTypes || c.TypeVocabSize > maxTypes {
		return fmt.Errorf("type_vocab_size %d is out of range [%d, %d]", c.TypeVocabSize, minTypes, maxTypes)
	}
	switch {
	case c.ModelType != MobileBERT && c.HiddenSize%c.NumAttentionHeads != 0:
		return fmt.Errorf("hidden_size %d is not a multiple of num_attention_heads %d", c.HiddenSize, c.NumAttentionHeads)
	case c.NumHiddenGroups > c.NumHiddenLayers || c.NumHiddenLayers%c.NumHiddenGroups != 0:
		return fmt.Errorf("num_hidden_layers %d is not a multiple of num_hidden_groups %d", c.NumHiddenLayers, c.NumHiddenGroups)
	case !slices.Contains(HiddenActs, c.HiddenAct):
		return fmt.Errorf("hidden_act %q is not supported (want gelu_new, gelu, gelu_fast or relu)", c.HiddenAct)
	case math.IsNaN(c.LayerNormEps) || c.LayerNormEps <= 0 || c.LayerNormEps > 1:
		return fmt.Errorf("layer_norm_eps %g is out of range (0, 1]", c.LayerNormEps)
	case c.NumLabels < 0 || c.NumLabels > MaxLabels:
		return fmt.Errorf("num_labels %d is out of range [0, %d]", c.NumLabels, MaxLabels)
	case c.ModelType != ALBERT && c.NumHiddenGroups*c.InnerGroupNum != 1:
		return fmt.Errorf("%s layers are not shared: num_hidden_groups and inner_group_num must be 1", c.ModelType)
	case (c.ModelType == BERT || c.ModelType == DistilBERT) && c.EmbeddingSize != c.HiddenSize:
		return fmt.Errorf("%s has no factorized embeddings: embedding_size %d must equal hidden_size %d", c.ModelType, c.EmbeddingSize, c.HiddenSize)
	case (c.MobileBERT != nil) != (c.ModelType == MobileBERT):
		return fmt.Errorf("the mobilebert settings belong to model_type mobilebert only")
	case c.Pooling != "" && !slices.Contains(Poolings, c.Pooling):
		return fmt.Errorf("pooling %q is not supported (want %s)", c.Pooling, strings.Join(Poolings, ", "))
	case c.MaxSeqLength < 0:
		return fmt.Errorf("max_seq_length %d is negative", c.MaxSeqLength)
	}
	if c.MobileBERT != nil {
		if err := c.MobileBERT.validate(c); err != nil {
			return err
		}
	}
	for key := range c.ID2Label {
		if id, err := strconv.Atoi(key); err != nil || id < 0 || id >= MaxLabels || strconv.Itoa(id) != key {
			return fmt.Errorf("id2label key %q is not a label id in [0, %d)", key, MaxLabels)
		}
	}
	return nil
}

// validate checks MobileBERT's own sizes against the rest of the config.
func (m *MobileBERTConfig) validate(c *Config) error {
	switch {
	case m.TrueHiddenSize < 1 || m.TrueHiddenSize > maxWidth:
		return fmt.Errorf("true_hidden_size %d is out of range [1, %d]", m.TrueHiddenSize, maxWidth)
	case m.TrueHiddenSize%c.NumAttentionHeads != 0:
		return fmt.Errorf("true_hidden_size %d is not a multiple of num_attention_heads %d", m.TrueHiddenSize, c.NumAttentionHeads)
	case m.UseBottleneck && m.IntraBottleneckSize != m.TrueHiddenSize:
		return fmt.Errorf("intra_bottleneck_size %d differs from true_hidden_size %d", m.IntraBottleneckSize, m.TrueHiddenSize)
	case !m.UseBottleneck && m.TrueHiddenSize != c.HiddenSize:
		return fmt.Errorf("without use_bottleneck, true_hidden_size %d must equal hidden_size %d", m.TrueHiddenSize, c.HiddenSize)
	case m.NumFeedforwardNetworks < 1 || m.NumFeedforwardNetworks > maxLayers:
		return fmt.Errorf("num_feedforward_networks %d is out of range [1, %d]", m.NumFeedforwardNetworks, maxLayers)
	case m.NormalizationType != "no_norm" && m.NormalizationType != "layer_norm":
		return fmt.Errorf("normalization_type %q is not supported (want no_norm or layer_norm)", m.NormalizationType)
	}
	return nil
}
