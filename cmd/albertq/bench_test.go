package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/albertq/albertq/convert"
	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

// runBenchCLI runs `albertq bench args...` and returns its exit code and output.
func runBenchCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLI(t, append([]string{"bench"}, args...)...)
}

func TestBenchJSONAndSVG(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "chart.svg")
	code, out, errOut := runBenchCLI(t, "--config", "tiny", "--time", "10ms", "--seq", "8,16", "--batch", "1,2",
		"--threads", "1,2", "--dtypes", "int8,fp16,fp32", "--json", "--svg", svg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc benchDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if doc.Machine.GOARCH == "" || doc.Machine.CPUs < 1 || doc.Machine.GoVersion == "" || len(doc.Machine.Kernels) != 3 {
		t.Errorf("incomplete machine info: %+v", doc.Machine)
	}
	type key struct {
		dtype               string
		seq, batch, threads int
	}
	seen := map[key]benchResult{}
	for _, r := range doc.Results {
		k := key{r.DType, r.Seq, r.Batch, r.Threads}
		if _, dup := seen[k]; dup {
			t.Errorf("%+v measured twice", k)
		}
		seen[k] = r
		if r.Runs < benchMinRuns || !(r.P50ms > 0 && r.P50ms <= r.P90ms && r.P90ms <= r.P99ms) || r.TokensPerSec <= 0 {
			t.Errorf("%+v: implausible timing %+v", k, r)
		}
		if r.Kernel == "" || r.ModelBytes <= 0 || r.SpeedupVsFP32 == nil {
			t.Errorf("%+v: missing fields %+v", k, r)
		}
		if r.DType == "fp32" && *r.SpeedupVsFP32 != 1 {
			t.Errorf("%+v: fp32 speed-up over itself is %v", k, *r.SpeedupVsFP32)
		}
	}
	for _, dt := range []string{"int8", "fp16", "fp32"} {
		for _, seq := range []int{8, 16} {
			for _, batch := range []int{1, 2} {
				for _, threads := range []int{1, 2} {
					if _, ok := seen[key{dt, seq, batch, threads}]; !ok {
						t.Errorf("no result for %s seq %d batch %d threads %d", dt, seq, batch, threads)
					}
				}
			}
		}
	}
	if len(doc.Results) != 24 {
		t.Errorf("%d results, want 24", len(doc.Results))
	}
	i8, f16, f32 := seen[key{"int8", 8, 1, 1}], seen[key{"fp16", 8, 1, 1}], seen[key{"fp32", 8, 1, 1}]
	if !(i8.ModelBytes < f16.ModelBytes && f16.ModelBytes < f32.ModelBytes) {
		t.Errorf("model bytes int8 %d, fp16 %d, fp32 %d: want increasing", i8.ModelBytes, f16.ModelBytes, f32.ModelBytes)
	}
	checkSVGFile(t, svg, []string{"int8", "fp16", "fp32"}, 4)
}

func TestBenchTable(t *testing.T) {
	code, out, errOut := runBenchCLI(t, "--config", "tiny", "--time", "1ms", "--seq", "8", "--batch", "1",
		"--threads", "1", "--dtypes", "fp32,int8")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 6 {
		t.Fatalf("want 2 title lines, a blank, a header and 2 rows, got:\n%s", out)
	}
	for _, want := range []string{"albert-tiny", "p50 ms", "vs fp32", "peak RSS MB"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if !strings.HasPrefix(strings.TrimSpace(lines[4]), "int8") || !strings.Contains(lines[5], "1.00x") {
		t.Errorf("want int8 first and fp32 at 1.00x:\n%s", out)
	}
}

// TestBenchModelFile benchmarks an int8 .albq: int8 as stored, fp32 from
// its widened weights.
func TestBenchModelFile(t *testing.T) {
	cfg, err := convert.Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	q, err := quant.QuantizeModel(convert.Random(cfg, 3), modelfile.I8, false)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tiny.albq")
	if err := modelfile.WriteFile(path, q, false); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runBenchCLI(t, "--model", path, "--time", "1ms", "--seq", "8", "--batch", "1",
		"--threads", "1", "--dtypes", "int8,fp32", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc benchDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Model != "tiny.albq" || len(doc.Results) != 2 || doc.Results[0].ModelBytes != storedBytes(q) {
		t.Errorf("model %q, results %+v", doc.Model, doc.Results)
	}
	if code, _, errOut := runBenchCLI(t, "--model", path, "--seq", "513"); code != 2 || !strings.Contains(errOut, "max_position_embeddings") {
		t.Errorf("--seq 513 on a 512-position model: exit %d, %q", code, errOut)
	}
}

// --kernels forces the kernels the engine runs on, as in every command.
func TestBenchForcedKernels(t *testing.T) {
	code, out, errOut := runBenchCLI(t, "--config", "tiny", "--time", "1ms", "--seq", "8", "--batch", "1",
		"--threads", "1", "--dtypes", "int8,fp32", "--kernels", "generic", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc benchDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for kind, name := range doc.Machine.Kernels {
		if name != "generic" {
			t.Errorf("machine: %s kernel %q, want generic", kind, name)
		}
	}
	for _, r := range doc.Results {
		if r.Kernel != "generic" {
			t.Errorf("%s: kernel %q, want generic", r.DType, r.Kernel)
		}
	}
}

func TestBenchGEMM(t *testing.T) {
	// Small shapes keep the generic kernels quick; the real ones are for people.
	saved := benchKernelShapes
	benchKernelShapes = [][3]int{{8, 64, 32}, {5, 32, 48}}
	t.Cleanup(func() { benchKernelShapes = saved })
	code, out, errOut := runBenchCLI(t, "--gemm", "--time", "1ms", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc benchKernelsDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	shapes := map[[3]int]bool{}
	for _, r := range doc.Results {
		shapes[[3]int{r.M, r.K, r.N}] = true
		if r.GOPS <= 0 || r.Name == "" {
			t.Errorf("implausible %+v", r)
		}
	}
	for _, sh := range benchKernelShapes {
		if !shapes[sh] {
			t.Errorf("shape %v not timed", sh)
		}
	}
}

func TestBenchUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--seq", "0"},
		{"--seq", "abc"},
		{"--seq", "16,"},
		{"--seq", "600"},
		{"--batch", "-1"},
		{"--threads", "0"},
		{"--dtypes", "int4"},
		{"--config", "huge"},
		{"--time", "0s"},
		{"--time", "soon"},
		{"--model", "x.albq", "--config", "base"},
		{"--gemm", "--seq", "8"},
		{"--gemm", "--svg", "x.svg"},
		{"--gemm", "--kernels", "generic"},
		{"--kernels", "no-such-kernel", "--seq", "8"},
		{"--svg", "no/such/dir/chart.svg"},
		{"extra"},
	} {
		code, _, errOut := runBenchCLI(t, args...)
		if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%q: exit %d, stderr %q; want 2 and one line", args, code, errOut)
		}
	}
}

// Several --config sizes run in one bench: every result names its model,
// each model's speed-ups are over its own fp32, the table has a model
// column, and the chart has a line per model and dtype in each panel.
func TestBenchSeveralConfigs(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "chart.svg")
	args := []string{"--config", "tiny, minilm-l6", "--time", "1ms", "--seq", "8", "--batch", "1", "--threads", "1", "--dtypes", "int8,fp32"}
	code, out, errOut := runBenchCLI(t, append(args, "--json", "--svg", svg)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc benchDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Configs) != 2 || doc.Configs[1].ModelType != "bert" || len(doc.Results) != 4 {
		t.Fatalf("configs %d, results %+v", len(doc.Configs), doc.Results)
	}
	for i, want := range []string{"albert-tiny", "albert-tiny", "minilm-l6", "minilm-l6"} {
		r := doc.Results[i]
		if !strings.HasPrefix(r.Model, want) || r.SpeedupVsFP32 == nil || (r.DType == "fp32") != (*r.SpeedupVsFP32 == 1) {
			t.Errorf("result %d: %+v, want model %s with its own fp32 speed-up", i, r, want)
		}
	}
	checkSVGFile(t, svg, []string{"int8", "fp32"}, 2)
	code, out, _ = runBenchCLI(t, args...)
	if code != 0 || !strings.Contains(out, "model  dtype") || !strings.Contains(out, "minilm-l6   int8") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
}
