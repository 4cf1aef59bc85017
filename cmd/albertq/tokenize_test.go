package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// withStdin runs f with standard input reading input.
func withStdin(t *testing.T, input string, f func()) {
	t.Helper()
	name := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(name, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	stdin := os.Stdin
	os.Stdin = in
	defer func() { os.Stdin = stdin }()
	f()
}

// reference is a text with the ids a transformers tokenizer gave it.
type reference struct {
	Text string `json:"text"`
	IDs  []int  `json:"ids"`
}

// albertReferences returns texts with AlbertTokenizer's ids over
// albert-tiny's spiece.model: the tagger fixture's texts (one with two NUL
// characters), the NUL example, and the single texts of the
// tokenizer cases.
func albertReferences(t *testing.T) []reference {
	var tagger struct {
		Cases []struct {
			Text     string  `json:"text"`
			InputIDs [][]int `json:"input_ids"`
		}
	}
	readTestJSON(t, "../../tokenizer/testdata/albert-tagger-texts.json", &tagger)
	refs := []reference{{Text: "x\x00y", IDs: []int{2, 13, 41, 1, 50, 3}}}
	for _, c := range tagger.Cases {
		refs = append(refs, reference{c.Text, c.InputIDs[0]})
	}
	var cases struct {
		Cases []struct {
			reference
			TextPair *string `json:"text_pair"`
		}
	}
	readTestJSON(t, "../../tokenizer/testdata/tokenizer-cases.json", &cases)
	for _, c := range cases.Cases {
		if c.TextPair == nil {
			refs = append(refs, c.reference)
		}
	}
	return refs
}

// truncated is the reference's single-text truncation to maxLen: the ids
// up to maxLen-1, then the last ([SEP]).
func truncated(ids []int, maxLen int) []int {
	if len(ids) <= maxLen {
		return ids
	}
	return append(slices.Clone(ids[:maxLen-1]), ids[len(ids)-1])
}

func readTestJSON(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// A batch of valid, NUL-bearing and invalid UTF-8 lines through tokenize
// --jsonl: every valid line id for id with the reference (truncated at the
// model's 64 positions), in order; an error object in the place of each
// invalid line; exit code 1 at the end.
func TestTokenizeJSONLBatch(t *testing.T) {
	refs := albertReferences(t)
	var input strings.Builder
	var want []*reference // nil: an error object
	for i, r := range refs {
		line, _ := json.Marshal(map[string]string{"text": r.Text})
		input.Write(line)
		input.WriteByte('\n')
		want = append(want, &refs[i])
		if i%20 == 1 {
			input.WriteString("{\"text\": \"caf\xe9 \x00\"}\n") // Latin-1, not UTF-8
			want = append(want, nil)
		}
	}
	nul := 0
	for _, r := range refs {
		nul += strings.Count(r.Text, "\x00")
	}
	var code int
	var out, errOut string
	withStdin(t, input.String(), func() {
		code, out, errOut = runCLI(t, "tokenize", "--model", "../../testdata/albert-tiny", "--jsonl")
	})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d output lines for %d input lines", len(lines), len(want))
	}
	bad := 0
	for i, line := range lines {
		var got struct {
			InputIDs []int    `json:"input_ids"`
			Offsets  [][2]int `json:"offsets"`
			Line     int      `json:"line"`
			Error    string   `json:"error"`
		}
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if want[i] == nil {
			bad++
			if got.Line != i+1 || got.Error != "text is not valid UTF-8 (byte 13)" {
				t.Errorf("line %d: %s, want an error object", i+1, line)
			}
			continue
		}
		if !slices.Equal(got.InputIDs, truncated(want[i].IDs, 64)) || len(got.Offsets) != len(got.InputIDs) {
			t.Errorf("line %d %q: %s\nwant ids %v", i+1, want[i].Text, line, want[i].IDs)
		}
	}
	if code != 1 || !strings.Contains(errOut, "inputs failed") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	t.Logf("%d lines, %d NUL characters, %d invalid lines", len(want), nul, bad)
	if nul < 4 || bad < 3 {
		t.Errorf("the batch is too small to say much")
	}
}

// tokenize works on a WordPiece directory too (truncating at its
// model_max_length, 64), and shows offsets in characters.
func TestTokenizeWordPiece(t *testing.T) {
	var f struct {
		Cases []struct {
			Text     string  `json:"text"`
			TextPair *string `json:"text_pair"`
			Uncased  struct {
				IDs []int `json:"ids"`
			}
		}
	}
	readTestJSON(t, "../../tokenizer/testdata/wordpiece-cases.json", &f)
	for _, c := range f.Cases {
		args := []string{"tokenize", "--model", "../../tokenizer/testdata/wordpiece"}
		if c.TextPair != nil {
			args = append(args, "--pair", *c.TextPair)
		}
		args = append(args, "--", c.Text)
		code, out, errOut := runCLI(t, args...)
		var got struct {
			InputIDs []int `json:"input_ids"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &got) != nil || !slices.Equal(got.InputIDs, truncated(c.Uncased.IDs, 64)) {
			t.Errorf("%q: exit %d, %s %s\nwant ids %v", c.Text, code, out, errOut, c.Uncased.IDs)
		}
	}
	_, out, _ := runCLI(t, "tokenize", "--model", "../../tokenizer/testdata/wordpiece", "--pair", "Zürich", "é Café!")
	want := `"tokens":["[CLS]","e","cafe","!","[SEP]","zurich","[SEP]"],"offsets":[[0,0],[0,1],[2,6],[6,7],[0,0],[0,6],[0,0]]`
	if !strings.Contains(out, want) {
		t.Errorf("output %s\nwant %s", out, want)
	}
}
