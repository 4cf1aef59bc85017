package serve

import (
	"cmp"
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/albertq/albertq/convert"
)

// tinyCase is one case of albert-tiny's expected.json (transformers'
// numbers): its inputs and logits.
type tinyCase struct {
	Inputs []struct {
		Text     string `json:"text"`
		TextPair string `json:"text_pair"`
	}
	Outputs struct {
		Logits struct {
			Shape []int
			Data  []float64
		}
	}
}

func tinyCases(t *testing.T) map[string]tinyCase {
	data, err := os.ReadFile(tinyPath + "/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []struct {
			Name string
			tinyCase
		}
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	cases := map[string]tinyCase{}
	for _, c := range f.Cases {
		cases[c.Name] = c.tinyCase
	}
	return cases
}

// /predict with raw scores gives transformers' logits for pairs, batched
// together by the server.
func TestPredictPairsMatchTransformers(t *testing.T) {
	ts := serveModel(t, openModel(t, tinyPath), Options{}, nil)
	c := tinyCases(t)["batch_padded_pairs"]
	var pairs [][]string
	for _, in := range c.Inputs {
		pairs = append(pairs, []string{in.Text, in.TextPair})
	}
	var got [][]prediction
	ts.post(t, "/predict", jsonOf(map[string]any{"inputs": pairs, "raw_scores": true})).decode(t, &got)
	labels := c.Outputs.Logits.Shape[1]
	for s := range pairs {
		for _, p := range got[s] {
			id := int(p.Label[len(p.Label)-1] - '0') // LABEL_0 … LABEL_2
			if want := c.Outputs.Logits.Data[s*labels+id]; math.Abs(float64(p.Score)-want) > 1e-4 {
				t.Errorf("pair %d %s: %g, transformers %g", s, p.Label, p.Score, want)
			}
		}
	}
}

// /rerank with the one-label albert-tiny-reranker scores (query, text)
// pairs with albert-tiny's logit 0, as transformers computes it.
func TestRerankMatchesTransformers(t *testing.T) {
	ts := serveModel(t, openModel(t, rerankerPath), Options{}, nil)
	cases := tinyCases(t)
	pair := cases["pair"].Inputs[0]
	texts := []string{"Yes.", pair.TextPair, "something else entirely"}
	var raw []rank
	ts.post(t, "/rerank", jsonOf(map[string]any{"query": pair.Text, "texts": texts, "raw_scores": true, "return_text": true})).decode(t, &raw)
	if len(raw) != 3 || !slices.IsSortedFunc(raw, func(a, b rank) int { return cmp.Compare(b.Score, a.Score) }) {
		t.Fatalf("/rerank: %+v, want 3 ranks, highest score first", raw)
	}
	want := cases["pair"].Outputs.Logits.Data[0] // label 0 of 3
	for _, r := range raw {
		if r.Text == nil || *r.Text != texts[r.Index] {
			t.Errorf("rank %d: text %v, want %q", r.Index, r.Text, texts[r.Index])
		}
		if r.Index == 1 && math.Abs(float64(r.Score)-want) > 1e-4 {
			t.Errorf("raw score %g, transformers' logit %g", r.Score, want)
		}
	}
	var probs []rank
	ts.post(t, "/rerank", jsonOf(map[string]any{"query": pair.Text, "texts": texts})).decode(t, &probs)
	for i, r := range probs {
		sigmoid := 1 / (1 + math.Exp(-float64(raw[i].Score)))
		if r.Index != raw[i].Index || r.Text != nil || math.Abs(float64(r.Score)-sigmoid) > 1e-6 {
			t.Errorf("rank %d: %+v, want index %d, no text, sigmoid %g", i, r, raw[i].Index, sigmoid)
		}
	}
	var in map[string]any
	ts.do(t, "GET", "/info", "", nil).decode(t, &in)
	if mt := jsonOf(in["model_type"]); mt != `{"reranker":{"id2label":{"0":"LABEL_0"},"label2id":{"LABEL_0":0}}}` {
		t.Errorf("/info model_type %s", mt)
	}
	if in["model_dtype"] != "float32" { // a checkpoint directory runs in fp32
		t.Errorf("/info model_dtype %v, want float32", in["model_dtype"])
	}
}

// albert-tiny-reranker is albert-tiny with its classifier cut to label 0.
func TestTinyRerankerIsAlbertTinyLabel0(t *testing.T) {
	tiny, err := convert.ReadCheckpoint(tinyPath)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := convert.ReadCheckpoint(rerankerPath)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tiny.Names(), rr.Names()) || !slices.Equal(tiny.Tokenizer, rr.Tokenizer) {
		t.Fatal("the reranker's tensors or tokenizer are not albert-tiny's")
	}
	h := tiny.Config.HiddenSize
	for _, name := range tiny.Names() {
		want := tiny.Tensors[name].F32
		switch name {
		case "classifier.weight":
			want = want[:h]
		case "classifier.bias":
			want = want[:1]
		}
		if !slices.Equal(rr.Tensors[name].F32, want) {
			t.Errorf("%s differs from albert-tiny's", name)
		}
	}
	if labels := rr.Config.Labels(); len(labels) != 1 {
		t.Errorf("labels %v, want one", labels)
	}
	tiny.Config.ID2Label, rr.Config.ID2Label = nil, nil
	tiny.Config.NumLabels, rr.Config.NumLabels = 0, 0
	if jsonOf(tiny.Config) != jsonOf(rr.Config) {
		t.Errorf("config %s, want albert-tiny's %s", jsonOf(rr.Config), jsonOf(tiny.Config))
	}
}
