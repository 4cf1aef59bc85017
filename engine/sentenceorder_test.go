package engine

import (
	"math"
	"slices"
	"testing"

	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

// An AlbertForPreTraining checkpoint runs both its heads as transformers
// does: prediction_logits and sop_logits within 1e-4 for a single text, a
// pair and a padded batch, from ids the tokenizer makes id for id.
func TestPreTrainingHeads(t *testing.T) {
	const dir = "../testdata/albert-tiny-pretraining"
	f := readFixture(t, dir)
	mod := openCheckpoint(t, dir, Options{Threads: 2})
	if mod.Head() != MaskedLM {
		t.Fatalf("head %s, want %s", mod.Head(), MaskedLM)
	}
	for _, c := range f.Cases {
		for i, in := range c.Inputs {
			enc, err := mod.Encode(in["text"], in["text_pair"])
			if err != nil {
				t.Fatal(err)
			}
			real := c.InputIDs[i][:len(enc.IDs)]
			if !slices.Equal(enc.IDs, real) || slices.Contains(c.AttentionMask[i][:len(enc.IDs)], 0) {
				t.Errorf("%s: input %d: ids %v, transformers %v", c.Name, i, enc.IDs, c.InputIDs[i])
			}
		}
		out, err := mod.Run(c.sequences())
		if err != nil {
			t.Fatal(err)
		}
		for name, got := range map[string][]float32{"prediction_logits": out.Logits, "sop_logits": out.SOPLogits} {
			d := maxAbsDiff(t, c.Name+" "+name, got, c.output(t, name))
			if d > 1e-4 {
				t.Errorf("%s: %s differs from transformers by %g", c.Name, name, d)
			}
			t.Logf("%s: %s max abs error %.2g", c.Name, name, d)
		}
	}
}

// SentenceOrder is the softmax of sop_logits' first column (label 0: in
// order); a pair with an empty segment fails alone.
func TestSentenceOrder(t *testing.T) {
	const dir = "../testdata/albert-tiny-pretraining"
	f := readFixture(t, dir)
	mod := openCheckpoint(t, dir, Options{Threads: 1})
	var pair fixtureCase
	for _, c := range f.Cases {
		if c.Name == "pair" {
			pair = c
		}
	}
	in := pair.Inputs[0]
	got, err := mod.SentenceOrder([][2]string{{in["text"], in["text_pair"]}, {"only one", ""}, {in["text"], in["text_pair"]}})
	failed, ok := err.(*BatchError)
	if !ok || failed.Errs[1] == nil || failed.Errs[0] != nil || failed.Errs[2] != nil {
		t.Fatalf("error %v, want a BatchError for the pair with an empty segment only", err)
	}
	logits := pair.output(t, "sop_logits").Data
	want := 1 / (1 + math.Exp(logits[1]-logits[0]))
	if math.Abs(float64(got[0])-want) > 1e-5 || got[2] != got[0] {
		t.Errorf("in order %v, want %v", got, want)
	}
	if _, err := openCheckpoint(t, "../testdata/albert-tiny-mlm", Options{}).SentenceOrder([][2]string{{"a", "b"}}); err == nil {
		t.Errorf("a masked LM without the sentence-order head gave sentence order")
	}
}

// The sentence-order head survives conversion: in fp16 and int8 .albq files
// its logits track fp32's (cosine ≥ 0.9999 and ≥ 0.99, the bounds of
// TestQuantizedModelsTrackFP32) on every fixture case.
func TestSentenceOrderQuantized(t *testing.T) {
	const dir = "../testdata/albert-tiny-pretraining"
	f := readFixture(t, dir)
	ref := openCheckpoint(t, dir, Options{Threads: 1})
	for _, v := range []struct {
		dtype     modelfile.DType
		minCosine float64
	}{{modelfile.F16, 0.9999}, {modelfile.I8, 0.99}} {
		mod := quantizedModel(t, dir, v.dtype, false, false, nil)
		for _, c := range f.Cases {
			want, _ := ref.Run(c.sequences())
			got, err := mod.Run(c.sequences())
			if err != nil {
				t.Fatal(err)
			}
			if cos := quant.Cosine(want.SOPLogits, got.SOPLogits); cos < v.minCosine {
				t.Errorf("%s %s: sop_logits cosine %.6f < %g", v.dtype, c.Name, cos, v.minCosine)
			}
		}
	}
}
