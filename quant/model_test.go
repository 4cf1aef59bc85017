package quant

import (
	"math"
	"strings"
	"testing"

	"github.com/albertq/albertq/modelfile"
)

const layer = "encoder.albert_layer_groups.0.albert_layers.0."

// tinyModel is a small ALBERT-shaped float32 model.
func tinyModel() *modelfile.Model {
	const v, e, h, i = 20, 4, 8, 16
	shapes := map[string][]int{
		"embeddings.word_embeddings.weight":          {v, e},
		"embeddings.position_embeddings.weight":      {10, e},
		"embeddings.token_type_embeddings.weight":    {2, e},
		"embeddings.LayerNorm.weight":                {e},
		"embeddings.LayerNorm.bias":                  {e},
		"encoder.embedding_hidden_mapping_in.weight": {h, e},
		"encoder.embedding_hidden_mapping_in.bias":   {h},
		layer + "attention.query.weight":             {h, h},
		layer + "attention.query.bias":               {h},
		layer + "attention.LayerNorm.weight":         {h},
		layer + "ffn.weight":                         {i, h},
		layer + "ffn_output.weight":                  {h, i},
		"pooler.weight":                              {h, h},
		"classifier.weight":                          {3, h},
		"classifier.bias":                            {3},
	}
	m := &modelfile.Model{
		Config:    modelfile.Config{VocabSize: v, EmbeddingSize: e, HiddenSize: h, ID2Label: map[string]string{"0": "neg"}},
		Tokenizer: []byte("spiece"),
		Tensors:   map[string]*modelfile.Tensor{},
		ActScales: map[string][]float32{layer + "ffn": {1, 2, 3}},
	}
	for n, s := range shapes {
		x := randomMatrix(1, (&modelfile.Tensor{Shape: s}).Elements(), uint64(len(n)))
		m.Tensors[n] = &modelfile.Tensor{DType: modelfile.F32, Shape: s, F32: x}
	}
	return m
}

func TestQuantizeModelI8(t *testing.T) {
	src := tinyModel()
	for _, perTensor := range []bool{false, true} {
		dst, err := QuantizeModel(src, modelfile.I8, perTensor)
		if err != nil {
			t.Fatal(err)
		}
		for name, s := range src.Tensors {
			d := dst.Tensors[name]
			if err := d.Validate(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			wantI8 := len(s.Shape) == 2 && !strings.Contains(name, "LayerNorm")
			if (d.DType == modelfile.I8) != wantI8 {
				t.Fatalf("%s stored as %v", name, d.DType)
			}
			if !wantI8 {
				if MaxAbsError(s.F32, d.F32) != 0 {
					t.Fatalf("%s changed", name)
				}
				continue
			}
			if want := map[bool]int{false: s.Shape[0], true: 1}[perTensor]; len(d.Scales) != want {
				t.Fatalf("%s: %d scales, want %d", name, len(d.Scales), want)
			}
			back, _ := Float32s(d)
			if c := Cosine(s.F32, back); c < 0.9999 {
				t.Fatalf("%s: cosine %v after int8", name, c)
			}
		}
		if dst.Config.HiddenSize != 8 || dst.Config.ID2Label["0"] != "neg" || string(dst.Tokenizer) != "spiece" ||
			len(dst.ActScales[layer+"ffn"]) != 3 {
			t.Fatalf("config, tokenizer or act scales not carried over: %+v", dst)
		}
	}
}

func TestQuantizeModelF16AndF32(t *testing.T) {
	src := tinyModel()
	f16, err := QuantizeModel(src, modelfile.F16, false)
	if err != nil {
		t.Fatal(err)
	}
	name := layer + "ffn.weight"
	if d := f16.Tensors[name]; d.DType != modelfile.F16 || len(d.F16) != 16*8 {
		t.Fatalf("%s: %v with %d halves", name, d.DType, len(d.F16))
	}
	if d := f16.Tensors[layer+"attention.query.bias"]; d.DType != modelfile.F32 {
		t.Fatalf("bias stored as %v", d.DType)
	}
	back, _ := Float32s(f16.Tensors[name])
	if snr := SNRdB(src.Tensors[name].F32, back); snr < 60 {
		t.Fatalf("f16 SNR %.1f dB", snr)
	}

	f32, err := QuantizeModel(f16, modelfile.F32, false) // widening an F16 source
	if err != nil {
		t.Fatal(err)
	}
	if d := f32.Tensors[name]; d.DType != modelfile.F32 || MaxAbsError(d.F32, back) != 0 {
		t.Fatalf("f16 -> f32 not exact")
	}
	cp, _ := QuantizeModel(src, modelfile.F32, false)
	cp.Tensors[name].F32[0] = 42
	cp.ActScales[layer+"ffn"][0] = 42
	cp.Tokenizer[0] = 'X'
	if src.Tensors[name].F32[0] == 42 || src.ActScales[layer+"ffn"][0] == 42 || src.Tokenizer[0] == 'X' {
		t.Fatal("F32 copy aliases the source")
	}
}

func TestQuantizeModelErrors(t *testing.T) {
	src := tinyModel()
	if _, err := QuantizeModel(src, modelfile.DType(9), false); err == nil {
		t.Error("unknown dtype accepted")
	}
	src.Tensors["pooler.weight"].F32[5] = float32(math.NaN())
	if _, err := QuantizeModel(src, modelfile.I8, false); err == nil || !strings.Contains(err.Error(), "pooler.weight") {
		t.Errorf("NaN weight: err = %v", err)
	}
	src = tinyModel()
	src.Tensors["classifier.bias"].F32 = src.Tensors["classifier.bias"].F32[:2]
	if _, err := QuantizeModel(src, modelfile.I8, false); err == nil || !strings.Contains(err.Error(), "classifier.bias") {
		t.Errorf("short tensor: err = %v", err)
	}
}
