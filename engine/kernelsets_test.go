package engine

import (
	"testing"

	"github.com/albertq/albertq/convert"
	"github.com/albertq/albertq/kernels"
	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

// checkpointAndInt8 reads the checkpoint in dir and quantizes it to int8
// (per channel, dynamic activation scales).
func checkpointAndInt8(t *testing.T, dir string) (src, q *modelfile.Model) {
	t.Helper()
	src, err := convert.ReadCheckpoint(dir)
	if err == nil {
		q, err = quant.QuantizeModel(src, modelfile.I8, false)
	}
	if err != nil {
		t.Fatal(err)
	}
	return src, q
}

// runCases runs every case of f on mod.
func runCases(t *testing.T, mod *Model, f *fixture) []*Output {
	t.Helper()
	var outs []*Output
	for _, c := range f.Cases {
		out, err := mod.Run(c.sequences())
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		outs = append(outs, out)
	}
	return outs
}

// TestEveryKernelSetRunsTheModel opens one model per kernel set this CPU
// can run (Options.Kernels), each beside the others in one process: the
// model runs on the set it was opened with, fp32 matches transformers within
// 1e-4 on every set, and int8 (whose attention runs the sets' quantizing
// softmax and row quantizers) stays within cosine 0.9999 of the generic
// set's int8 and gives the same argmax.
func TestEveryKernelSetRunsTheModel(t *testing.T) {
	if testing.Short() {
		t.Skip("CI runs the engine tests once per kernel set; this is the side-by-side check")
	}
	dir := fixtureDirs[0]
	f := readFixture(t, dir)
	src, q := checkpointAndInt8(t, dir)
	open := func(m *modelfile.Model, set string) *Model {
		mod, err := New(m, Options{Threads: 2, Kernels: set})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { mod.Close() })
		if mod.Kernels().Name != set {
			t.Fatalf("opened with kernel set %s, runs on %s", set, mod.Kernels().Name)
		}
		return mod
	}
	want := runCases(t, open(q, "generic"), f)
	for _, s := range kernels.Available() {
		t.Run(s.Name, func(t *testing.T) {
			checkFixture(t, open(src, s.Name), f, 1e-4)
			for i, got := range runCases(t, open(q, s.Name), f) {
				name := f.Cases[i].Name
				if cos := quant.Cosine(want[i].Hidden, got.Hidden); cos < 0.9999 {
					t.Errorf("%s: int8 last_hidden_state cosine %.6f to generic's", name, cos)
				}
				wa, ga := argmaxRows(want[i].Logits, want[i].LogitsWidth), argmaxRows(got.Logits, got.LogitsWidth)
				for r := range wa {
					if wa[r] != ga[r] {
						t.Errorf("%s: int8 row %d argmax %d, generic gives %d", name, r, ga[r], wa[r])
					}
				}
			}
		})
	}
}
