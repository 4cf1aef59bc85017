package engine

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/albertq/albertq/modelfile"
)

// TestBERTFamilyTextsRunAlone classifies and embeds the fixtures' texts
// through the tokenizer, unpadded, as Classify and Embed do: each text's
// result is what transformers computes for that text alone. For MobileBERT
// that is the batch_row_alone case, not its row in batch_padded_three,
// where the trigram input reads the [PAD] embedding beside the last token.
func TestBERTFamilyTextsRunAlone(t *testing.T) {
	for _, dir := range bertFamilyDirs {
		mod := openCheckpoint(t, dir, Options{Threads: 2})
		checked := 0
		for _, c := range readFixture(t, dir).Cases {
			if len(c.InputIDs) != 1 || c.Inputs[0]["text_pair"] != "" || strings.HasPrefix(c.Name, "truncated_to_max_positions") {
				continue // pairs, batches, and a length the tokenizer truncates below
			}
			text := c.Inputs[0]["text"]
			checked++
			enc, err := mod.Encode(text, "")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(enc.IDs, c.InputIDs[0]) {
				t.Fatalf("%s: %s: ids %v, transformers %v", dir, c.Name, enc.IDs, c.InputIDs[0])
			}
			if want := c.output(t, "logits"); want != nil {
				got, err := mod.Classify([]string{text}, 0)
				if err != nil {
					t.Fatal(err)
				}
				probs := mod.softmaxCopy(float32s(want.Data))
				for _, l := range got[0].Labels {
					if d := math.Abs(float64(l.Prob - probs[l.ID])); d > 1e-5 {
						t.Errorf("%s: %s: label %d probability %g, transformers' logits give %g", dir, c.Name, l.ID, l.Prob, probs[l.ID])
					}
				}
			}
			if want := c.output(t, "sentence_embedding"); want != nil {
				got, err := mod.Embed([]string{text}, PoolModel, false)
				if err != nil {
					t.Fatal(err)
				}
				if d := maxAbsDiff(t, c.Name, got[0].Vector, want); d > 1e-4 {
					t.Errorf("%s: %s: Embed differs from sentence-transformers by %g", dir, c.Name, d)
				}
			}
		}
		t.Logf("%s: %d texts", dir, checked)
		if checked < 4 {
			t.Errorf("%s: only %d single-text cases", dir, checked)
		}
	}
}

func float32s(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

// A cased BERT checkpoint (tokenizer_config.json do_lower_case false)
// tokenizes as the cased BertTokenizer does, from its directory and from
// its .albq file, on every WordPiece case that fits its 64 positions.
func TestCasedBERTCheckpoint(t *testing.T) {
	dir := onlyFiles(t, "../testdata/bert-tiny", "config.json", "model.safetensors", "vocab.txt", "special_tokens_map.json")
	if err := os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(`{"do_lower_case": false, "tokenizer_class": "BertTokenizer"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var cases struct {
		Cases []struct {
			Text     string `json:"text"`
			TextPair string `json:"text_pair"`
			Cased    struct {
				IDs []int `json:"ids"`
			} `json:"cased"`
		} `json:"cases"`
	}
	data, err := os.ReadFile("../tokenizer/testdata/wordpiece-cases.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	fromDir := openCheckpoint(t, dir, Options{Threads: 1})
	fromFile := quantizedModel(t, dir, modelfile.I8, false, false, nil)
	checked := 0
	for _, mod := range []*Model{fromDir, fromFile} {
		for _, c := range cases.Cases {
			if len(c.Cased.IDs) > 64 {
				continue
			}
			enc, err := mod.Encode(c.Text, c.TextPair)
			if err != nil {
				t.Fatalf("%q: %v", c.Text, err)
			}
			if !slices.Equal(enc.IDs, c.Cased.IDs) {
				t.Errorf("%q: ids %v, cased BertTokenizer %v", c.Text, enc.IDs, c.Cased.IDs)
			}
			checked++
		}
	}
	if checked < 100 {
		t.Errorf("only %d cases checked", checked)
	}
}
