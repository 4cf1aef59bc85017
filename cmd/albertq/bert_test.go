package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The BERT family's checkpoint directories run with no new flags:
// classify a DistilBERT directory, embed with a sentence-transformers
// directory (its own mean pooling and normalization, truncated at its
// max_seq_length), and describe a model with info --model.
func TestBERTFamilyDirectories(t *testing.T) {
	code, out, errOut := runCLI(t, "classify", "--model", "../../testdata/distilbert-tiny", "Hello world!")
	if code != 0 || !strings.HasPrefix(out, "NEGATIVE\t") && !strings.HasPrefix(out, "POSITIVE\t") {
		t.Fatalf("classify distilbert: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	var fixture struct {
		Cases []struct {
			Name    string
			Inputs  []map[string]string
			Outputs struct {
				SentenceEmbedding struct{ Data []float64 } `json:"sentence_embedding"`
			}
		}
	}
	data, err := os.ReadFile(filepath.Join("../../testdata/minilm-tiny-st", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &fixture); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, c := range fixture.Cases {
		if len(c.Inputs) != 1 || c.Inputs[0]["text_pair"] != "" || c.Name == "truncated_to_max_positions" || c.Inputs[0]["text"] == "" {
			continue
		}
		code, out, errOut := runCLI(t, "embed", "--json", "--model", "../../testdata/minilm-tiny-st", c.Inputs[0]["text"])
		var emb struct{ Embedding []float64 }
		if code != 0 || json.Unmarshal([]byte(out), &emb) != nil {
			t.Fatalf("embed %s: exit %d, stdout %q, stderr %q", c.Name, code, out, errOut)
		}
		want := c.Outputs.SentenceEmbedding.Data
		if len(emb.Embedding) != len(want) {
			t.Fatalf("embed %s: %d numbers, want %d", c.Name, len(emb.Embedding), len(want))
		}
		for i, w := range want {
			if d := math.Abs(emb.Embedding[i] - w); d > 1e-4 {
				t.Fatalf("embed %s: [%d] = %g, sentence-transformers %g", c.Name, i, emb.Embedding[i], w)
			}
		}
		checked++
	}
	if checked < 3 {
		t.Errorf("only %d texts embedded", checked)
	}

	code, out, errOut = runCLI(t, "info", "--model", "../../testdata/mobilebert-tiny")
	for _, want := range []string{"mobilebert, MobileBertForSequenceClassification", "2 layers", "4 heads of 8", "bottleneck: 32", "wordpiece"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("info --model: exit %d, stdout %q (want %q), stderr %q", code, out, want, errOut)
		}
	}
	code, out, _ = runCLI(t, "info", "--json", "--model", "../../testdata/minilm-tiny-st")
	var doc modelDoc
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || doc.Family != "bert" || doc.Pooling != "mean" || !doc.Normalize || doc.MaxTokens != 64 {
		t.Errorf("info --json --model: exit %d, %q", code, out)
	}
}

// convert --dtype int8 keeps minilm-tiny-st's most sensitive matrices in
// fp16 by default and says so, as info --model does; --min-cosine 0 keeps
// int8 throughout; a target outside [0, 1], or one for another dtype, is a
// usage error.
func TestConvertKeepsSensitive(t *testing.T) {
	dir := t.TempDir()
	mixed, plain := filepath.Join(dir, "mixed.albq"), filepath.Join(dir, "plain.albq")
	code, out, errOut := runCLI(t, "convert", "--in", "../../testdata/minilm-tiny-st", "--out", mixed)
	if code != 0 || !strings.Contains(out, "matrices kept in fp16, so that 8 probe texts keep cosine ≥ 0.9995 with fp32") {
		t.Fatalf("convert: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, "info", "--json", "--model", mixed)
	var doc modelDoc
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || doc.Precision == nil || doc.Precision.Cosine < 0.9995 || doc.FP16Matrices == 0 || doc.Weights["i8"] == 0 {
		t.Errorf("info --json --model: exit %d, %q", code, out)
	}
	if code, out, _ = runCLI(t, "info", "--model", mixed); code != 0 || !strings.Contains(out, "precision:  int8 with") {
		t.Errorf("info --model: exit %d, %q", code, out)
	}
	code, out, errOut = runCLI(t, "convert", "--in", "../../testdata/minilm-tiny-st", "--out", plain, "--min-cosine", "0")
	if code != 0 || strings.Contains(out, "fp16") {
		t.Fatalf("convert --min-cosine 0: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, out, _ = runCLI(t, "info", "--model", plain); code != 0 || strings.Contains(out, "precision:") || strings.Contains(out, "f16") {
		t.Errorf("info --model of an int8 file: exit %d, %q", code, out)
	}
	if code, _, errOut = runCLI(t, "convert", "--in", "../../testdata/minilm-tiny-st", "--out", filepath.Join(dir, "x.albq"), "--min-cosine", "2"); code != 2 || !strings.Contains(errOut, "--min-cosine must be between 0 and 1") {
		t.Errorf("--min-cosine 2: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut = runCLI(t, "convert", "--in", "../../testdata/minilm-tiny-st", "--out", filepath.Join(dir, "x.albq"), "--dtype", "fp16", "--min-cosine", "0.999"); code != 2 || !strings.Contains(errOut, "--min-cosine needs --dtype int8") {
		t.Errorf("--dtype fp16 --min-cosine 0.999: exit %d, stderr %q", code, errOut)
	}
}
