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
	"strconv"

	"github.com/albertq/albertq/modelfile"
)

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
// is checked for consistency and bounded sizes (modelfile.Config.Validate).
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
	if err := c.Validate(); err != nil {
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
