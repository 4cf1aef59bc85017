package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/albertq/albertq/convert"
	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

// refModel is a plain float64 BERT and DistilBERT written from the papers
// and transformers' modules, loop by loop, with none of the engine's code:
// the reference for configurations the fixtures do not cover. It is itself
// checked against transformers on the bert-tiny and distilbert-tiny
// fixtures (TestReferenceReproducesTransformers).
type refModel struct {
	c *modelfile.Config
	t map[string][]float64
}

func newRefModel(t testing.TB, m *modelfile.Model) *refModel {
	r := &refModel{c: &m.Config, t: map[string][]float64{}}
	for name, tensor := range m.Tensors {
		x, err := quant.Float32s(tensor)
		if err != nil {
			t.Fatal(err)
		}
		r.t[name] = make([]float64, len(x))
		for i, v := range x {
			r.t[name][i] = float64(v)
		}
	}
	return r
}

func (r *refModel) distil() bool { return r.c.ModelType == modelfile.DistilBERT }

// dense returns x·Wᵀ + b for the Linear called name, x rows of width in.
func (r *refModel) dense(name string, x [][]float64) [][]float64 {
	w, b := r.t[name+".weight"], r.t[name+".bias"]
	in := len(x[0])
	out := len(b)
	y := make([][]float64, len(x))
	for i, row := range x {
		y[i] = make([]float64, out)
		for o := range out {
			s := b[o]
			for k := range in {
				s += row[k] * w[o*in+k]
			}
			y[i][o] = s
		}
	}
	return y
}

// layerNorm returns LayerNorm(x + res) with the norm called name.
func (r *refModel) layerNorm(name string, x, res [][]float64) [][]float64 {
	g, b := r.t[name+".weight"], r.t[name+".bias"]
	y := make([][]float64, len(x))
	for i, row := range x {
		v := make([]float64, len(row))
		mean := 0.0
		for j := range row {
			v[j] = row[j]
			if res != nil {
				v[j] += res[i][j]
			}
			mean += v[j]
		}
		mean /= float64(len(v))
		variance := 0.0
		for _, e := range v {
			variance += (e - mean) * (e - mean)
		}
		variance /= float64(len(v))
		for j := range v {
			v[j] = (v[j]-mean)/math.Sqrt(variance+r.c.LayerNormEps)*g[j] + b[j]
		}
		y[i] = v
	}
	return y
}

func (r *refModel) act(x [][]float64) {
	for _, row := range x {
		for j, v := range row {
			switch r.c.HiddenAct {
			case "gelu":
				row[j] = 0.5 * v * (1 + math.Erf(v/math.Sqrt2))
			case "gelu_new":
				row[j] = 0.5 * v * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(v+0.044715*v*v*v)))
			case "gelu_fast":
				row[j] = 0.5 * v * (1 + math.Tanh(0.7978845608*v*(1+0.044715*v*v)))
			case "relu":
				row[j] = max(v, 0)
			}
		}
	}
}

// forward returns the last hidden states of one unpadded sequence and the
// head's logits (nil for a bare model).
func (r *refModel) forward(ids, types []int) (hidden, logits [][]float64) {
	c := r.c
	h := c.HiddenSize
	x := make([][]float64, len(ids))
	for p, id := range ids {
		x[p] = make([]float64, h)
		for j := range h {
			x[p][j] = r.t["embeddings.word_embeddings.weight"][id*h+j] + r.t["embeddings.position_embeddings.weight"][p*h+j]
			if !r.distil() {
				x[p][j] += r.t["embeddings.token_type_embeddings.weight"][types[p]*h+j]
			}
		}
	}
	x = r.layerNorm("embeddings.LayerNorm", x, nil)
	names := []string{"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
		"attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"}
	if r.distil() {
		names = []string{"attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin",
			"sa_layer_norm", "ffn.lin1", "ffn.lin2", "output_layer_norm"}
	}
	heads := c.NumAttentionHeads
	d := h / heads
	for l := range c.NumHiddenLayers {
		p := fmt.Sprintf("encoder.layer.%d.", l)
		if r.distil() {
			p = fmt.Sprintf("transformer.layer.%d.", l)
		}
		q, k, v := r.dense(p+names[0], x), r.dense(p+names[1], x), r.dense(p+names[2], x)
		ctx := make([][]float64, len(ids))
		for i := range ctx {
			ctx[i] = make([]float64, h)
		}
		for hd := range heads {
			for i := range ids {
				scores := make([]float64, len(ids))
				top := math.Inf(-1)
				for j := range ids {
					for e := range d {
						scores[j] += q[i][hd*d+e] * k[j][hd*d+e]
					}
					scores[j] /= math.Sqrt(float64(d))
					top = max(top, scores[j])
				}
				sum := 0.0
				for j := range scores {
					scores[j] = math.Exp(scores[j] - top)
					sum += scores[j]
				}
				for j := range ids {
					for e := range d {
						ctx[i][hd*d+e] += scores[j] / sum * v[j][hd*d+e]
					}
				}
			}
		}
		attn := r.layerNorm(p+names[4], r.dense(p+names[3], ctx), x)
		inner := r.dense(p+names[5], attn)
		r.act(inner)
		x = r.layerNorm(p+names[7], r.dense(p+names[6], inner), attn)
	}
	first := [][]float64{x[0]}
	switch task(c) {
	case "ForSequenceClassification":
		if r.distil() {
			pre := r.dense("pre_classifier", first)
			for j, v := range pre[0] {
				pre[0][j] = max(v, 0)
			}
			return x, r.dense("classifier", pre)
		}
		pooled := r.dense("pooler.dense", first)
		for j, v := range pooled[0] {
			pooled[0][j] = math.Tanh(v)
		}
		return x, r.dense("classifier", pooled)
	case "ForTokenClassification":
		return x, r.dense("classifier", x)
	case "ForQuestionAnswering":
		return x, r.dense("qa_outputs", x)
	}
	return x, nil
}

// checkAgainstReference runs every case on the engine and the reference,
// each text unpadded, and compares hidden states and logits.
func checkAgainstReference(t *testing.T, mod *Model, ref *refModel, seqs []Sequence, tol float64) {
	t.Helper()
	for s, seq := range seqs {
		out, err := mod.Run([]Sequence{seq})
		if err != nil {
			t.Fatal(err)
		}
		types := seq.TypeIDs
		if types == nil {
			types = make([]int, len(seq.IDs))
		}
		hidden, logits := ref.forward(seq.IDs, types)
		worst := 0.0
		for p, row := range hidden {
			for j, v := range row {
				worst = max(worst, math.Abs(v-float64(out.Hidden[p*len(row)+j])))
			}
		}
		if worst > tol {
			t.Errorf("sequence %d: last_hidden_state differs from the reference by %g", s, worst)
		}
		var flat []float64
		for _, row := range logits {
			flat = append(flat, row...)
		}
		if out.StartLogits != nil { // question answering: each token's start and end
			for p := range out.StartLogits {
				out.Logits = append(out.Logits, out.StartLogits[p], out.EndLogits[p])
			}
		}
		if len(flat) != len(out.Logits) {
			t.Fatalf("sequence %d: %d logits, the reference has %d", s, len(out.Logits), len(flat))
		}
		for i, v := range flat {
			if d := math.Abs(v - float64(out.Logits[i])); d > tol {
				t.Errorf("sequence %d: logit %d differs from the reference by %g", s, i, d)
				break
			}
		}
	}
}

// unpadded returns each row of a fixture case without its padding.
func unpadded(c fixtureCase) []Sequence {
	var out []Sequence
	for _, seq := range c.sequences() {
		var s Sequence
		for p, id := range seq.IDs {
			if seq.Mask[p] != 0 {
				s.IDs = append(s.IDs, id)
				if seq.TypeIDs != nil {
					s.TypeIDs = append(s.TypeIDs, seq.TypeIDs[p])
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// TestReferenceReproducesTransformers trusts the reference: on the BERT
// and DistilBERT fixtures it matches transformers (compared through the
// engine, which matches transformers within 1e-4 on them).
func TestReferenceReproducesTransformers(t *testing.T) {
	for _, dir := range []string{"../testdata/bert-tiny", "../testdata/distilbert-tiny"} {
		m, err := convert.ReadCheckpoint(dir)
		if err != nil {
			t.Fatal(err)
		}
		mod, err := New(m, Options{Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		ref := newRefModel(t, m)
		for _, c := range readFixture(t, dir).Cases {
			for i, seq := range unpadded(c) {
				if len(c.InputIDs) > 1 {
					continue // padded rows differ from a text alone
				}
				types := seq.TypeIDs
				if types == nil {
					types = make([]int, len(seq.IDs))
				}
				hidden, _ := ref.forward(seq.IDs, types)
				want := c.output(t, "last_hidden_state")
				worst := 0.0
				for p, row := range hidden {
					for j, v := range row {
						worst = max(worst, math.Abs(v-want.Data[(i*len(hidden)+p)*len(row)+j]))
					}
				}
				if worst > 1e-4 {
					t.Errorf("%s: %s: the reference differs from transformers by %g", dir, c.Name, worst)
				}
			}
			checkAgainstReference(t, mod, ref, unpadded(c), 1e-4)
		}
	}
}

// randomBERT builds a BERT-family checkpoint of config c with weights far
// from transformers' small init (so that a wrong detail shows): matrices
// N(0, 0.2), biases N(0, 0.2), LayerNorm weights U(0.5, 1.5).
func randomBERT(c modelfile.Config, seed uint64) *modelfile.Model {
	arch := c.Architectures
	m := convert.Random(c, seed)
	m.Config.Architectures = arch
	rng := rand.New(rand.NewPCG(seed, 7))
	h := c.HiddenSize
	labels := len(c.Labels())
	add := func(name string, out, in int) {
		m.Tensors[name+".weight"] = &modelfile.Tensor{DType: modelfile.F32, Shape: []int{out, in}, F32: make([]float32, out*in)}
		m.Tensors[name+".bias"] = &modelfile.Tensor{DType: modelfile.F32, Shape: []int{out}, F32: make([]float32, out)}
	}
	switch task(&m.Config) {
	case "ForSequenceClassification":
		if c.ModelType == modelfile.DistilBERT {
			add("pre_classifier", h, h)
		}
		add("classifier", labels, h)
	case "ForTokenClassification":
		add("classifier", labels, h)
	case "ForQuestionAnswering":
		add("qa_outputs", 2, h)
	}
	for _, name := range m.Names() {
		x := m.Tensors[name].F32
		for i := range x {
			switch {
			case strings.Contains(name, "position_embeddings") && c.SinusoidalPosEmbds:
				// create_sinusoidal_embeddings: sin on even columns, cos on odd.
				pos, j := i/h, i%h
				angle := float64(pos) / math.Pow(10000, float64(2*(j/2))/float64(h))
				x[i] = float32(math.Sin(angle + float64(j%2)*math.Pi/2))
			case strings.HasSuffix(name, "norm.weight") || strings.HasSuffix(name, "LayerNorm.weight"):
				x[i] = float32(0.5 + rng.Float64())
			default:
				x[i] = float32(rng.NormFloat64() * 0.2)
			}
		}
	}
	return m
}

// bertConfig is a small BERT-family config: hidden h, heads heads.
func bertConfig(modelType string, h, heads int, arch string) modelfile.Config {
	c := modelfile.Config{
		ModelType: modelType, Architectures: []string{arch}, VocabSize: 50, EmbeddingSize: h, HiddenSize: h,
		NumHiddenLayers: 2, NumHiddenGroups: 1, InnerGroupNum: 1, NumAttentionHeads: heads, IntermediateSize: 2*h + 3,
		HiddenAct: "gelu", MaxPositionEmbeddings: 40, TypeVocabSize: 2, LayerNormEps: 1e-12, NumLabels: 3,
	}
	if modelType == modelfile.DistilBERT {
		c.TypeVocabSize = 0
	}
	return c
}

// TestBERTFamilyConfigurations runs configurations the fixtures do not
// have against the reference: every hidden_act, another layer-norm epsilon,
// odd head sizes (TinyBERT's 26, and 13), token classification and
// question answering heads, DistilBERT's sinusoidal positions, in fp32 and
// (cosine ≥ 0.99) int8.
func TestBERTFamilyConfigurations(t *testing.T) {
	type variant struct {
		name string
		cfg  modelfile.Config
	}
	var variants []variant
	for _, act := range []string{"gelu", "gelu_new", "gelu_fast", "relu"} {
		c := bertConfig(modelfile.BERT, 32, 4, "BertForSequenceClassification")
		c.HiddenAct = act
		variants = append(variants, variant{"bert/" + act, c})
	}
	eps := bertConfig(modelfile.BERT, 32, 2, "BertModel")
	eps.LayerNormEps = 0.05
	variants = append(variants, variant{"bert/eps-0.05", eps})
	variants = append(variants,
		variant{"bert/head-size-26", bertConfig(modelfile.BERT, 78, 3, "BertForTokenClassification")},
		variant{"bert/head-size-13", bertConfig(modelfile.BERT, 52, 4, "BertForQuestionAnswering")},
		variant{"distilbert/relu", func() modelfile.Config {
			c := bertConfig(modelfile.DistilBERT, 32, 4, "DistilBertForSequenceClassification")
			c.HiddenAct = "relu"
			return c
		}()},
		variant{"distilbert/token-classification", bertConfig(modelfile.DistilBERT, 40, 5, "DistilBertForTokenClassification")},
	)
	sinusoidal := bertConfig(modelfile.DistilBERT, 24, 3, "DistilBertForQuestionAnswering")
	sinusoidal.SinusoidalPosEmbds = true
	variants = append(variants, variant{"distilbert/sinusoidal", sinusoidal})

	rng := rand.New(rand.NewPCG(1, 2))
	var seqs []Sequence
	for _, n := range []int{1, 2, 7, 40} {
		s := Sequence{IDs: make([]int, n), TypeIDs: make([]int, n)}
		for p := range n {
			s.IDs[p], s.TypeIDs[p] = rng.IntN(50), p*2/n
		}
		seqs = append(seqs, s)
	}
	for i, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			m := randomBERT(v.cfg, uint64(i+1))
			mod, err := New(m, Options{Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer mod.Close()
			checkAgainstReference(t, mod, newRefModel(t, m), seqs, 1e-4)

			q, err := quant.QuantizeModel(m, modelfile.I8, false)
			if err != nil {
				t.Fatal(err)
			}
			q8, err := New(q, Options{Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer q8.Close()
			want, _ := mod.Run(seqs)
			got, err := q8.Run(seqs)
			if err != nil {
				t.Fatal(err)
			}
			if cos := quant.Cosine(want.Hidden, got.Hidden); cos < 0.99 {
				t.Errorf("int8 last_hidden_state cosine %.5f", cos)
			}
		})
	}
}
