package main

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the CLI in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = mainExit(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestDefaultModelsWorkOffline(t *testing.T) {
	code, out, errOut := runCLI(t, "classify", "a multiplayer first-person shooter with network play")
	if code != 0 || !strings.HasPrefix(out, "games\t") {
		t.Fatalf("classify: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "fill-mask", "--json", "perl [MASK] to parse configuration files")
	var fm struct {
		Masks []struct {
			Candidates []struct{ Token string }
		}
	}
	if code != 0 || json.Unmarshal([]byte(out), &fm) != nil || fm.Masks[0].Candidates[0].Token != "module" {
		t.Fatalf("fill-mask: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "embed", "--normalize", "--json", "a puzzle game for children")
	var emb struct{ Embedding []float32 }
	if code != 0 || json.Unmarshal([]byte(out), &emb) != nil || len(emb.Embedding) != 256 {
		t.Fatalf("embed: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, c := range commands() {
		code, out, _ := runCLI(t, c.name, "--help")
		if code != 0 || strings.Count(out, "Usage: albertq "+c.name) != 1 {
			t.Errorf("%s --help: exit %d, output %q", c.name, code, out)
		}
	}
	if code, out, _ := runCLI(t, "--help"); code != 0 || !strings.Contains(out, "classify") {
		t.Errorf("--help: exit %d, output %q", code, out)
	}
}

// A usage mistake is one line on stderr and exit code 2.
func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"classify", "--no-such-flag", "x"},
		{"classify", "--model", "/no/such/model", "x"},
		{"embed", "--pool", "sum", "x"},
		{"run", "--ids", "1,x"},
		{"convert", "--in", "../../testdata/albert-tiny"},
		{"convert", "--in", "x", "--out", "y", "--dtype", "int4"},
		{"serve", "--max-batch-tokens", "0"},
		{"serve", "--model", "../../testdata/albert-tiny-mlm", "--pool", "pooler"},
		{"serve", "--max-client-batch-size", "64", "--max-concurrent-requests", "8"},
		{"serve", "an-argument"},
		{"info", "extra"},
		{"no-such-command"},
	} {
		code, _, errOut := runCLI(t, args...)
		if code != 2 || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line", args, code, errOut)
		}
	}
}

// checkpointWith copies the albert-tiny fixture's config with the given
// weights file, so each test breaks one thing.
func checkpointWith(t *testing.T, name string, data []byte) string {
	t.Helper()
	dir := t.TempDir()
	cfg, err := os.ReadFile("../../testdata/albert-tiny/config.json")
	if err != nil {
		t.Fatal(err)
	}
	for file, content := range map[string][]byte{"config.json": cfg, name: data} {
		if err := os.WriteFile(filepath.Join(dir, file), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// safetensors builds a file from a raw JSON header and a data section.
func safetensors(header string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(header)))
	b.WriteString(header)
	b.Write(data)
	return b.Bytes()
}

// reshaped rewrites one tensor's shape in a safetensors header, keeping its
// byte count, so the file is sound but no longer fits the config.
func reshaped(t *testing.T, file []byte, name string, shape []int) []byte {
	n := binary.LittleEndian.Uint64(file)
	var header map[string]map[string]any
	if err := json.Unmarshal(file[8:8+n], &header); err != nil {
		t.Fatal(err)
	}
	header[name]["shape"] = shape
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	return safetensors(string(h), file[8+n:])
}

// hostilePickle is a torch.save zip whose data.pkl calls os.system.
func hostilePickle(t *testing.T) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, err := z.CreateHeader(&zip.FileHeader{Name: "archive/data.pkl", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("\x80\x02cos\nsystem\nX\x02\x00\x00\x00ls\x85R."))
	z.Close()
	return b.Bytes()
}

// Broken checkpoints fail with exit code 1 and one line that names the file
// and the problem: never a panic or a stack trace.
func TestBadCheckpointsFailClearly(t *testing.T) {
	good, err := os.ReadFile("../../testdata/albert-tiny/model.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, file string
		data       []byte
		want       string // a piece of the message
	}{
		{"truncated safetensors", "model.safetensors", good[:len(good)/2], "model.safetensors"},
		{"offsets past the end", "model.safetensors", safetensors(`{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}`, make([]byte, 8)), "past the end"},
		{"absurd header size", "model.safetensors", append(binary.LittleEndian.AppendUint64(nil, 1<<50), good[8:]...), "header"},
		{"shape not matching the config", "model.safetensors", reshaped(t, good, "albert.embeddings.word_embeddings.weight", []int{1000, 64}), "embeddings.word_embeddings.weight"},
		{"missing tensor", "model.safetensors", safetensors(`{"pooler.bias":{"dtype":"F32","shape":[64],"data_offsets":[0,256]}}`, make([]byte, 256)), "missing"},
		{"pickle calling os.system", "pytorch_model.bin", hostilePickle(t), "os.system"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := checkpointWith(t, c.file, c.data)
			code, _, errOut := runCLI(t, "run", "--model", dir, "--ids", "2,3")
			if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) ||
				strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine") {
				t.Errorf("exit %d, stderr %q; want 1 and one line mentioning %q", code, errOut, c.want)
			}
			if c.name != "pickle calling os.system" && !strings.Contains(errOut, c.file) {
				t.Errorf("message %q does not name %s", errOut, c.file)
			}
		})
	}
}

// run prints the fixture's numbers for a case's ids, and for its text.
func TestRunMatchesFixture(t *testing.T) {
	var f struct {
		Cases []struct {
			Inputs   []struct{ Text string }    `json:"inputs"`
			InputIDs [][]int                    `json:"input_ids"`
			Outputs  map[string]json.RawMessage `json:"outputs"`
		}
	}
	data, err := os.ReadFile("../../testdata/albert-tiny/expected.json")
	if err != nil || json.Unmarshal(data, &f) != nil {
		t.Fatal("reading expected.json", err)
	}
	c := f.Cases[0]
	ids := strings.Trim(jsonString(c.InputIDs[0]), "[]")
	for _, input := range [][]string{{"--ids", ids}, {c.Inputs[0].Text}} {
		code, out, errOut := runCLI(t, append([]string{"run", "--model", "../../testdata/albert-tiny", "--json"}, input...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		checkRunOutput(t, out, c.Outputs)
	}
}

// checkRunOutput compares run's JSON with the fixture's tensors.
func checkRunOutput(t *testing.T, out string, outputs map[string]json.RawMessage) {
	t.Helper()
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	type tensor struct {
		Shape []int
		Data  []float64
	}
	for _, name := range []string{"last_hidden_state", "pooler_output", "logits"} {
		var want, g tensor
		if json.Unmarshal(outputs[name], &want) != nil || json.Unmarshal(got[name], &g) != nil {
			t.Fatalf("%s: not a tensor", name)
		}
		if jsonString(g.Shape) != jsonString(want.Shape) {
			t.Fatalf("%s: shape %v, want %v", name, g.Shape, want.Shape)
		}
		for i := range want.Data {
			if d := g.Data[i] - want.Data[i]; d > 1e-4 || d < -1e-4 {
				t.Fatalf("%s[%d] = %g, want %g", name, i, g.Data[i], want.Data[i])
			}
		}
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Text longer than the model takes is cut, and classify and embed both say
// so on stderr, naming the text.
func TestTruncationIsReported(t *testing.T) {
	long := strings.Repeat("a library for parsing configuration files ", 60)
	for _, cmd := range []string{"classify", "embed"} {
		code, _, errOut := runCLI(t, cmd, "a short text", long)
		if code != 0 || !strings.Contains(errOut, "1 of 2 texts were longer than the model takes and were truncated (text 2)") {
			t.Errorf("%s: exit %d, stderr %q", cmd, code, errOut)
		}
	}
	code, out, errOut := runCLI(t, "embed", "--json", "a short text", long)
	var lines []struct{ Truncated bool }
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var l struct{ Truncated bool }
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("embed --json: %v in %q", err, line)
		}
		lines = append(lines, l)
	}
	if code != 0 || len(lines) != 2 || lines[0].Truncated || !lines[1].Truncated {
		t.Errorf("embed --json: exit %d, truncation flags %v, stderr %q", code, lines, errOut)
	}
}
