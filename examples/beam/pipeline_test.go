package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/albertq/albertq/cmd/albertq/models"
	"github.com/albertq/albertq/engine"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/memfs"
	"github.com/google/go-cmp/cmp"
)

// TestMain initializes Beam, as main does, before the tests build pipelines.
func TestMain(m *testing.M) {
	flag.Parse()
	beam.Init()
	os.Exit(m.Run())
}

// devTexts are the texts of debsec's dev set, the corpus of these tests.
func devTexts(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("../../testdata/albert-debsec/dev.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		texts = append(texts, r.Text)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return texts
}

// corpus is a test's input: files of good and bad records, and what the
// pipeline must make of them.
type corpus struct {
	dir   string
	texts map[string]string // the id (as JSON) of every usable record: its text
	dead  map[string]string // the source of every unusable record: its reason
}

// writeCorpus writes, in a new directory, texts as JSON Lines with ids
// (first half) and as plain lines (second half), plus bad records of every
// kind. The reason of a text the tokenizer refuses is the engine's.
func writeCorpus(t *testing.T, texts []string, mod *engine.Model) *corpus {
	t.Helper()
	c := &corpus{dir: t.TempDir(), texts: map[string]string{}, dead: map[string]string{}}
	var jsonl, plain bytes.Buffer
	half := len(texts) / 2
	for i, text := range texts[:half] {
		fmt.Fprintf(&jsonl, "%s\n", jsonLine(map[string]any{"id": fmt.Sprintf("dev-%d", i), "text": text}))
		c.texts[fmt.Sprintf(`"dev-%d"`, i)] = text
	}
	plainPath := filepath.Join(c.dir, "dev.txt")
	for i, text := range texts[half:] {
		fmt.Fprintf(&plain, "%s\n", text)
		c.texts[jsonLine(fmt.Sprintf("%s:%d", plainPath, i+1))] = text
	}
	plain.WriteString("\n  \ncaf\xe9 au lait\n") // blank lines are skipped
	c.dead[fmt.Sprintf("%s:%d", plainPath, len(texts)-half+3)] = "not valid UTF-8 (byte 3)"

	badPath := filepath.Join(c.dir, "bad.jsonl")
	bad := []struct{ line, reason string }{
		{"{\"id\": 1, \"text\": \"caf\xe9\"}", "not valid UTF-8 (byte 22)"},
		{"not json at all", "not a JSON object"},
		{`{"id": 3, "text": }`, "not JSON: invalid character '}' looking for beginning of value"},
		{`{"id": 4}`, `no "text"`},
		{`{"id": 5, "text": ["a", "list"]}`, `"text" is not a string`},
		{`{"id": {"pkg": "gimp", "n": [1, 2]}, "text": "an image editor"}`, ""},
		{`{"id": null, "text": "the GNU image manipulation program"}`, ""},
		{`{"id": 8, "text": "a NUL\u0000 byte"}`, ""},
	}
	var badLines bytes.Buffer
	for i, b := range bad {
		source := fmt.Sprintf("%s:%d", badPath, i+1)
		badLines.WriteString(b.line + "\n")
		if b.reason != "" {
			c.dead[source] = b.reason
		}
	}
	c.texts[`{"pkg":"gimp","n":[1,2]}`] = "an image editor"
	c.texts[jsonLine(badPath+":7")] = "the GNU image manipulation program"
	if _, err := mod.Encode("a NUL\x00 byte", ""); err != nil {
		c.dead[badPath+":8"] = err.Error()
	} else {
		c.texts["8"] = "a NUL\x00 byte"
	}

	for name, data := range map[string][]byte{"dev.jsonl": jsonl.Bytes(), "dev.txt": plain.Bytes(), "bad.jsonl": badLines.Bytes()} {
		if err := os.WriteFile(filepath.Join(c.dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// readOutput reads the JSON lines of every file dir/prefix-*.jsonl.
func readOutput(t *testing.T, dir, prefix string) []json.RawMessage {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, prefix+"-*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []json.RawMessage
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(string(data)) {
			lines = append(lines, json.RawMessage(strings.TrimSuffix(line, "\n")))
		}
	}
	return lines
}

// checkFiles checks that dir holds exactly the files named.
func checkFiles(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files in the output (-want +got):\n%s", diff)
	}
}

// runCorpus runs the pipeline over the corpus with the given task flags and
// checks its dead letters and counters; it returns the output lines by id.
func runCorpus(t *testing.T, c *corpus, mod *engine.Model, extra ...string) map[string]json.RawMessage {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	fs := flag.NewFlagSet("albertq-beam", flag.ContinueOnError)
	cfg := addFlags(fs)
	args := append([]string{"--input", filepath.Join(c.dir, "*"), "--output", out, "--batch-tokens", "700", "--shards", "3"}, extra...)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	n, err := run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}

	prefix := cfg.outputPrefix()
	checkFiles(t, out, shardName(prefix, 0, 3), shardName(prefix, 1, 3), shardName(prefix, 2, 3), shardName(deadLettersPrefix, 0, 1))
	dead := map[string]string{}
	for _, line := range readOutput(t, out, deadLettersPrefix) {
		var d deadLetter
		if err := json.Unmarshal(line, &d); err != nil {
			t.Fatal(err)
		}
		dead[d.Source] = d.Reason
	}
	if diff := cmp.Diff(c.dead, dead); diff != "" {
		t.Errorf("dead letters (-want +got):\n%s", diff)
	}

	byID := map[string]json.RawMessage{}
	for _, line := range readOutput(t, out, prefix) {
		var l struct{ ID json.RawMessage }
		if err := json.Unmarshal(line, &l); err != nil {
			t.Fatal(err)
		}
		if _, dup := byID[string(l.ID)]; dup {
			t.Errorf("id %s written twice", l.ID)
		}
		byID[string(l.ID)] = line
	}

	var want tally
	for _, text := range c.texts {
		enc, err := mod.Encode(text, "")
		if err != nil {
			t.Fatal(err)
		}
		want.Texts++
		want.Tokens += int64(len(enc.IDs))
		if enc.Truncated {
			want.Truncated++
		}
	}
	want.DeadLetters = int64(len(c.dead))
	if *n != want {
		t.Errorf("counters %+v, want %+v", n, want)
	}
	if want.Truncated == 0 {
		t.Error("the corpus has no truncated text: the truncation counter is not tested")
	}
	return byID
}

// ids returns the corpus's ids and their texts in one order.
func (c *corpus) ids() (ids, texts []string) {
	for id := range c.texts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		texts = append(texts, c.texts[id])
	}
	return ids, texts
}

// openDefault opens the embedded model, for the tests' reference results.
func openDefault(t *testing.T) *engine.Model {
	t.Helper()
	mod, err := engine.OpenBytes(models.Debsec, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mod.Close() })
	return mod
}

// decodeLines decodes the output line of each id, in the order of ids.
func decodeLines[T any](t *testing.T, got map[string]json.RawMessage, ids []string) []T {
	t.Helper()
	if len(got) != len(ids) {
		t.Errorf("%d output lines, want %d", len(got), len(ids))
	}
	out := make([]T, len(ids))
	for i, id := range ids {
		line, ok := got[id]
		if !ok {
			t.Errorf("id %s: no output line", id)
			continue
		}
		if err := json.Unmarshal(line, &out[i]); err != nil {
			t.Errorf("id %s: %v", id, err)
		}
	}
	return out
}

// TestClassifyOnPrism runs the pipeline on prism and checks that every label
// and score is the one engine.Model.Classify gives, bit for bit.
func TestClassifyOnPrism(t *testing.T) {
	mod := openDefault(t)
	c := writeCorpus(t, devTexts(t)[:160], mod)
	got := runCorpus(t, c, mod, "--task", "classify")

	ids, texts := c.ids()
	want, err := mod.Classify(texts, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range decodeLines[labelLine](t, got, ids) {
		l := want[i].Labels[0]
		if line.Label != l.Label || line.Score != l.Prob || line.Truncated != want[i].Truncated {
			t.Errorf("id %s: %s, want label %s, score %v, truncated %v", ids[i], got[ids[i]], l.Label, l.Prob, want[i].Truncated)
		}
	}
}

// TestEmbedOnPrism runs the pipeline on prism with the model read from a Beam
// file system URL, and checks that every vector is the one
// engine.Model.Embed gives, bit for bit.
func TestEmbedOnPrism(t *testing.T) {
	mod := openDefault(t)
	memfs.Write("memfs://models/debsec.albq", models.Debsec)
	c := writeCorpus(t, devTexts(t)[160:220], mod)
	got := runCorpus(t, c, mod, "--task", "embed", "--model", "memfs://models/debsec.albq", "--pool", "mean", "--normalize")

	ids, texts := c.ids()
	want, err := mod.Embed(texts, engine.PoolMean, true)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range decodeLines[embeddingLine](t, got, ids) {
		if !slices.Equal(line.Embedding, want[i].Vector) {
			t.Errorf("id %s: the vector differs from Embed's", ids[i])
		}
	}
}

// TestPooledIsEmbeds checks the vectors and labels computed from one batch's
// output (24 dev texts) against the engine's own Embed and Classify, for
// every pooling, with and without normalizing.
func TestPooledIsEmbeds(t *testing.T) {
	mod := openDefault(t)
	texts := devTexts(t)[:24]
	seqs := make([]engine.Sequence, len(texts))
	for i, text := range texts {
		enc, err := mod.Encode(text, "")
		if err != nil {
			t.Fatal(err)
		}
		seqs[i] = engine.Sequence{IDs: enc.IDs, TypeIDs: enc.TypeIDs}
	}
	out, err := mod.Run(seqs)
	if err != nil {
		t.Fatal(err)
	}
	cfg := mod.Config()
	for _, pool := range []engine.Pooling{engine.PoolMean, engine.PoolCLS, engine.PoolPooler} {
		for _, normalize := range []bool{false, true} {
			want, err := mod.Embed(texts, pool, normalize)
			if err != nil {
				t.Fatal(err)
			}
			for s := range texts {
				if got := pooled(mod, out, s, pool, normalize); !slices.Equal(got, want[s].Vector) {
					t.Errorf("%s pooling, normalize %v, text %d: differs from Embed", pool, normalize, s)
				}
			}
		}
	}
	want, err := mod.Classify(texts, 1)
	if err != nil {
		t.Fatal(err)
	}
	labels := cfg.Labels()
	for s := range texts {
		class, prob := mostProbable(mod, out, s)
		if l := want[s].Labels[0]; labels[class] != l.Label || prob != l.Prob {
			t.Errorf("text %d: %s %v, Classify says %s %v", s, labels[class], prob, l.Label, l.Prob)
		}
	}
}

// TestMistakes checks that every mistake is refused before the job starts,
// with exit code 2 for a usage mistake and 1 for a failure, and that an
// earlier run's output is never overwritten.
func TestMistakes(t *testing.T) {
	input := t.TempDir()
	if err := os.WriteFile(filepath.Join(input, "a.txt"), []byte("a game\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	earlier := t.TempDir()
	kept := []byte(`{"id":"earlier","label":"games","score":1}` + "\n")
	if err := os.WriteFile(filepath.Join(earlier, shardName("labels", 0, 1)), kept, 0o644); err != nil {
		t.Fatal(err)
	}
	ok := []string{"--input", filepath.Join(input, "*.txt"), "--output", filepath.Join(t.TempDir(), "out")}
	const mlm = "../../cmd/albertq/models/debsec-mlm.albq"
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--task", "classify", "--output", "out"}, 2, "--input is required"},
		{[]string{"--task", "classify", "--input", "x"}, 2, "--output is required"},
		{append(ok, "--task", "label"), 2, `--task must be classify or embed, not "label"`},
		{ok, 2, `--task must be classify or embed, not ""`},
		{append(ok, "--task", "embed", "--pool", "max"), 2, `--pool must be mean, cls or pooler, not "max"`},
		{append(ok, "--task", "embed", "--batch-tokens", "0"), 2, "--batch-tokens must be from 1 to 65536, not 0"},
		{append(ok, "--task", "embed", "--batch-tokens", "65537"), 2, "--batch-tokens must be from 1 to 65536, not 65537"},
		{append(ok, "--task", "embed", "--shards", "0"), 2, "--shards must be at least 1, not 0"},
		{append(ok, "--task", "embed", "--threads", "-1"), 2, "--threads must be 0 (all cores) or more, not -1"},
		{[]string{"--task", "embed", "--input", filepath.Join(input, "*.jsonl"), "--output", "out"}, 2, "matches no file"},
		{append(ok, "--task", "embed", "--model", filepath.Join(input, "none.albq")), 2, "none.albq: no such file or directory"},
		{append(ok, "--task", "classify", "--model", mlm), 1, "classify needs a sequence classification model"},
		{append(ok, "--task", "embed", "--pool", "pooler", "--model", mlm), 1, "this model has no pooler"},
		{append(ok, "--task", "embed", "--model", "memfs://nowhere.albq"), 1, "memfs://nowhere.albq"},
		{[]string{"--task", "classify", "--input", filepath.Join(input, "*.txt"), "--output", earlier}, 1, "already holds the output of a run"},
	} {
		fs := flag.NewFlagSet("albertq-beam", flag.ContinueOnError)
		cfg := addFlags(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		_, err := run(context.Background(), cfg)
		var stderr bytes.Buffer
		code := exitCode(err, &stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.msg) || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%q: exit %d, %q; want exit %d and one line with %q", tc.args, code, stderr.String(), tc.code, tc.msg)
		}
	}
	if data, err := os.ReadFile(filepath.Join(earlier, shardName("labels", 0, 1))); err != nil || !bytes.Equal(data, kept) {
		t.Errorf("the earlier output changed: %q, %v", data, err)
	}
}

// TestUsageListsEveryFlag keeps the usage text and the flags in step.
func TestUsageListsEveryFlag(t *testing.T) {
	fs := flag.NewFlagSet("albertq-beam", flag.ContinueOnError)
	addFlags(fs)
	var defined []string
	fs.VisitAll(func(f *flag.Flag) { defined = append(defined, f.Name) })
	if diff := cmp.Diff(slices.Sorted(slices.Values(ownFlags)), defined); diff != "" {
		t.Errorf("ownFlags and the defined flags (-listed +defined):\n%s", diff)
	}
	var usage bytes.Buffer
	printUsage(&usage, fs)
	for _, name := range ownFlags {
		if !strings.Contains(usage.String(), "--"+name+" ") {
			t.Errorf("the usage does not list --%s", name)
		}
	}
}
