package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/albertq/albertq"
	"github.com/albertq/albertq/engine"
)

// mixedBatch is the reference texts (valid, some with NUL characters) with
// a line that is not UTF-8 after every seventh, as --jsonl lines or as
// plain lines for -. want[i] is the reference of output line i, nil where
// an error belongs. Plain lines leave out the texts a line cannot carry.
func mixedBatch(t *testing.T, jsonl bool) (input string, want []*reference) {
	var b strings.Builder
	for _, r := range albertReferences(t) {
		if !jsonl && (strings.ContainsAny(r.Text, "\r\n") || strings.TrimSpace(r.Text) == "") {
			continue
		}
		if jsonl {
			line, _ := json.Marshal(map[string]string{"text": r.Text})
			b.Write(line)
		} else {
			b.WriteString(r.Text)
		}
		b.WriteByte('\n')
		want = append(want, &r)
		if len(want)%7 == 0 {
			if jsonl {
				b.WriteString("{\"text\": \"caf\xe9 \x00\"}\n")
			} else {
				b.WriteString("caf\xe9 \x00\n")
			}
			want = append(want, nil)
		}
	}
	return b.String(), want
}

// A batch of valid, NUL-bearing and invalid UTF-8 lines through classify
// and embed, --jsonl and - --json: each valid line's output is what its
// reference ids give alone (so NUL lines are tokenized as transformers
// does), an error object stands in the place of each invalid line, and the
// command exits 1 at the end.
func TestBatchOfMixedLines(t *testing.T) {
	const dir = "../../testdata/albert-tiny"
	mod, err := albertq.Open(dir, engine.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer mod.Close()
	alone := func(r *reference) *engine.Output {
		out, err := mod.Run([]engine.Sequence{{IDs: truncated(r.IDs, 64)}})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, cmd := range []string{"classify", "embed"} {
		for _, mode := range []string{"--jsonl", "-"} {
			input, want := mixedBatch(t, mode == "--jsonl")
			var code int
			var out, errOut string
			args := []string{cmd, "--model", dir, "--json", mode}
			if cmd == "classify" {
				args = append(args, "--top", "0")
			}
			withStdin(t, input, func() { code, out, errOut = runCLI(t, args...) })
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != len(want) {
				t.Fatalf("%s %s: %d output lines for %d inputs", cmd, mode, len(lines), len(want))
			}
			bad, nul := 0, 0
			for i, line := range lines {
				var got struct {
					Labels    []engine.Label
					Embedding []float32
					Line      int
					Error     string
				}
				if err := json.Unmarshal([]byte(line), &got); err != nil {
					t.Fatalf("%s %s: line %d: %v", cmd, mode, i+1, err)
				}
				if want[i] == nil {
					bad++
					if got.Error != "text is not valid UTF-8 (byte 3)" && got.Error != "text is not valid UTF-8 (byte 13)" || got.Line != i+1 {
						t.Errorf("%s %s: line %d: %s, want an error object", cmd, mode, i+1, line)
					}
					continue
				}
				nul += strings.Count(want[i].Text, "\x00")
				ref := alone(want[i])
				var d float64
				switch cmd {
				case "classify":
					probs := append([]float32(nil), ref.Logits...)
					mod.Kernels().Softmax(probs, 1)
					if len(got.Labels) != len(probs) {
						t.Fatalf("%s %s: line %d: %s", cmd, mode, i+1, line)
					}
					for _, l := range got.Labels {
						d = math.Max(d, math.Abs(float64(l.Prob-probs[l.ID])))
					}
				case "embed":
					vec := mod.PoolSequence(ref, 0, engine.PoolMean)
					if len(got.Embedding) != len(vec) {
						t.Fatalf("%s %s: line %d: %s", cmd, mode, i+1, line)
					}
					for j := range vec {
						d = math.Max(d, math.Abs(float64(got.Embedding[j]-vec[j])))
					}
				}
				if d > 1e-5 {
					t.Errorf("%s %s: line %d %q differs from its reference ids run alone by %g", cmd, mode, i+1, want[i].Text, d)
				}
			}
			if code != 1 || !strings.Contains(errOut, "inputs failed") {
				t.Errorf("%s %s: exit %d, stderr %q", cmd, mode, code, errOut)
			}
			if bad < 3 || nul < 3 {
				t.Errorf("%s %s: %d invalid lines, %d NUL characters: too few to say much", cmd, mode, bad, nul)
			}
		}
	}
}

// Without --json a failed input leaves an empty line in its place (the
// output keeps one line per input) and its error on stderr.
func TestBatchPlainOutputKeepsItsLines(t *testing.T) {
	var code int
	var out, errOut string
	withStdin(t, "a text\ncaf\xe9\nanother text\n", func() {
		code, out, errOut = runCLI(t, "classify", "-")
	})
	lines := strings.Split(out, "\n")
	if code != 1 || len(lines) != 4 || !strings.HasSuffix(lines[0], "\ta text") || lines[1] != "" || !strings.HasSuffix(lines[2], "\tanother text") {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errOut, "albertq classify: line 2: text is not valid UTF-8 (byte 3)") {
		t.Errorf("stderr %q", errOut)
	}
}
