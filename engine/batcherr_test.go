package engine

import (
	"errors"
	"math"
	"testing"
)

// ClassifyPairs gives transformers' probabilities for the fixture's pairs,
// and a batch with a text that is not UTF-8 fails for that text alone:
// every other text has the result it has in a batch of its own.
func TestBatchCallsFailTextByText(t *testing.T) {
	const dir = "../testdata/albert-tiny"
	mod := openCheckpoint(t, dir, Options{Threads: 1})
	var pairs [][2]string
	var want [][]float64
	for _, c := range readFixture(t, dir).Cases {
		logits := c.output(t, "logits")
		for i, in := range c.Inputs {
			if _, ok := in["text_pair"]; !ok {
				continue
			}
			pairs = append(pairs, [2]string{in["text"], in["text_pair"]})
			want = append(want, softmax64(logits.Data[i*3:(i+1)*3]))
		}
	}
	got, err := mod.ClassifyPairs(pairs, 0)
	if err != nil || len(got) != 3 {
		t.Fatalf("%d results, %v", len(got), err)
	}
	for i, c := range got {
		for _, l := range c.Labels {
			if math.Abs(float64(l.Prob)-want[i][l.ID]) > 1e-5 {
				t.Errorf("pair %d: label %d: %v, transformers %v", i, l.ID, l.Prob, want[i][l.ID])
			}
		}
	}

	texts := []string{"a text", "caf\xe9", "x\x00y", "another text"}
	batch, err := mod.Classify(texts, 0)
	var failed *BatchError
	if !errors.As(err, &failed) || failed.Failed() != 1 || failed.Errs[1] == nil || err.Error() != "1 of 4 texts failed; text 2: text is not valid UTF-8 (byte 3)" {
		t.Fatalf("error %v, want a BatchError for text 2 only", err)
	}
	for i, text := range texts {
		if i == 1 {
			continue
		}
		alone, err := mod.Classify([]string{text}, 0)
		if err != nil {
			t.Fatal(err)
		}
		for j, l := range alone[0].Labels {
			if batch[i].Labels[j] != l {
				t.Errorf("text %d: %v in the batch, %v alone", i, batch[i].Labels, alone[0].Labels)
			}
		}
	}
	emb, err := mod.Embed(texts, PoolMean, true)
	if !errors.As(err, &failed) || failed.Errs[1] == nil || emb[1].Vector != nil || len(emb[3].Vector) != 64 {
		t.Errorf("Embed: error %v, vectors %d and %d long", err, len(emb[1].Vector), len(emb[3].Vector))
	}
}

func softmax64(x []float64) []float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	out := make([]float64, len(x))
	var sum float64
	for i, v := range x {
		out[i] = math.Exp(v - m)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}
