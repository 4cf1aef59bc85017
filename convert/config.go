// Package convert reads Hugging Face ALBERT checkpoints (config.json,
// tokenizer_config.json, model.safetensors or pytorch_model.bin, spiece.model)
// into a modelfile.Model. Every reader treats its input as hostile: sizes are
// bounded before anything is allocated, and the pickle reader understands only
// what a state_dict needs and never executes anything.
package convert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/albertq/albertq/modelfile"
)

// Bounds on config sizes: far above any released ALBERT, low enough that no
// size arithmetic (e.g. vocab × embedding × 4 bytes) can overflow an int64.
const (
	maxVocab     = 1 << 22
	maxWidth     = 1 << 17 // embedding, hidden and intermediate sizes
	maxLayers    = 1 << 10 // layers, groups, inner layers, heads
	maxPositions = 1 << 20
	maxTypes     = 1 << 16
	maxLabels    = 1 << 16
)

// albertArchitectures are the transformers classes whose weights we can run.
var albertArchitectures = map[string]bool{
	"AlbertModel":                     true,
	"AlbertForPreTraining":            true,
	"AlbertForMaskedLM":               true,
	"AlbertForSequenceClassification": true,
	"AlbertForTokenClassification":    true,
	"AlbertForQuestionAnswering":      true,
	"AlbertForMultipleChoice":         true,
}

// activations are the hidden_act values the engine implements.
var activations = map[string]bool{"gelu_new": true, "gelu": true, "gelu_fast": true, "relu": true}

// rawConfig is config.json as written; pointers tell absent fields from zeros.
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
}

// ParseConfig parses an ALBERT config.json. Absent fields take the defaults of
// transformers' AlbertConfig (v4.29); the tokenizer settings take
// AlbertTokenizer's defaults (lower-casing on, accents stripped). The result
// is checked for consistency and bounded sizes.
func ParseConfig(data []byte) (modelfile.Config, error) {
	var raw rawConfig
	if !isJSONObject(data) {
		return modelfile.Config{}, fmt.Errorf("not a JSON object")
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return modelfile.Config{}, fmt.Errorf("malformed JSON: %w", err)
	}
	if raw.ModelType != nil && *raw.ModelType != "albert" {
		return modelfile.Config{}, fmt.Errorf("model_type is %q, not \"albert\"", *raw.ModelType)
	}
	for _, a := range raw.Architectures {
		if !albertArchitectures[a] {
			return modelfile.Config{}, fmt.Errorf("architecture %q is not an ALBERT class (want AlbertModel, AlbertForMaskedLM, AlbertForSequenceClassification, ...)", a)
		}
	}
	c := modelfile.Config{
		Architectures:         raw.Architectures,
		VocabSize:             orInt(raw.VocabSize, 30000),
		EmbeddingSize:         orInt(raw.EmbeddingSize, 128),
		HiddenSize:            orInt(raw.HiddenSize, 4096),
		NumHiddenLayers:       orInt(raw.NumHiddenLayers, 12),
		NumHiddenGroups:       orInt(raw.NumHiddenGroups, 1),
		InnerGroupNum:         orInt(raw.InnerGroupNum, 1),
		NumAttentionHeads:     orInt(raw.NumAttentionHeads, 64),
		IntermediateSize:      orInt(raw.IntermediateSize, 16384),
		HiddenAct:             "gelu_new",
		MaxPositionEmbeddings: orInt(raw.MaxPositionEmbeddings, 512),
		TypeVocabSize:         orInt(raw.TypeVocabSize, 2),
		LayerNormEps:          1e-12,
		DoLowerCase:           true,
		KeepAccents:           false,
	}
	if raw.HiddenAct != nil {
		c.HiddenAct = *raw.HiddenAct
	}
	if raw.LayerNormEps != nil {
		c.LayerNormEps = *raw.LayerNormEps
	}
	if err := setLabels(&c, raw); err != nil {
		return modelfile.Config{}, err
	}
	if err := checkConfig(&c); err != nil {
		return modelfile.Config{}, err
	}
	return c, nil
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
		if c.NumLabels < 1 || c.NumLabels > maxLabels {
			return fmt.Errorf("num_labels %d is out of range [1, %d]", c.NumLabels, maxLabels)
		}
		return nil
	}
	n := len(raw.ID2Label)
	if n < 1 || n > maxLabels {
		return fmt.Errorf("id2label has %d entries, want 1 to %d", n, maxLabels)
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

// checkConfig rejects configurations the engine cannot run or whose sizes
// would be absurd.
func checkConfig(c *modelfile.Config) error {
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
		{"type_vocab_size", c.TypeVocabSize, maxTypes},
	}
	for _, s := range sizes {
		if s.val < 1 || s.val > s.max {
			return fmt.Errorf("%s %d is out of range [1, %d]", s.name, s.val, s.max)
		}
	}
	if c.HiddenSize%c.NumAttentionHeads != 0 {
		return fmt.Errorf("hidden_size %d is not a multiple of num_attention_heads %d", c.HiddenSize, c.NumAttentionHeads)
	}
	if c.NumHiddenGroups > c.NumHiddenLayers || c.NumHiddenLayers%c.NumHiddenGroups != 0 {
		return fmt.Errorf("num_hidden_layers %d is not a multiple of num_hidden_groups %d", c.NumHiddenLayers, c.NumHiddenGroups)
	}
	if !activations[c.HiddenAct] {
		return fmt.Errorf("hidden_act %q is not supported (want gelu_new, gelu, gelu_fast or relu)", c.HiddenAct)
	}
	if math.IsNaN(c.LayerNormEps) || c.LayerNormEps <= 0 || c.LayerNormEps > 1 {
		return fmt.Errorf("layer_norm_eps %g is out of range (0, 1]", c.LayerNormEps)
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
