// Package modelfile holds a model of the ALBERT or BERT family in memory
// (configuration, tokenizer, tensors, quantization parameters) and its .albq
// container: the writer that convert uses and the mmap reader that the
// engine uses.
package modelfile

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/albertq/albertq/tokenizer"
)

// The model families, as config.json's model_type names them.
const (
	ALBERT     = "albert"
	BERT       = "bert"
	DistilBERT = "distilbert"
	MobileBERT = "mobilebert"
)

// Config is the part of a Hugging Face config.json that changes the
// computation, with the same JSON names. Every family is described in
// BERT's and ALBERT's terms: DistilBERT's dim, n_layers, n_heads,
// hidden_dim and activation are stored as hidden_size, num_hidden_layers,
// num_attention_heads, intermediate_size and hidden_act, and a family
// without factorized embeddings has embedding_size = hidden_size.
type Config struct {
	// ModelType is the family: albert, bert, distilbert or mobilebert.
	ModelType             string            `json:"model_type"`
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
	// WordPiece holds the BERT family's tokenizer settings (the Tokenizer
	// bytes are then its vocab.txt); nil for ALBERT's SentencePiece.
	WordPiece *tokenizer.WordPieceOptions `json:"wordpiece,omitempty"`

	// SinusoidalPosEmbds is DistilBERT's fixed sinusoidal position table
	// (the table is stored as a tensor all the same).
	SinusoidalPosEmbds bool `json:"sinusoidal_pos_embds,omitempty"`

	// MobileBERT's shape (zero for the other families): the width inside
	// the bottlenecks, whether query and key share one bottleneck, the
	// number of FFNs per layer, NoNorm (x·w + b) in place of LayerNorm,
	// the trigram input of the embeddings, and whether the pooler applies
	// its dense layer and tanh.
	MobileBERT *MobileBERTConfig `json:"mobilebert,omitempty"`

	// Sentence embedding, from a sentence-transformers directory: how the
	// token vectors are pooled (cls, mean, max, mean-sqrt-len, lasttoken),
	// whether the result is scaled to unit length, and the most tokens a
	// text is encoded to (max_seq_length, when below
	// max_position_embeddings). Empty for other checkpoints.
	Pooling      string `json:"pooling,omitempty"`
	Normalize    bool   `json:"normalize,omitempty"`
	MaxSeqLength int    `json:"max_seq_length,omitempty"`

	// Precision, set by an accuracy-aware int8 conversion, states the
	// target it was held to; nil otherwise.
	Precision *Precision `json:"precision,omitempty"`
}

// Precision records how an int8 model was made to keep the fp32 model's
// outputs: its most sensitive matrices were kept in fp16 (the tensors' own
// types say which) until the last hidden state of every probe text had a
// cosine of at least MinCosine with fp32's; Cosine is the smallest reached.
type Precision struct {
	MinCosine float64 `json:"min_cosine"`
	Cosine    float64 `json:"cosine"`
	Probes    int     `json:"probes"`
}

// MobileBERTConfig is the part of a MobileBERT config.json that sets it
// apart from BERT, under the same names.
type MobileBERTConfig struct {
	TrueHiddenSize           int    `json:"true_hidden_size"`
	IntraBottleneckSize      int    `json:"intra_bottleneck_size"`
	UseBottleneck            bool   `json:"use_bottleneck"`
	UseBottleneckAttention   bool   `json:"use_bottleneck_attention"`
	KeyQuerySharedBottleneck bool   `json:"key_query_shared_bottleneck"`
	NumFeedforwardNetworks   int    `json:"num_feedforward_networks"`
	NormalizationType        string `json:"normalization_type"`
	TrigramInput             bool   `json:"trigram_input"`
	ClassifierActivation     bool   `json:"classifier_activation"`
	// LayerNormEps is config.json's layer_norm_eps, which only the masked
	// LM's LayerNorm uses (the encoder's norms are built without it).
	LayerNormEps float64 `json:"layer_norm_eps,omitempty"`
}

// MaxTokens is the most tokens a text is encoded to: max_position_embeddings,
// or the sentence-transformers max_seq_length when lower.
func (c *Config) MaxTokens() int {
	if c.MaxSeqLength > 0 && c.MaxSeqLength < c.MaxPositionEmbeddings {
		return c.MaxSeqLength
	}
	return c.MaxPositionEmbeddings
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

// Architecture is the model class named by the config (the family's bare
// encoder, e.g. AlbertModel or BertModel, when none).
func (c *Config) Architecture() string {
	if len(c.Architectures) == 0 {
		return bareModel[c.ModelType]
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

// Model is a whole model: what a checkpoint directory or an .albq file
// holds. Tensor names are transformers' state_dict names without the
// family's prefix ("albert.", "bert.", "distilbert.", "mobilebert."), e.g.
// "embeddings.word_embeddings.weight",
// "encoder.albert_layer_groups.0.albert_layers.0.ffn.weight",
// "encoder.layer.3.attention.self.query.weight", "classifier.weight".
type Model struct {
	Config    Config
	Tokenizer []byte // spiece.model (ALBERT) or vocab.txt (Config.WordPiece set); empty when the checkpoint had none
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
