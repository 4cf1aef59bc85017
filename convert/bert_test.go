package convert

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/albertq/albertq/modelfile"
)

// Each family's config.json is read in BERT's terms, with the family's own
// defaults and hard-coded values.
func TestParseConfigFamilies(t *testing.T) {
	d, err := ParseConfig(readTestFile(t, "../testdata/distilbert-tiny/config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if d.ModelType != "distilbert" || d.HiddenSize != 64 || d.EmbeddingSize != 64 || d.NumHiddenLayers != 3 || d.NumAttentionHeads != 4 ||
		d.IntermediateSize != 128 || d.HiddenAct != "gelu" || d.TypeVocabSize != 0 || d.LayerNormEps != 1e-12 || d.NumLabels != 2 {
		t.Errorf("distilbert: %+v", d)
	}
	m, err := ParseConfig(readTestFile(t, "../testdata/mobilebert-tiny/config.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := modelfile.MobileBERTConfig{TrueHiddenSize: 32, IntraBottleneckSize: 32, UseBottleneck: true, KeyQuerySharedBottleneck: true,
		NumFeedforwardNetworks: 3, NormalizationType: "no_norm", TrigramInput: true, ClassifierActivation: true, LayerNormEps: 1e-12}
	if m.MobileBERT == nil || *m.MobileBERT != want || m.EmbeddingSize != 32 || m.LayerNormEps != 1e-5 {
		t.Errorf("mobilebert: %+v %+v", m, m.MobileBERT)
	}
	b, err := ParseConfig([]byte(`{"model_type": "bert"}`))
	if err != nil {
		t.Fatal(err)
	}
	if b.VocabSize != 30522 || b.HiddenSize != 768 || b.EmbeddingSize != 768 || b.NumAttentionHeads != 12 || b.HiddenAct != "gelu" || b.Architecture() != "BertModel" {
		t.Errorf("bert defaults: %+v", b)
	}
}

// A sentence-transformers directory gives its pooling, normalization and
// max_seq_length; modules albertq does not run, and pooling configs it
// cannot follow, are errors naming the file.
func TestSentenceTransformers(t *testing.T) {
	m, err := ReadCheckpoint("../testdata/minilm-tiny-st")
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Config; c.Pooling != "mean" || !c.Normalize || c.MaxSeqLength != 64 || c.MaxTokens() != 64 || c.WordPiece == nil || len(m.Tokenizer) == 0 {
		t.Errorf("config %+v", c)
	}
	files := map[string][]byte{}
	for _, name := range []string{"config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json", "sentence_bert_config.json"} {
		files[name] = readTestFile(t, filepath.Join("../testdata/minilm-tiny-st", name))
	}
	modules := func(extra string) []byte {
		return []byte(`[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
			{"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}` + extra + `]`)
	}
	for _, tt := range []struct {
		modules, pooling, want string
	}{
		{string(modules("")), `{"pooling_mode_max_tokens": true}`, ""},
		{string(modules(`, {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}`)), `{"pooling_mode_cls_token": true}`, "module 2 (sentence_transformers.models.Dense) is not supported"},
		{string(modules("")), `{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": true}`, "2 pooling modes are on"},
		{string(modules("")), `{"pooling_mode_weightedmean_tokens": true}`, "pooling_mode_weightedmean_tokens is not supported"},
		{`[{"path": "../x", "type": "sentence_transformers.models.Transformer"}]`, `{}`, `path "../x" is not inside the directory`},
	} {
		dir := writeCheckpoint(t, files)
		os.WriteFile(filepath.Join(dir, "modules.json"), []byte(tt.modules), 0o644)
		os.MkdirAll(filepath.Join(dir, "1_Pooling"), 0o755)
		os.WriteFile(filepath.Join(dir, "1_Pooling", "config.json"), []byte(tt.pooling), 0o644)
		m, err := ReadCheckpoint(dir)
		if tt.want == "" {
			if err != nil || m.Config.Pooling != "max" || m.Config.Normalize {
				t.Errorf("%s: %v, config %+v", tt.pooling, err, m.Config)
			}
			continue
		}
		wantErr(t, err, tt.want)
	}
}

// A DistilBERT with sinusoidal_pos_embds whose weights lack the position
// table gets create_sinusoidal_embeddings' table.
func TestSinusoidalPositions(t *testing.T) {
	tensors, err := ReadSafetensors("../testdata/distilbert-tiny/model.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	var specs []stTensorSpec
	for name, tensor := range tensors {
		if name != "distilbert.embeddings.position_embeddings.weight" {
			specs = append(specs, stTensorSpec{name, "F32", tensor.Shape, f32Bytes(tensor.F32...)})
		}
	}
	cfg := `{"model_type": "distilbert", "architectures": ["DistilBertForSequenceClassification"], "vocab_size": 2006, "dim": 64,
		"n_layers": 3, "n_heads": 4, "hidden_dim": 128, "max_position_embeddings": 64, "sinusoidal_pos_embds": true, "num_labels": 2}`
	dir := writeCheckpoint(t, map[string][]byte{"config.json": []byte(cfg), "model.safetensors": makeSafetensors(specs...)})
	m, err := ReadCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	table := m.Tensors["embeddings.position_embeddings.weight"]
	for _, at := range [][2]int{{0, 0}, {0, 1}, {3, 5}, {63, 62}, {17, 0}} {
		pos, j := at[0], at[1]
		angle := float64(pos) / math.Pow(10000, float64(j-j%2)/64)
		want := math.Sin(angle)
		if j%2 == 1 {
			want = math.Cos(angle)
		}
		if got := table.F32[pos*64+j]; math.Abs(float64(got)-want) > 1e-6 {
			t.Errorf("position %d, column %d: %g, want %g", pos, j, got, want)
		}
	}
}
