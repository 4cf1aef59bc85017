package convert

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/albertq/albertq/modelfile"
)

func readTestFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// sameTensors fails unless a and b hold the same names with bit-identical
// shapes and values.
func sameTensors(t *testing.T, what string, a, b map[string]*modelfile.Tensor) {
	t.Helper()
	if len(a) != len(b) {
		t.Errorf("%s: %d tensors vs %d", what, len(a), len(b))
	}
	for name, ta := range a {
		tb, ok := b[name]
		if !ok {
			t.Errorf("%s: %q only on one side", what, name)
			continue
		}
		if !sameShape(ta.Shape, tb.Shape) || len(ta.F32) != len(tb.F32) {
			t.Errorf("%s: %q shape %v vs %v", what, name, ta.Shape, tb.Shape)
			continue
		}
		for i := range ta.F32 {
			if math.Float32bits(ta.F32[i]) != math.Float32bits(tb.F32[i]) {
				t.Errorf("%s: %q[%d] = %g vs %g", what, name, i, ta.F32[i], tb.F32[i])
				break
			}
		}
	}
}

// TestFixturesBothFormats reads each fixture from its safetensors file and
// from its pytorch_model.bin: after normalization they must be identical.
func TestFixturesBothFormats(t *testing.T) {
	for _, dir := range []string{"../testdata/albert-tiny", "../testdata/albert-tiny-mlm"} {
		st, err := ReadCheckpoint(dir)
		if err != nil {
			t.Fatal(err)
		}
		pt, err := ReadCheckpoint(filepath.Join(dir, "pytorch_model.bin"))
		if err != nil {
			t.Fatal(err)
		}
		sameTensors(t, dir, st.Tensors, pt.Tensors)
		if len(st.Tokenizer) == 0 || string(st.Tokenizer) != string(pt.Tokenizer) {
			t.Errorf("%s: tokenizer %d bytes vs %d", dir, len(st.Tokenizer), len(pt.Tokenizer))
		}
		if st.Config.HiddenSize != 64 || !st.Config.DoLowerCase || st.Config.KeepAccents {
			t.Errorf("%s: config %+v", dir, st.Config)
		}
		for _, name := range []string{"embeddings.position_ids", "albert.embeddings.word_embeddings.weight", "predictions.decoder.weight", "predictions.decoder.bias"} {
			if _, ok := st.Tensors[name]; ok {
				t.Errorf("%s: %s kept", dir, name)
			}
		}
		if w := st.Tensors["embeddings.word_embeddings.weight"]; w == nil || !sameShape(w.Shape, []int{2000, 32}) {
			t.Errorf("%s: word embeddings %v", dir, w)
		}
	}
}

// TestRawReaders checks the readers before normalization: the MLM .bin has
// the tied decoder, its safetensors file does not; both hold position_ids
// as integers, which the readers leave out.
func TestRawReaders(t *testing.T) {
	st, err := ReadSafetensors("../testdata/albert-tiny-mlm/model.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	pt, err := ReadPyTorch("../testdata/albert-tiny-mlm/pytorch_model.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st["predictions.decoder.weight"]; ok {
		t.Error("safetensors has a decoder")
	}
	if pt["predictions.decoder.weight"] == nil || pt["predictions.decoder.bias"] == nil {
		t.Fatal(".bin lacks the decoder")
	}
	sameTensors(t, "tied decoder", map[string]*modelfile.Tensor{"w": pt["predictions.decoder.weight"]},
		map[string]*modelfile.Tensor{"w": pt["albert.embeddings.word_embeddings.weight"]})
	for _, m := range []map[string]*modelfile.Tensor{st, pt} {
		if _, ok := m["albert.embeddings.position_ids"]; ok {
			t.Error("position_ids kept")
		}
	}
	if len(pt) != len(st)+2 {
		t.Errorf(".bin has %d tensors, safetensors %d", len(pt), len(st))
	}
}

func TestTiedDecoder(t *testing.T) {
	tensor := func(xs ...float32) *modelfile.Tensor {
		return &modelfile.Tensor{DType: modelfile.F32, Shape: []int{len(xs)}, F32: xs}
	}
	tied := map[string]*modelfile.Tensor{
		"albert.embeddings.word_embeddings.weight": tensor(1, 2, 3),
		"predictions.decoder.weight":               tensor(1, 2, 3),
		"predictions.bias":                         tensor(0, 1, 0),
		"predictions.decoder.bias":                 tensor(0, 1, 0),
		"albert.embeddings.position_ids":           tensor(0, 1, 2),
	}
	out, err := normalizeNames(tied, &modelfile.Config{ModelType: modelfile.ALBERT})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out["embeddings.word_embeddings.weight"] == nil || out["predictions.bias"] == nil {
		t.Errorf("tied: kept %v", names(out))
	}
	untied := map[string]*modelfile.Tensor{
		"albert.embeddings.word_embeddings.weight": tensor(1, 2, 3),
		"predictions.decoder.weight":               tensor(1, 2, 4),
		"predictions.bias":                         tensor(0, 1, 0),
		"predictions.decoder.bias":                 tensor(0, float32(math.Copysign(0, -1)), 0),
	}
	out, err = normalizeNames(untied, &modelfile.Config{ModelType: modelfile.ALBERT})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 4 {
		t.Errorf("untied: kept %v", names(out))
	}
	_, err = normalizeNames(map[string]*modelfile.Tensor{"albert.pooler.bias": tensor(1), "pooler.bias": tensor(1)}, &modelfile.Config{ModelType: modelfile.ALBERT})
	wantErr(t, err, "same name without the albert. prefix")
}

func names(m map[string]*modelfile.Tensor) []string {
	return (&modelfile.Model{Tensors: m}).Names()
}

// TestDebsec reads a real fine-tuned model (8 labels, 6 layers).
func TestDebsec(t *testing.T) {
	m, err := ReadCheckpoint("../testdata/albert-debsec")
	if err != nil {
		t.Fatal(err)
	}
	labels := m.Config.Labels()
	if len(labels) != 8 || labels[0] != "doc" || labels[7] != "sound" || m.Config.NumHiddenLayers != 6 {
		t.Errorf("config %+v", m.Config)
	}
	if w := m.Tensors["classifier.weight"]; w == nil || !sameShape(w.Shape, []int{8, 256}) {
		t.Errorf("classifier %v", w)
	}
	spiece, err := os.ReadFile("../testdata/albert-debsec/spiece.model")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(m.Tokenizer, spiece) {
		t.Errorf("tokenizer: %d bytes, want the %d of spiece.model", len(m.Tokenizer), len(spiece))
	}
}

// writeCheckpoint makes a checkpoint directory from files.
func writeCheckpoint(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReadCheckpointErrors(t *testing.T) {
	cfg := readTestFile(t, "../testdata/albert-tiny/config.json")
	st := readTestFile(t, "../testdata/albert-tiny/model.safetensors")

	dir := writeCheckpoint(t, map[string][]byte{"config.json": cfg})
	_, err := ReadCheckpoint(dir)
	wantErr(t, err, dir, "no model.safetensors or pytorch_model.bin")

	dir = writeCheckpoint(t, map[string][]byte{"config.json": cfg, "model.safetensors.index.json": []byte("{}")})
	_, err = ReadCheckpoint(dir)
	wantErr(t, err, "sharded checkpoints")

	dir = writeCheckpoint(t, map[string][]byte{"model.safetensors": st})
	_, err = ReadCheckpoint(dir)
	wantErr(t, err, "config.json", "no such file")

	dir = writeCheckpoint(t, map[string][]byte{"config.json": []byte(`{"model_type": "t5"}`), "model.safetensors": st})
	_, err = ReadCheckpoint(dir)
	wantErr(t, err, filepath.Join(dir, "config.json")+`: model_type "t5" is not supported`)

	dir = writeCheckpoint(t, map[string][]byte{"config.json": cfg, "model.safetensors": st[:len(st)-1]})
	_, err = ReadCheckpoint(dir)
	wantErr(t, err, filepath.Join(dir, "model.safetensors")+": tensor")

	dir = writeCheckpoint(t, map[string][]byte{"config.json": cfg, "model.safetensors": st, "tokenizer_config.json": []byte("{")})
	_, err = ReadCheckpoint(dir)
	wantErr(t, err, "tokenizer_config.json: malformed JSON")

	// A config that does not match the weights.
	bad := []byte(`{"architectures": ["AlbertForSequenceClassification"], "vocab_size": 2001, "embedding_size": 32,
		"hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128, "num_hidden_layers": 3,
		"max_position_embeddings": 64, "num_labels": 3}`)
	dir = writeCheckpoint(t, map[string][]byte{"config.json": bad, "model.safetensors": st})
	_, err = ReadCheckpoint(dir)
	wantErr(t, err, `tensor "embeddings.word_embeddings.weight" has shape [2000 32], want [2001 32]`)

	// A classifier head that the weights lack.
	bad = []byte(`{"architectures": ["AlbertForQuestionAnswering"], "vocab_size": 2000, "embedding_size": 32,
		"hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128, "num_hidden_layers": 3,
		"max_position_embeddings": 64}`)
	dir = writeCheckpoint(t, map[string][]byte{"config.json": bad, "model.safetensors": st})
	_, err = ReadCheckpoint(dir)
	wantErr(t, err, `tensor "qa_outputs.bias" is missing`)

	_, err = ReadCheckpoint(filepath.Join(dir, "config.json"))
	wantErr(t, err, "want a checkpoint directory")
}

func TestReadCheckpointTokenizerConfig(t *testing.T) {
	dir := writeCheckpoint(t, map[string][]byte{
		"config.json":           readTestFile(t, "../testdata/albert-tiny/config.json"),
		"model.safetensors":     readTestFile(t, "../testdata/albert-tiny/model.safetensors"),
		"tokenizer_config.json": []byte(`{"do_lower_case": false, "keep_accents": true}`),
	})
	m, err := ReadCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Config.DoLowerCase || !m.Config.KeepAccents {
		t.Errorf("tokenizer settings %+v", m.Config)
	}
}

// TestReadCheckpointPyTorchOnly reads a directory whose only weights are a
// pytorch_model.bin.
func TestReadCheckpointPyTorchOnly(t *testing.T) {
	dir := writeCheckpoint(t, map[string][]byte{
		"config.json":       readTestFile(t, "../testdata/albert-tiny-mlm/config.json"),
		"pytorch_model.bin": readTestFile(t, "../testdata/albert-tiny-mlm/pytorch_model.bin"),
	})
	m, err := ReadCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ReadCheckpoint("../testdata/albert-tiny-mlm")
	if err != nil {
		t.Fatal(err)
	}
	sameTensors(t, "pytorch-only", want.Tensors, m.Tensors)
	if len(m.Tokenizer) != 0 {
		t.Errorf("tokenizer %d bytes without spiece.model", len(m.Tokenizer))
	}
}
