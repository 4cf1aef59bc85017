// Package modelfile holds an ALBERT model in memory (configuration,
// tokenizer, tensors, quantization parameters) and its .albq container: the
// writer that convert uses and the mmap reader that the engine uses.
package modelfile

import (
	"fmt"
	"sort"
	"strconv"
)

// Config is the part of a Hugging Face ALBERT config.json that changes the
// computation, with the same JSON names.
type Config struct {
	Architectures         []string          `json:"architectures,omitempty"`
	VocabSize             int               `json:"vocab_size"`
	EmbeddingSize         int               `json:"embedding_size"`
	HiddenSize            int               `json:"hidden_size"`
	NumHiddenLayers       int               `json:"num_hidden_layers"`
	NumHiddenGroups       int               `json:"num_hidden_groups"`
	InnerGroupNum         int               `json:"inner_group_num"`
	NumAttentionHeads     int               `json:"num_attention_heads"`
	IntermediateSize      int               `json:"intermediate_size"`
	HiddenAct             string            `json:"hidden_act"`
	MaxPositionEmbeddings int               `json:"max_position_embeddings"`
	TypeVocabSize         int               `json:"type_vocab_size"`
	LayerNormEps          float64           `json:"layer_norm_eps"`
	NumLabels             int               `json:"num_labels,omitempty"`
	ID2Label              map[string]string `json:"id2label,omitempty"`
	// Tokenizer settings from tokenizer_config.json (AlbertTokenizer's defaults when absent).
	DoLowerCase bool `json:"do_lower_case"`
	KeepAccents bool `json:"keep_accents"`
}

// Labels returns the class names in id order (LABEL_i where id2label has none).
func (c *Config) Labels() []string {
	n := c.NumLabels
	for k := range c.ID2Label {
		if id, err := strconv.Atoi(k); err == nil && id+1 > n {
			n = id + 1
		}
	}
	labels := make([]string, n)
	for i := range labels {
		if name, ok := c.ID2Label[strconv.Itoa(i)]; ok {
			labels[i] = name
		} else {
			labels[i] = "LABEL_" + strconv.Itoa(i)
		}
	}
	return labels
}

// Architecture is the model class named by the config (AlbertModel when none).
func (c *Config) Architecture() string {
	if len(c.Architectures) == 0 {
		return "AlbertModel"
	}
	return c.Architectures[0]
}

// DType is the element type of a stored tensor.
type DType uint8

const (
	F32 DType = iota + 1
	F16
	I8
)

func (d DType) String() string {
	switch d {
	case F32:
		return "f32"
	case F16:
		return "f16"
	case I8:
		return "i8"
	}
	return fmt.Sprintf("dtype(%d)", uint8(d))
}

// Tensor is one named weight. Exactly one of F32, F16 and I8 holds its
// elements, row-major in Shape. An I8 tensor carries symmetric scales:
// element = I8 * Scales[row] (one per output channel, i.e. per row of a
// [out][in] Linear weight or per row of an embedding table), or a single
// scale for the whole tensor.
type Tensor struct {
	DType  DType
	Shape  []int
	F32    []float32
	F16    []uint16
	I8     []int8
	Scales []float32
}

// Elements is the product of the shape.
func (t *Tensor) Elements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Model is a whole ALBERT model: what a checkpoint directory or an .albq
// file holds. Tensor names are transformers' state_dict names without the
// "albert." prefix (e.g. "embeddings.word_embeddings.weight",
// "encoder.albert_layer_groups.0.albert_layers.0.ffn.weight",
// "classifier.weight", "predictions.decoder.bias").
type Model struct {
	Config    Config
	Tokenizer []byte // the spiece.model bytes; empty when the checkpoint had none
	Tensors   map[string]*Tensor
	// ActScales holds static int8 activation scales from calibration, keyed
	// by Linear name (the weight name without ".weight"), one per application
	// of that Linear in the forward pass (a shared layer's 12 uses differ).
	// Empty means dynamic per-row scales at run time.
	ActScales map[string][]float32

	close func() error
}

// Names lists the tensor names in sorted order.
func (m *Model) Names() []string {
	names := make([]string, 0, len(m.Tensors))
	for name := range m.Tensors {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Close releases the memory map behind the tensors, if any; the tensors must
// not be used afterwards.
func (m *Model) Close() error {
	if m.close == nil {
		return nil
	}
	err := m.close()
	m.close = nil
	return err
}
