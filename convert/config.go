// Package convert reads Hugging Face checkpoints of the ALBERT and BERT
// families (config.json, tokenizer_config.json, model.safetensors or
// pytorch_model.bin, spiece.model or vocab.txt, and a sentence-transformers
// directory's pooling) into a modelfile.Model. Every reader treats its input as hostile: sizes are
// bounded before anything is allocated, and the pickle reader understands only
// what a state_dict needs and never executes anything.
package convert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/albertq/albertq/modelfile"
)

// rawConfig is config.json as written, the keys of every family;
// pointers tell absent fields from zeros.
type rawConfig struct {
	ModelType             *string            `json:"model_type"`
	Architectures         []string           `json:"architectures"`
	VocabSize             *int               `json:"vocab_size"`
	EmbeddingSize         *int               `json:"embedding_size"`
	HiddenSize            *int               `json:"hidden_size"`
	NumHiddenLayers       *int               `json:"num_hidden_layers"`
	NumHiddenGroups       *int               `json:"num_hidden_groups"`
	InnerGroupNum         *int               `json:"inner_group_num"`
	NumAttentionHeads     *int               `json:"num_attention_heads"`
	IntermediateSize      *int               `json:"intermediate_size"`
	HiddenAct             *string            `json:"hidden_act"`
	MaxPositionEmbeddings *int               `json:"max_position_embeddings"`
	TypeVocabSize         *int               `json:"type_vocab_size"`
	LayerNormEps          *float64           `json:"layer_norm_eps"`
	NumLabels             *int               `json:"num_labels"`
	ID2Label              map[string]*string `json:"id2label"`
	PositionEmbeddingType *string            `json:"position_embedding_type"`
	IsDecoder             *bool              `json:"is_decoder"`

	// DistilBERT's names for the sizes, and its position table.
	Dim                *int    `json:"dim"`
	NLayers            *int    `json:"n_layers"`
	NHeads             *int    `json:"n_heads"`
	HiddenDim          *int    `json:"hidden_dim"`
	Activation         *string `json:"activation"`
	SinusoidalPosEmbds *bool   `json:"sinusoidal_pos_embds"`

	// MobileBERT's.
	TrueHiddenSize           *int    `json:"true_hidden_size"`
	IntraBottleneckSize      *int    `json:"intra_bottleneck_size"`
	UseBottleneck            *bool   `json:"use_bottleneck"`
	UseBottleneckAttention   *bool   `json:"use_bottleneck_attention"`
	KeyQuerySharedBottleneck *bool   `json:"key_query_shared_bottleneck"`
	NumFeedforwardNetworks   *int    `json:"num_feedforward_networks"`
	NormalizationType        *string `json:"normalization_type"`
	TrigramInput             *bool   `json:"trigram_input"`
	ClassifierActivation     *bool   `json:"classifier_activation"`
}

// ParseConfig parses a config.json of a supported model_type (albert when
// absent): albert, bert, distilbert or mobilebert. Absent fields take the
// defaults of transformers' config class of that family (v4.29); the
// tokenizer settings take AlbertTokenizer's defaults (lower-casing on,
// accents stripped). An unknown model_type or an option the engine does
// not implement (a position_embedding_type other than absolute, a decoder)
// is an error naming the key and its value. The result is checked for
// consistency and bounded sizes (modelfile.Config.Validate).
func ParseConfig(data []byte) (modelfile.Config, error) {
	var raw rawConfig
	if !isJSONObject(data) {
		return modelfile.Config{}, fmt.Errorf("not a JSON object")
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return modelfile.Config{}, fmt.Errorf("malformed JSON: %w", err)
	}
	c, err := familyConfig(raw)
	if err != nil {
		return modelfile.Config{}, err
	}
	switch {
	case c.ModelType == modelfile.MobileBERT:
		c.LayerNormEps = 1e-5 // its norms are built without layer_norm_eps: PyTorch's default
	case raw.LayerNormEps != nil && c.ModelType != modelfile.DistilBERT: // DistilBERT hard-codes 1e-12
		c.LayerNormEps = *raw.LayerNormEps
	}
	if err := setLabels(&c, raw); err != nil {
		return modelfile.Config{}, err
	}
	if err := c.Validate(); err != nil {
		return modelfile.Config{}, err
	}
	return c, nil
}

// familyConfig reads the sizes of raw's family with that family's defaults.
func familyConfig(raw rawConfig) (modelfile.Config, error) {
	modelType := orString(raw.ModelType, modelfile.ALBERT)
	if p := orString(raw.PositionEmbeddingType, "absolute"); p != "absolute" {
		return modelfile.Config{}, fmt.Errorf("position_embedding_type %q is not supported (only absolute)", p)
	}
	if raw.IsDecoder != nil && *raw.IsDecoder {
		return modelfile.Config{}, fmt.Errorf("is_decoder true is not supported (encoders only)")
	}
	c := modelfile.Config{
		ModelType:     modelType,
		Architectures: raw.Architectures,
		LayerNormEps:  1e-12,
		DoLowerCase:   true,
		KeepAccents:   false,
	}
	// BERT's defaults; the other families change what differs.
	vocab, e, h, layers, heads, inner, act, positions, types := 30522, 0, 768, 12, 12, 3072, "gelu", 512, 2
	switch modelType {
	case modelfile.ALBERT:
		vocab, e, h, heads, inner, act = 30000, 128, 4096, 64, 16384, "gelu_new"
	case modelfile.BERT:
	case modelfile.DistilBERT:
		h, layers, inner = orInt(raw.Dim, h), orInt(raw.NLayers, 6), orInt(raw.HiddenDim, inner)
		heads, act, types = orInt(raw.NHeads, heads), orString(raw.Activation, act), 0
		c.SinusoidalPosEmbds = orBool(raw.SinusoidalPosEmbds, false)
	case modelfile.MobileBERT:
		e, h, layers, heads, inner, act = 128, 512, 24, 4, 512, "relu"
		c.MobileBERT = mobileBERTConfig(raw)
	default:
		return modelfile.Config{}, fmt.Errorf("model_type %q is not supported (want albert, bert, distilbert or mobilebert)", modelType)
	}
	c.VocabSize = orInt(raw.VocabSize, vocab)
	c.HiddenSize = orInt(raw.HiddenSize, h)
	c.EmbeddingSize = orInt(raw.EmbeddingSize, e)
	if e == 0 { // BERT and DistilBERT: no factorized embeddings
		c.EmbeddingSize = c.HiddenSize
	}
	c.NumHiddenLayers = orInt(raw.NumHiddenLayers, layers)
	c.NumHiddenGroups = orInt(raw.NumHiddenGroups, 1)
	c.InnerGroupNum = orInt(raw.InnerGroupNum, 1)
	c.NumAttentionHeads = orInt(raw.NumAttentionHeads, heads)
	c.IntermediateSize = orInt(raw.IntermediateSize, inner)
	c.HiddenAct = orString(raw.HiddenAct, act)
	c.MaxPositionEmbeddings = orInt(raw.MaxPositionEmbeddings, positions)
	c.TypeVocabSize = orInt(raw.TypeVocabSize, types)
	if modelType == modelfile.DistilBERT {
		c.TypeVocabSize = 0
	}
	return c, nil
}

// mobileBERTConfig reads MobileBertConfig's own fields with its defaults;
// true_hidden_size is derived as transformers derives it.
func mobileBERTConfig(raw rawConfig) *modelfile.MobileBERTConfig {
	m := &modelfile.MobileBERTConfig{
		IntraBottleneckSize:      orInt(raw.IntraBottleneckSize, 128),
		UseBottleneck:            orBool(raw.UseBottleneck, true),
		UseBottleneckAttention:   orBool(raw.UseBottleneckAttention, false),
		KeyQuerySharedBottleneck: orBool(raw.KeyQuerySharedBottleneck, true),
		NumFeedforwardNetworks:   orInt(raw.NumFeedforwardNetworks, 4),
		NormalizationType:        orString(raw.NormalizationType, "no_norm"),
		TrigramInput:             orBool(raw.TrigramInput, true),
		ClassifierActivation:     orBool(raw.ClassifierActivation, true),
		LayerNormEps:             1e-12,
	}
	if raw.LayerNormEps != nil {
		m.LayerNormEps = *raw.LayerNormEps
	}
	m.TrueHiddenSize = orInt(raw.HiddenSize, 512)
	if m.UseBottleneck {
		m.TrueHiddenSize = m.IntraBottleneckSize
	}
	return m
}

func orString(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

func orBool(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

func orInt(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// setLabels follows PretrainedConfig: when id2label is given it decides the
// label count (num_labels is then ignored, as transformers only warns);
// otherwise num_labels counts, defaulting to 2.
func setLabels(c *modelfile.Config, raw rawConfig) error {
	if raw.ID2Label == nil {
		c.NumLabels = orInt(raw.NumLabels, 2)
		if c.NumLabels < 1 || c.NumLabels > modelfile.MaxLabels {
			return fmt.Errorf("num_labels %d is out of range [1, %d]", c.NumLabels, modelfile.MaxLabels)
		}
		return nil
	}
	n := len(raw.ID2Label)
	if n < 1 || n > modelfile.MaxLabels {
		return fmt.Errorf("id2label has %d entries, want 1 to %d", n, modelfile.MaxLabels)
	}
	c.NumLabels = n
	c.ID2Label = make(map[string]string, n)
	for key, name := range raw.ID2Label {
		id, err := strconv.Atoi(key)
		if err != nil || id < 0 || id >= n {
			return fmt.Errorf("id2label key %q is not a label id in [0, %d)", key, n)
		}
		if name == nil {
			return fmt.Errorf("id2label[%q] is null", key)
		}
		// Store the canonical spelling so that Config.Labels finds it ("01" -> "1").
		c.ID2Label[strconv.Itoa(id)] = *name
	}
	if len(c.ID2Label) != n {
		return fmt.Errorf("id2label names the same label id twice")
	}
	return nil
}

// rawTokenizerConfig is the part of tokenizer_config.json that changes how
// AlbertTokenizer preprocesses text.
type rawTokenizerConfig struct {
	DoLowerCase *bool `json:"do_lower_case"`
	KeepAccents *bool `json:"keep_accents"`
}

// ParseTokenizerConfig applies tokenizer_config.json's do_lower_case and
// keep_accents to c; absent fields keep c's values.
func ParseTokenizerConfig(data []byte, c *modelfile.Config) error {
	var raw rawTokenizerConfig
	if !isJSONObject(data) {
		return fmt.Errorf("not a JSON object")
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("malformed JSON: %w", err)
	}
	if raw.DoLowerCase != nil {
		c.DoLowerCase = *raw.DoLowerCase
	}
	if raw.KeepAccents != nil {
		c.KeepAccents = *raw.KeepAccents
	}
	return nil
}

// isJSONObject reports whether data, after leading space, starts an object;
// json.Unmarshal into a struct silently accepts "null".
func isJSONObject(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}
