package modelfile_test

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

// albertBase returns a float32 AlbertModel of albert-base's size (V 30000,
// E 128, H 768, 12 heads, I 3072, 12 layers sharing one block, pooler) with
// weights from a cheap fixed xorshift generator.
func albertBase() *modelfile.Model {
	const v, e, h, inter = 30000, 128, 768, 3072
	const blk = "encoder.albert_layer_groups.0.albert_layers.0."
	shapes := map[string][]int{
		"embeddings.word_embeddings.weight":          {v, e},
		"embeddings.position_embeddings.weight":      {512, e},
		"embeddings.token_type_embeddings.weight":    {2, e},
		"embeddings.LayerNorm.weight":                {e},
		"embeddings.LayerNorm.bias":                  {e},
		"encoder.embedding_hidden_mapping_in.weight": {h, e},
		"encoder.embedding_hidden_mapping_in.bias":   {h},
		blk + "full_layer_layer_norm.weight":         {h},
		blk + "full_layer_layer_norm.bias":           {h},
		blk + "attention.LayerNorm.weight":           {h},
		blk + "attention.LayerNorm.bias":             {h},
		blk + "ffn.weight":                           {inter, h},
		blk + "ffn.bias":                             {inter},
		blk + "ffn_output.weight":                    {h, inter},
		blk + "ffn_output.bias":                      {h},
		"pooler.weight":                              {h, h},
		"pooler.bias":                                {h},
	}
	for _, l := range []string{"query", "key", "value", "dense"} {
		shapes[blk+"attention."+l+".weight"] = []int{h, h}
		shapes[blk+"attention."+l+".bias"] = []int{h}
	}
	m := &modelfile.Model{
		Config: modelfile.Config{ModelType: modelfile.ALBERT, VocabSize: v, EmbeddingSize: e, HiddenSize: h, NumHiddenLayers: 12,
			NumHiddenGroups: 1, InnerGroupNum: 1, NumAttentionHeads: 12, IntermediateSize: inter,
			HiddenAct: "gelu_new", MaxPositionEmbeddings: 512, TypeVocabSize: 2, LayerNormEps: 1e-12},
		Tensors: map[string]*modelfile.Tensor{},
	}
	state := uint32(2463534242)
	for name, shape := range shapes {
		t := &modelfile.Tensor{DType: modelfile.F32, Shape: shape}
		t.F32 = make([]float32, t.Elements())
		for i := range t.F32 {
			state ^= state << 13
			state ^= state >> 17
			state ^= state << 5
			t.F32[i] = (float32(state)/(1<<32) - 0.5) * 0.2
		}
		m.Tensors[name] = t
	}
	return m
}

type counter int64

func (c *counter) Write(p []byte) (int, error) { *c += counter(len(p)); return len(p), nil }

// An albert-base-sized model fits the sizes the design promises: the shared
// block is stored once, so int8 is about a quarter of fp32.
func TestAlbertBaseSize(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates ~100 MB")
	}
	src := albertBase()
	for _, c := range []struct {
		dtype     modelfile.DType
		perTensor bool
		limit     int64
	}{{modelfile.I8, false, 12_200_000}, {modelfile.I8, true, 12_200_000}, {modelfile.F16, false, 23_600_000}} {
		m, err := quant.QuantizeModel(src, c.dtype, c.perTensor)
		if err != nil {
			t.Fatal(err)
		}
		var n counter
		if err := modelfile.Write(&n, m); err != nil {
			t.Fatal(err)
		}
		t.Logf("%v perTensor=%v: %d bytes (limit %d)", c.dtype, c.perTensor, n, c.limit)
		if int64(n) > c.limit {
			t.Errorf("%v perTensor=%v: %d bytes, over the %d limit", c.dtype, c.perTensor, n, c.limit)
		}
	}
}

func BenchmarkQuantizeWrite(b *testing.B) {
	src := albertBase()
	for _, dtype := range []modelfile.DType{modelfile.I8, modelfile.F16} {
		b.Run(dtype.String(), func(b *testing.B) {
			for b.Loop() {
				m, err := quant.QuantizeModel(src, dtype, false)
				if err != nil {
					b.Fatal(err)
				}
				if err := modelfile.Write(io.Discard, m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOpen measures what the checksum costs at load time.
func BenchmarkOpen(b *testing.B) {
	m, err := quant.QuantizeModel(albertBase(), modelfile.I8, false)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "base.albq")
	if err := modelfile.WriteFile(path, m, false); err != nil {
		b.Fatal(err)
	}
	for _, skip := range []bool{false, true} {
		b.Run(fmt.Sprintf("SkipVerify=%v", skip), func(b *testing.B) {
			for b.Loop() {
				m, err := modelfile.OpenWith(path, modelfile.OpenOptions{SkipVerify: skip})
				if err != nil {
					b.Fatal(err)
				}
				m.Close()
			}
		})
	}
}
