package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

// answer prints the pipeline's answers for the QA fixture's first case
// (top 3, the fixture's window settings), with character offsets.
func TestAnswerCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "answer", "--model", "../../testdata/albert-tiny-qa",
		"--question", "Where does Wolfgang live?", "--context", "My name is Wolfgang and I live in Berlin.",
		"--top-k", "3", "--max-seq-len", "64", "--doc-stride", "16", "--max-answer-len", "15")
	want := "0.0045\t11\t19\t\"Wolfgang\"\n0.0045\t8\t19\t\"is Wolfgang\"\n0.0042\t20\t25\t\"and I\"\n"
	if code != 0 || out != want {
		t.Errorf("exit %d, stdout %q, stderr %q, want %q", code, out, errOut, want)
	}
	code, out, _ = runCLI(t, "answer", "--model", "../../testdata/albert-tiny-qa", "--json", "--handle-impossible",
		"--question", "Who wrote the letter from Málaga?", "--context", "The letter was written by José Nuñez in Málaga and posted in Zürich on 3 May 1999.")
	if code != 0 || !strings.HasPrefix(out, `{"question":"Who wrote the letter from Málaga?","answers":[{"answer":"José Nuñez","start":26,"end":36,"score":0.00334`) {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	for _, args := range [][]string{
		{"answer", "--model", "../../testdata/albert-tiny-qa", "--question", "q"},
		{"answer", "--question", "q", "--context", "c"},
		{"answer", "--model", "../../testdata/albert-tiny-qa", "--question", "q", "--context", "c", "--top-k", "0"},
	} {
		if code, _, errOut := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, stderr %q, want a usage error", args, code, errOut)
		}
	}
	if code, _, errOut := runCLI(t, "answer", "--model", "../../testdata/albert-tiny", "--question", "q", "--context", "c"); code != 1 || !strings.Contains(errOut, "needs a question-answering model") {
		t.Errorf("a classifier: exit %d, stderr %q", code, errOut)
	}
}

// tag prints entities with their spans in characters (José is 4 characters
// and 5 bytes), one line per text.
func TestTagCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "tag", "--model", "../../testdata/albert-tiny-tagger", "--json", "--aggregation", "first", "--ignore-labels", "", "José Nuñez flew from Málaga")
	var got struct {
		Entities []struct {
			Word       string
			Start, End int
		}
	}
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || len(got.Entities) != 5 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	text := []rune("José Nuñez flew from Málaga")
	for i, w := range []string{"José", "Nuñez", "flew", "from", "Málaga"} {
		e := got.Entities[i]
		if e.Word != w || string(text[e.Start:e.End]) != w {
			t.Errorf("entity %d: %+v, want %q at its characters", i, e, w)
		}
	}
	if code, _, errOut := runCLI(t, "tag", "--model", "../../testdata/albert-tiny-tagger", "--aggregation", "word", "x"); code != 2 {
		t.Errorf("--aggregation word: exit %d, stderr %q", code, errOut)
	}
}

// sop prints the softmax of the pre-training head's sop_logits; run prints
// sop_logits too, and run --jsonl takes texts, pairs and ids, with an error
// object for a line it cannot run.
func TestSentenceOrderCommands(t *testing.T) {
	const dir = "../../testdata/albert-tiny-pretraining"
	var f struct {
		Cases []struct {
			Name    string
			Outputs struct {
				SOPLogits struct{ Data []float64 } `json:"sop_logits"`
			}
		}
	}
	readTestJSON(t, dir+"/expected.json", &f)
	var sop []float64
	for _, c := range f.Cases {
		if c.Name == "pair" {
			sop = c.Outputs.SOPLogits.Data
		}
	}
	code, out, errOut := runCLI(t, "sop", "--model", dir, "Is it new?", "No.")
	if want := fmt.Sprintf("%.4f\n", 1/(1+math.Exp(sop[1]-sop[0]))); code != 0 || out != want {
		t.Errorf("sop: exit %d, stdout %q, stderr %q, want %q", code, out, errOut, want)
	}
	if code, _, _ := runCLI(t, "sop", "--model", dir, "one segment"); code != 2 {
		t.Errorf("sop with one segment: exit %d, want 2", code)
	}
	var lines []string
	withStdin(t, "{\"text\": \"Is it new?\", \"pair\": \"No.\"}\n{\"ids\": [2, 31, 7, 3]}\n{\"ids\": [2, 99999]}\n{\"text\": \"x\\u0000y\"}\n", func() {
		code, out, errOut = runCLI(t, "run", "--model", dir, "--jsonl")
		lines = strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	})
	if code != 1 || len(lines) != 4 {
		t.Fatalf("run --jsonl: exit %d, %d lines, stderr %q", code, len(lines), errOut)
	}
	var first struct {
		SOPLogits struct{ Data []float64 } `json:"sop_logits"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || len(first.SOPLogits.Data) != 2 ||
		math.Abs(first.SOPLogits.Data[0]-sop[0]) > 1e-4 || math.Abs(first.SOPLogits.Data[1]-sop[1]) > 1e-4 {
		t.Errorf("run: sop_logits %v, transformers %v (%v)", first.SOPLogits.Data, sop, err)
	}
	if !strings.HasPrefix(lines[2], `{"line":3,"error":"engine: sequence 0: token id 99999`) || !strings.Contains(lines[1], `"input_ids":[[2,31,7,3]]`) || !strings.Contains(lines[3], `"input_ids":[[2,13,41,1,50,3]]`) {
		for _, l := range lines[1:] {
			t.Errorf("run --jsonl: %.200s", l)
		}
	}
}

// answer --jsonl answers each {"question", "context"} line, with an error
// object in place of a line it cannot answer.
func TestAnswerLines(t *testing.T) {
	input := `{"question": "Where does Wolfgang live?", "context": "My name is Wolfgang and I live in Berlin."}
{"question": "Where?", "context": "caf` + "\xe9" + `"}
{"text": "not a question"}
{"question": "What is the door code?", "context": "The door code is 12\u000034, the safe code is AB\u0000CD and \u0000 marks nothing."}
`
	var code int
	var out, errOut string
	withStdin(t, input, func() {
		code, out, errOut = runCLI(t, "answer", "--model", "../../testdata/albert-tiny-qa", "--jsonl", "--max-seq-len", "64", "--doc-stride", "16", "--max-answer-len", "15")
	})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 1 || len(lines) != 4 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	for i, want := range []string{
		`{"question":"Where does Wolfgang live?","answers":[{"answer":"Wolfgang","start":11,"end":19,"score":0.0044`,
		`{"line":2,"error":"text is not valid UTF-8`,
		`{"line":3,"error":"albertq answer takes {\"question\": ..., \"context\": ...}`,
		`{"question":"What is the door code?","answers":[{"answer":"is AB\u0000CD","start":38,"end":46,"score":0.0046`,
	} {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("line %d: %s\nwant %s...", i+1, lines[i], want)
		}
	}
}

// classify --pair scores a text pair as transformers does (the albert-tiny
// fixture's pair: softmax of its logits), and a --jsonl line's own "pair"
// the same.
func TestClassifyPair(t *testing.T) {
	logits := []float64{0.24184191, 0.033861466, 0.22431843} // expected.json, case "pair"
	var sum float64
	for _, l := range logits {
		sum += math.Exp(l)
	}
	check := func(what, out string) {
		var got struct {
			Pair   string
			Labels []struct {
				ID          int
				Probability float64
			}
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Labels) != 3 || got.Pair == "" {
			t.Fatalf("%s: %q", what, out)
		}
		for _, l := range got.Labels {
			if want := math.Exp(logits[l.ID]) / sum; math.Abs(l.Probability-want) > 1e-5 {
				t.Errorf("%s: label %d: %v, transformers %v", what, l.ID, l.Probability, want)
			}
		}
	}
	code, out, errOut := runCLI(t, "classify", "--model", "../../testdata/albert-tiny", "--json", "--top", "0",
		"--pair", "I'm doing great, thanks for asking!", "How are you doing today?")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	check("--pair", out)
	withStdin(t, `{"text": "How are you doing today?", "pair": "I'm doing great, thanks for asking!"}`+"\n", func() {
		code, out, errOut = runCLI(t, "classify", "--model", "../../testdata/albert-tiny", "--jsonl", "--top", "0")
	})
	if code != 0 {
		t.Fatalf("--jsonl: exit %d, stderr %q", code, errOut)
	}
	check("--jsonl", out)
}
