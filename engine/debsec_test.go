package engine

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/albertq/albertq/convert"
	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

// albert-debsec is a small ALBERT really trained to tell a Debian package's
// section from its description (testdata/albert-debsec, the checkpoint the
// CLI's embedded debsec.albq was converted from).
const debsecDir = "../testdata/albert-debsec"

type devExample struct {
	Text  string `json:"text"`
	Label string `json:"label"`
}

func readJSONL[T any](t testing.TB, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// TestDebsecMatchesTransformers checks ids and logits of the first 20 dev
// texts against transformers' outputs.
func TestDebsecMatchesTransformers(t *testing.T) {
	type expected struct {
		Text     string    `json:"text"`
		InputIDs []int     `json:"input_ids"`
		Logits   []float64 `json:"logits"`
	}
	mod := openCheckpoint(t, debsecDir, Options{})
	for i, e := range readJSONL[expected](t, filepath.Join(debsecDir, "expected-dev.jsonl")) {
		enc, err := mod.Encode(e.Text, "")
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(enc.IDs) != fmt.Sprint(e.InputIDs) {
			t.Fatalf("text %d: ids differ from transformers'", i)
		}
		out, err := mod.Run([]Sequence{{IDs: enc.IDs, TypeIDs: enc.TypeIDs}})
		if err != nil {
			t.Fatal(err)
		}
		if d := maxAbsDiff(t, "logits", out.Logits, &tensorJSON{Data: e.Logits}); d > 1e-4 {
			t.Errorf("text %d: logits differ from transformers' by %g", i, d)
		}
	}
}

// TestDebsecInt8Accuracy is issue 6's accuracy bar: on the dev set, int8
// (dynamic, calibrated and per-tensor) within 0.5 points of fp32.
func TestDebsecInt8Accuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("the dev set takes a while without SIMD kernels")
	}
	dev := readJSONL[devExample](t, filepath.Join(debsecDir, "dev.jsonl"))
	texts := make([]string, len(dev))
	for i, d := range dev {
		texts[i] = d.Text
	}
	calibration := texts[:100]
	src, err := convert.ReadCheckpoint(debsecDir)
	if err != nil {
		t.Fatal(err)
	}
	accuracy := func(m *modelfile.Model) float64 {
		mod, err := New(m, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer mod.Close()
		res, err := mod.Classify(texts, 1)
		if err != nil {
			t.Fatal(err)
		}
		right := 0
		for i, r := range res {
			if r.Labels[0].Label == dev[i].Label {
				right++
			}
		}
		return 100 * float64(right) / float64(len(dev))
	}
	quantized := func(dt modelfile.DType, perTensor, calibrate bool) *modelfile.Model {
		q, err := quant.QuantizeModel(src, dt, perTensor)
		if err != nil {
			t.Fatal(err)
		}
		if calibrate {
			fp32, err := New(src, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer fp32.Close()
			var seqs []Sequence
			for _, text := range calibration {
				enc, err := fp32.Encode(text, "")
				if err != nil {
					t.Fatal(err)
				}
				seqs = append(seqs, Sequence{IDs: enc.IDs, TypeIDs: enc.TypeIDs})
			}
			if q.ActScales, err = fp32.Calibrate(seqs); err != nil {
				t.Fatal(err)
			}
		}
		return q
	}
	fp32 := accuracy(src)
	t.Logf("| variant | dev accuracy (%d texts) |", len(dev))
	t.Logf("| fp32 | %.2f%% |", fp32)
	t.Logf("| fp16 | %.2f%% |", accuracy(quantized(modelfile.F16, false, false)))
	for _, v := range []struct {
		name                 string
		perTensor, calibrate bool
	}{
		{"int8 dynamic", false, false},
		{"int8 calibrated (first 100 dev texts)", false, true},
		{"int8 per-tensor", true, false},
	} {
		acc := accuracy(quantized(modelfile.I8, v.perTensor, v.calibrate))
		t.Logf("| %s | %.2f%% |", v.name, acc)
		if d := acc - fp32; d < -0.5 || d > 0.5 {
			t.Errorf("%s: accuracy %.2f%% is %.2f points from fp32's %.2f%%", v.name, acc, d, fp32)
		}
	}
}
