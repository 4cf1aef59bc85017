package modelfile

import (
	"strings"
	"testing"
)

// A config that came from a file is checked before anything is sized by
// it: every bad value is refused with the config.json key it concerns.
func TestConfigValidate(t *testing.T) {
	good := testModel().Config
	if err := good.Validate(); err != nil {
		t.Fatalf("the test model's config: %v", err)
	}
	for _, tt := range []struct {
		edit func(c *Config)
		want string
	}{
		{func(c *Config) { c.Architectures = []string{"BertForMaskedLM"} }, `architecture "BertForMaskedLM" is not a model_type albert class`},
		{func(c *Config) { c.ModelType = "gpt2" }, `model_type "gpt2" is not supported`},
		{func(c *Config) { c.ModelType, c.Architectures = BERT, nil; c.EmbeddingSize = 3 }, "embedding_size 3 must equal hidden_size 6"},
		{func(c *Config) {
			c.ModelType, c.Architectures, c.EmbeddingSize = BERT, nil, 6
			c.NumHiddenGroups = 2
			c.NumHiddenLayers = 2
		}, "bert layers are not shared"},
		{func(c *Config) { c.Pooling = "sum" }, `pooling "sum" is not supported`},
		{func(c *Config) { c.MobileBERT = &MobileBERTConfig{} }, "belong to model_type mobilebert only"},
		{func(c *Config) { c.VocabSize = 0 }, "vocab_size 0 is out of range"},
		{func(c *Config) { c.IntermediateSize = 1 << 40 }, "intermediate_size 1099511627776 is out of range"},
		{func(c *Config) { c.NumAttentionHeads = 4 }, "hidden_size 6 is not a multiple of num_attention_heads 4"},
		{func(c *Config) { c.NumHiddenGroups = 5 }, "num_hidden_layers 12 is not a multiple of num_hidden_groups 5"},
		{func(c *Config) { c.HiddenAct = "swish" }, `hidden_act "swish" is not supported`},
		{func(c *Config) { c.LayerNormEps = 0 }, "layer_norm_eps 0 is out of range"},
		{func(c *Config) { c.NumLabels = 1 << 40 }, "num_labels 1099511627776 is out of range"},
		{func(c *Config) { c.ID2Label = map[string]string{"1000000000": "x"} }, `id2label key "1000000000" is not a label id`},
		{func(c *Config) { c.ID2Label = map[string]string{"01": "x"} }, `id2label key "01" is not a label id`},
	} {
		c := good
		tt.edit(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error %v, want one mentioning %q", err, tt.want)
		}
	}
}
