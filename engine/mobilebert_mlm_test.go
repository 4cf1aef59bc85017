package engine

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/albertq/albertq/convert"
	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

// mobileBERTMaskedLM writes a MobileBertForMaskedLM checkpoint: the
// mobilebert-tiny fixture's encoder (without its pooler and classifier)
// under a masked-LM head of random weights, laid out as transformers saves
// it (decoder tied to the word embeddings, cls.predictions.dense
// [H−E][vocab]), with the config's layer_norm_eps set to eps. It returns
// the directory and the head's weights by name.
func mobileBERTMaskedLM(t *testing.T, eps float64) (string, map[string]*modelfile.Tensor) {
	t.Helper()
	src := "../testdata/mobilebert-tiny"
	tensors, err := convert.ReadSafetensors(filepath.Join(src, "model.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	for name := range tensors {
		if strings.HasPrefix(name, "classifier.") || strings.HasPrefix(name, "mobilebert.pooler.") {
			delete(tensors, name)
		}
	}
	var cfg map[string]any
	data, err := os.ReadFile(filepath.Join(src, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	cfg["architectures"], cfg["layer_norm_eps"] = []string{"MobileBertForMaskedLM"}, eps
	delete(cfg, "id2label")
	delete(cfg, "label2id")
	v, e, h := 2006, 32, 64
	rng := rand.New(rand.NewPCG(5, 16))
	random := func(scale float64, shape ...int) *modelfile.Tensor {
		n := 1
		for _, d := range shape {
			n *= d
		}
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64() * scale)
		}
		return &modelfile.Tensor{DType: modelfile.F32, Shape: shape, F32: x}
	}
	head := map[string]*modelfile.Tensor{
		"cls.predictions.transform.dense.weight":     random(0.3, h, h),
		"cls.predictions.transform.dense.bias":       random(0.3, h),
		"cls.predictions.transform.LayerNorm.weight": random(0.5, h),
		"cls.predictions.transform.LayerNorm.bias":   random(0.5, h),
		"cls.predictions.dense.weight":               random(0.5, h-e, v),
		"cls.predictions.bias":                       random(0.5, v),
	}
	for name, t := range head {
		tensors[name] = t
	}
	dir := onlyFiles(t, src, "vocab.txt", "tokenizer_config.json", "special_tokens_map.json")
	if data, err = json.Marshal(cfg); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "model.safetensors"), safetensorsFile(tensors), 0o644); err != nil {
		t.Fatal(err)
	}
	head["embeddings.word_embeddings.weight"] = tensors["mobilebert.embeddings.word_embeddings.weight"]
	return dir, head
}

// safetensorsFile encodes fp32 tensors in the safetensors format.
func safetensorsFile(tensors map[string]*modelfile.Tensor) []byte {
	header := map[string]any{}
	var body bytes.Buffer
	for name, t := range tensors {
		start := body.Len()
		binary.Write(&body, binary.LittleEndian, t.F32)
		header[name] = map[string]any{"dtype": "F32", "shape": t.Shape, "data_offsets": []int{start, body.Len()}}
	}
	h, _ := json.Marshal(header)
	var file bytes.Buffer
	binary.Write(&file, binary.LittleEndian, uint64(len(h)))
	file.Write(h)
	file.Write(body.Bytes())
	return file.Bytes()
}

// mobileBERTHead is MobileBertLMPredictionHead in float64, from its
// definition in transformers: LayerNorm_eps(relu(x·Wᵀ + b)), then
// ·cat([decoder.weightᵀ, dense.weight]) + bias, the decoder being the word
// embeddings.
func mobileBERTHead(w map[string]*modelfile.Tensor, x []float64, eps float64) []float64 {
	v, e, h := 2006, 32, 64
	f := func(name string, i int) float64 { return float64(w[name].F32[i]) }
	y := make([]float64, h)
	mean := 0.0
	for o := range h {
		s := f("cls.predictions.transform.dense.bias", o)
		for k := range h {
			s += x[k] * f("cls.predictions.transform.dense.weight", o*h+k)
		}
		y[o] = max(s, 0)
		mean += y[o] / float64(h)
	}
	variance := 0.0
	for _, a := range y {
		variance += (a - mean) * (a - mean) / float64(h)
	}
	for o := range y {
		y[o] = (y[o]-mean)/math.Sqrt(variance+eps)*f("cls.predictions.transform.LayerNorm.weight", o) + f("cls.predictions.transform.LayerNorm.bias", o)
	}
	logits := make([]float64, v)
	for t := range v {
		s := f("cls.predictions.bias", t)
		for k := range e {
			s += y[k] * f("embeddings.word_embeddings.weight", t*e+k)
		}
		for k := range h - e {
			s += y[e+k] * f("cls.predictions.dense.weight", k*v+t)
		}
		logits[t] = s
	}
	return logits
}

// MobileBERT's masked LM: on every unpadded fixture text, its logits are
// the float64 head applied to transformers' own last hidden state (the
// fixture's), within 1e-4; FillMask ranks by them; fp16 and int8 files keep
// the logits' cosine, fp16 the top token at every position and int8 fp32's
// top token among its first five (the random head's best logits lie within
// 0.03 of each other, so int8 may swap them). The config's layer_norm_eps
// (0.05 here, not the encoder's 1e-5) is the head's.
func TestMobileBERTMaskedLM(t *testing.T) {
	const eps = 0.05
	dir, head := mobileBERTMaskedLM(t, eps)
	mod := openCheckpoint(t, dir, Options{Threads: 2})
	if mod.Head() != MaskedLM {
		t.Fatalf("head %q", mod.Head())
	}
	f := readFixture(t, "../testdata/mobilebert-tiny")
	int8Model := quantizedModel(t, dir, modelfile.I8, false, false, nil)
	fp16Model := quantizedModel(t, dir, modelfile.F16, false, false, nil)
	checked := 0
	for _, c := range f.Cases {
		if len(c.InputIDs) != 1 {
			continue // padded rows see the [PAD] embedding (trigram input)
		}
		seqs := unpadded(c)
		out, err := mod.Run(seqs)
		if err != nil {
			t.Fatal(err)
		}
		hidden := c.output(t, "last_hidden_state").Data
		n, v := len(seqs[0].IDs), out.LogitsWidth
		worst := 0.0
		for p := range n {
			want := mobileBERTHead(head, hidden[p*64:(p+1)*64], eps)
			for i, w := range want {
				worst = max(worst, math.Abs(float64(out.Logits[p*v+i])-w))
			}
		}
		if worst > 1e-4 {
			t.Errorf("%s: logits differ from the reference by %g", c.Name, worst)
		}
		for _, q := range []struct {
			name      string
			mod       *Model
			minCosine float64
			top       int // fp32's prediction is among the first top
		}{{"fp16", fp16Model, 0.9999, 1}, {"int8", int8Model, 0.999, 5}} {
			got, err := q.mod.Run(seqs)
			if err != nil {
				t.Fatal(err)
			}
			if cos := quant.Cosine(out.Logits, got.Logits); cos < q.minCosine {
				t.Errorf("%s: %s logits cosine %.6f < %g", c.Name, q.name, cos, q.minCosine)
			}
			for p, want := range argmaxRows(out.Logits, v) {
				if top := topIndices(got.Logits[p*v:(p+1)*v], q.top); !slices.Contains(top, want) {
					t.Errorf("%s: %s position %d predicts %v, fp32 %d", c.Name, q.name, p, top, want)
				}
			}
		}
		checked++
	}
	if checked < 5 {
		t.Errorf("only %d cases", checked)
	}
	preds, err := mod.FillMask("the [MASK] is good", 3)
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := mod.Encode("the [MASK] is good", "")
	out, _ := mod.Run([]Sequence{{IDs: enc.IDs, TypeIDs: enc.TypeIDs}})
	p := preds[0].Position
	if best := argmaxRows(out.Logits[p*out.LogitsWidth:(p+1)*out.LogitsWidth], out.LogitsWidth)[0]; preds[0].Candidates[0].ID != best {
		t.Errorf("FillMask's first candidate is %d, the logits' argmax %d", preds[0].Candidates[0].ID, best)
	}
}

// A MobileBERT masked LM without cls.predictions.dense (its decoder's
// other H−E columns) fails to convert, naming the tensor.
func TestMobileBERTMaskedLMMissingDense(t *testing.T) {
	dir, _ := mobileBERTMaskedLM(t, 1e-12)
	tensors, err := convert.ReadSafetensors(filepath.Join(dir, "model.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	delete(tensors, "cls.predictions.dense.weight")
	if err := os.WriteFile(filepath.Join(dir, "model.safetensors"), safetensorsFile(tensors), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := convert.ReadCheckpoint(dir); err == nil || !strings.Contains(err.Error(), `"cls.predictions.dense.weight" must be [32][2006]`) {
		t.Errorf("error %v", err)
	}
}
