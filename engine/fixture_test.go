package engine

import (
	"encoding/json"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/albertq/albertq/convert"
)

// The reference fixtures in testdata: random ALBERTs with the inputs given
// to Hugging Face transformers and the outputs it computed, copied unedited.
type fixture struct {
	Cases []fixtureCase `json:"cases"`
}

type fixtureCase struct {
	Name          string                     `json:"name"`
	Inputs        []map[string]string        `json:"inputs"`
	InputIDs      [][]int                    `json:"input_ids"`
	TokenTypeIDs  [][]int                    `json:"token_type_ids"`
	AttentionMask [][]int                    `json:"attention_mask"`
	Outputs       map[string]json.RawMessage `json:"outputs"`
}

type tensorJSON struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

func readFixture(t testing.TB, dir string) *fixture {
	var f fixture
	readExpected(t, dir, &f)
	return &f
}

// readExpected decodes a fixture directory's expected.json into v.
func readExpected(t testing.TB, dir string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
}

func (c *fixtureCase) output(t testing.TB, name string) *tensorJSON {
	t.Helper()
	raw, ok := c.Outputs[name]
	if !ok {
		return nil
	}
	var out tensorJSON
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %s: %v", c.Name, name, err)
	}
	return &out
}

// sequences turns a fixture case's padded batch into engine inputs, masks
// included, so padded rows are computed exactly as transformers does.
func (c *fixtureCase) sequences() []Sequence {
	seqs := make([]Sequence, len(c.InputIDs))
	for i := range seqs {
		seqs[i] = Sequence{IDs: c.InputIDs[i], Mask: c.AttentionMask[i]}
		if c.TokenTypeIDs != nil { // DistilBERT has none
			seqs[i].TypeIDs = c.TokenTypeIDs[i]
		}
	}
	return seqs
}

// maxAbsDiff compares got with the reference, element for element.
func maxAbsDiff(t testing.TB, what string, got []float32, want *tensorJSON) float64 {
	t.Helper()
	if len(got) != len(want.Data) {
		t.Fatalf("%s: %d values, reference has %d (shape %v)", what, len(got), len(want.Data), want.Shape)
	}
	worst := 0.0
	for i, w := range want.Data {
		worst = math.Max(worst, math.Abs(float64(got[i])-w))
	}
	return worst
}

// checkFixture runs every case of a fixture on mod and compares each output
// with transformers' within tol.
func checkFixture(t *testing.T, mod *Model, f *fixture, tol float64) {
	for _, c := range f.Cases {
		out, err := mod.Run(c.sequences())
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		for name, got := range map[string][]float32{
			"last_hidden_state":  out.Hidden,
			"pooler_output":      out.Pooled,
			"logits":             out.Logits,
			"sentence_embedding": sentenceEmbeddings(t, mod, c),
		} {
			want := c.output(t, name)
			if want == nil {
				continue
			}
			d := maxAbsDiff(t, c.Name+" "+name, got, want)
			if d > tol {
				t.Errorf("%s: %s differs from transformers by %g (tolerance %g)", c.Name, name, d, tol)
			}
			t.Logf("%s: %s max abs error %.2g", c.Name, name, d)
		}
	}
}

// openCheckpoint reads a Hugging Face checkpoint directory and runs it in
// fp32, as albertq.Open does; the model is closed when the test ends.
func openCheckpoint(t testing.TB, dir string, opts Options) *Model {
	t.Helper()
	m, err := convert.ReadCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := New(m, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mod.Close() })
	return mod
}

// onlyFiles copies the named files of dir into a new directory, so a test
// can read one weight format when the fixture has both.
func onlyFiles(t *testing.T, dir string, names ...string) string {
	t.Helper()
	out := t.TempDir()
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(out, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// filesBut lists the files under dir, paths relative to it, except skip.
func filesBut(t *testing.T, dir, skip string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if rel != skip {
			names = append(names, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

var fixtureDirs = []string{"../testdata/albert-tiny", "../testdata/albert-tiny-mlm"}

// bertFamilyDirs are the fixtures of the BERT family: a BERT classifier, a
// DistilBERT classifier, a sentence-transformers directory around a bare
// BERT, and a MobileBERT classifier.
var bertFamilyDirs = []string{"../testdata/bert-tiny", "../testdata/distilbert-tiny", "../testdata/minilm-tiny-st", "../testdata/mobilebert-tiny"}

// TestReproducesTransformers runs every fixture from both weight formats.
func TestReproducesTransformers(t *testing.T) {
	for _, dir := range append(fixtureDirs, bertFamilyDirs...) {
		f := readFixture(t, dir)
		weightFiles := []string{"model.safetensors", "pytorch_model.bin"}
		for i, weightsFile := range weightFiles {
			t.Run(filepath.Base(dir)+"/"+weightsFile, func(t *testing.T) {
				mod := openCheckpoint(t, onlyFiles(t, dir, filesBut(t, dir, weightFiles[1-i])...), Options{Threads: 2})
				checkFixture(t, mod, f, 1e-4)
			})
		}
	}
}

// sentenceEmbeddings is the model's own sentence embedding of each row of
// a fixture case (nil for a model without one): each row's real tokens
// run on their own, pooled as the model says and normalized if it says so,
// as SentenceTransformer.encode does.
func sentenceEmbeddings(t testing.TB, mod *Model, c fixtureCase) []float32 {
	t.Helper()
	if mod.cfg.Pooling == "" {
		return nil
	}
	var all []float32
	for _, seq := range c.sequences() {
		alone := Sequence{}
		for p, id := range seq.IDs {
			if seq.Mask[p] != 0 {
				alone.IDs, alone.TypeIDs = append(alone.IDs, id), append(alone.TypeIDs, typeID(seq, p))
			}
		}
		out, err := mod.Run([]Sequence{alone})
		if err != nil {
			t.Fatal(err)
		}
		v := mod.PoolSequence(out, 0, PoolModel)
		if mod.cfg.Normalize {
			Normalize(v)
		}
		all = append(all, v...)
	}
	return all
}
