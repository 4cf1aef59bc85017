package convert

import (
	"strings"
	"testing"

	"github.com/albertq/albertq/modelfile"
	"github.com/google/go-cmp/cmp"
)

func TestParseConfigDefaults(t *testing.T) {
	c, err := ParseConfig([]byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	want := modelfile.Config{
		ModelType: "albert", VocabSize: 30000, EmbeddingSize: 128, HiddenSize: 4096, NumHiddenLayers: 12,
		NumHiddenGroups: 1, InnerGroupNum: 1, NumAttentionHeads: 64, IntermediateSize: 16384,
		HiddenAct: "gelu_new", MaxPositionEmbeddings: 512, TypeVocabSize: 2, LayerNormEps: 1e-12,
		NumLabels: 2, DoLowerCase: true,
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	if c.Architecture() != "AlbertModel" {
		t.Errorf("architecture %q", c.Architecture())
	}
}

func TestParseConfigFixture(t *testing.T) {
	data := readTestFile(t, "../testdata/albert-tiny/config.json")
	c, err := ParseConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	if c.VocabSize != 2000 || c.EmbeddingSize != 32 || c.HiddenSize != 64 || c.NumHiddenLayers != 3 ||
		c.NumAttentionHeads != 4 || c.IntermediateSize != 128 || c.MaxPositionEmbeddings != 64 || c.NumLabels != 3 {
		t.Errorf("config %+v", c)
	}
	if got := c.Labels(); !cmp.Equal(got, []string{"LABEL_0", "LABEL_1", "LABEL_2"}) {
		t.Errorf("labels %v", got)
	}
	if c.Architecture() != "AlbertForSequenceClassification" {
		t.Errorf("architecture %q", c.Architecture())
	}
}

func TestParseConfigLabels(t *testing.T) {
	tests := []struct {
		json   string
		labels []string
	}{
		{`{"num_labels": 5}`, []string{"LABEL_0", "LABEL_1", "LABEL_2", "LABEL_3", "LABEL_4"}},
		// id2label decides; num_labels is ignored as transformers does (it only warns).
		{`{"num_labels": 5, "id2label": {"1": "pos", "0": "neg"}}`, []string{"neg", "pos"}},
		{`{"id2label": {"00": "a", "1": "b"}}`, []string{"a", "b"}},
		{`{"id2label": null, "num_labels": 1}`, []string{"LABEL_0"}},
	}
	for _, tt := range tests {
		c, err := ParseConfig([]byte(tt.json))
		if err != nil {
			t.Errorf("%s: %v", tt.json, err)
			continue
		}
		if got := c.Labels(); !cmp.Equal(got, tt.labels) || c.NumLabels != len(tt.labels) {
			t.Errorf("%s: labels %v (num_labels %d), want %v", tt.json, got, c.NumLabels, tt.labels)
		}
	}
}

func TestParseConfigFields(t *testing.T) {
	c, err := ParseConfig([]byte(`{"model_type": "albert", "architectures": ["AlbertForMaskedLM"],
		"hidden_act": "gelu", "layer_norm_eps": 1e-5, "num_hidden_layers": 24, "num_hidden_groups": 2,
		"inner_group_num": 2, "hidden_size": 768, "num_attention_heads": 12, "unknown_field": [1, 2]}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.HiddenAct != "gelu" || c.LayerNormEps != 1e-5 || c.NumHiddenLayers != 24 || c.NumHiddenGroups != 2 ||
		c.InnerGroupNum != 2 || c.HiddenSize != 768 || c.NumAttentionHeads != 12 || c.Architecture() != "AlbertForMaskedLM" {
		t.Errorf("config %+v", c)
	}
	for _, act := range []string{"gelu_new", "gelu", "gelu_fast", "relu"} {
		if _, err := ParseConfig([]byte(`{"hidden_act": "` + act + `"}`)); err != nil {
			t.Errorf("hidden_act %s: %v", act, err)
		}
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct{ json, want string }{
		{`{"model_type": "gpt2"}`, `model_type "gpt2" is not supported`},
		{`{"model_type": "bert", "position_embedding_type": "relative_key"}`, `position_embedding_type "relative_key" is not supported`},
		{`{"model_type": "bert", "is_decoder": true}`, `is_decoder true is not supported`},
		{`{"architectures": ["BertForMaskedLM"]}`, `architecture "BertForMaskedLM" is not a model_type albert class`},
		{`{"model_type": "bert", "architectures": ["AlbertModel"]}`, `architecture "AlbertModel" is not a model_type bert class`},
		{`{"model_type": "mobilebert", "normalization_type": "batch_norm"}`, `normalization_type "batch_norm" is not supported`},
		{`{"hidden_act": "swish"}`, `hidden_act "swish" is not supported`},
		{`{"hidden_size": 100, "num_attention_heads": 3}`, "not a multiple of num_attention_heads"},
		{`{"num_hidden_layers": 12, "num_hidden_groups": 5}`, "not a multiple of num_hidden_groups"},
		{`{"num_hidden_layers": 2, "num_hidden_groups": 4}`, "not a multiple of num_hidden_groups"},
		{`{"vocab_size": 0}`, "vocab_size 0 is out of range"},
		{`{"hidden_size": -64}`, "hidden_size -64 is out of range"},
		{`{"intermediate_size": 1000000000000}`, "intermediate_size 1000000000000 is out of range"},
		{`{"vocab_size": 99999999999999999999999}`, "malformed JSON"},
		{`{"embedding_size": 1.5}`, "malformed JSON"},
		{`{"layer_norm_eps": 0}`, "layer_norm_eps 0 is out of range"},
		{`{"num_labels": 0}`, "num_labels 0 is out of range"},
		{`{"id2label": {}}`, "id2label has 0 entries"},
		{`{"id2label": {"0": "a", "2": "b"}}`, `id2label key "2" is not a label id`},
		{`{"id2label": {"x": "a"}}`, `id2label key "x"`},
		{`{"id2label": {"0": "a", "00": "b"}}`, "same label id twice"},
		{`{"id2label": {"0": null}}`, "is null"},
		{`[1, 2]`, "not a JSON object"},
		{`null`, "not a JSON object"},
		{`{"vocab_size": 10`, "malformed JSON"},
	}
	for _, tt := range tests {
		_, err := ParseConfig([]byte(tt.json))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tt.json, err, tt.want)
		}
	}
}

func TestParseTokenizerConfig(t *testing.T) {
	c := modelfile.Config{DoLowerCase: true}
	if err := ParseTokenizerConfig([]byte(`{"do_lower_case": false, "keep_accents": true, "model_max_length": 512}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.DoLowerCase || !c.KeepAccents {
		t.Errorf("got do_lower_case %v keep_accents %v", c.DoLowerCase, c.KeepAccents)
	}
	c = modelfile.Config{DoLowerCase: true}
	if err := ParseTokenizerConfig([]byte(`{"remove_space": true}`), &c); err != nil || !c.DoLowerCase || c.KeepAccents {
		t.Errorf("absent fields changed the defaults: %+v, %v", c, err)
	}
	wantErr(t, ParseTokenizerConfig([]byte(`{"do_lower_case": "yes"}`), &c), "malformed JSON")
}
