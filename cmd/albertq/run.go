package main

import (
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/albertq/albertq/engine"
)

const runUsage = `[--model PATH] [--ids 2,31,7,3 | [--pair TEXT] TEXT... | - | --jsonl] [--json]

Runs the encoder on a text (or text pair, or token ids) and prints its inputs and
every output as one JSON object: last_hidden_state, pooler_output and the head's
logits (sop_logits too for a pre-training checkpoint). Several texts, - (one
text per line of standard input) or --jsonl (one JSON object {"text": ...,
"pair": ...} or {"ids": [...]} per line) print one object per input; an input
that cannot be run gets {"line": N, "error": ...} in its place, every other
input is still printed, and the command fails at the end.`

func runCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", runUsage, stdout)
	mf := addModelFlags(fs, classifierDefault)
	ids := fs.String("ids", "", "comma-separated token ids to feed directly, with no tokenizer")
	pair := fs.String("pair", "", "the second text of a pair")
	jsonl := fs.Bool("jsonl", false, "read JSON lines from standard input")
	_ = fs.Bool("json", true, "print JSON (the only output format of run)")
	texts, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	var inputs []input
	if *ids != "" {
		if len(texts) > 0 || *jsonl {
			return usagef("give either --ids, TEXT..., - or --jsonl")
		}
		in := input{arg: 1}
		if in.IDs, err = parseIDs(*ids); err != nil {
			return err
		}
		inputs = []input{in}
	} else if inputs, err = readInputs(texts, os.Stdin, *jsonl); err != nil {
		return err
	}
	for i := range inputs {
		if inputs[i].Pair == "" {
			inputs[i].Pair = *pair
		}
	}
	refuseInputs(inputs, "run", takesPairs|takesIDs)
	mod, err := mf.open()
	if err != nil {
		return err
	}
	defer mod.Close()
	docs, errs := eachInput(inputs, func(in input) (map[string]any, error) {
		seq, err := runInput(mod, in)
		if err != nil {
			return nil, err
		}
		out, err := mod.Run([]engine.Sequence{seq})
		if err != nil {
			return nil, err
		}
		return runJSON(mod, seq, out), nil
	})
	return writeResults(stdout, stderr, "run", true, inputs, errs, func(i int) error {
		return writeJSONLine(stdout, docs[i])
	})
}

// parseIDs reads --ids.
func parseIDs(s string) ([]int, error) {
	var ids []int
	for _, f := range strings.Split(s, ",") {
		id, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, usagef("--ids: %q is not a token id", f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// runInput builds the sequence of an input: its ids, or its text (and pair)
// tokenized.
func runInput(mod *engine.Model, in input) (engine.Sequence, error) {
	if in.IDs != nil {
		return engine.Sequence{IDs: in.IDs, TypeIDs: make([]int, len(in.IDs))}, nil
	}
	enc, err := mod.Encode(in.Text, in.Pair)
	if err != nil {
		return engine.Sequence{}, err
	}
	return engine.Sequence{IDs: enc.IDs, TypeIDs: enc.TypeIDs}, nil
}

// tensorOut is a tensor in the JSON output: its shape and row-major data.
type tensorOut struct {
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
}

// runJSON is run's output for one sequence, named as transformers names
// its outputs.
func runJSON(mod *engine.Model, seq engine.Sequence, out *engine.Output) map[string]any {
	n, h := len(seq.IDs), mod.Config().HiddenSize
	mask := make([]int, n)
	for i := range mask {
		mask[i] = 1
	}
	doc := map[string]any{
		"input_ids":         [][]int{seq.IDs},
		"token_type_ids":    [][]int{seq.TypeIDs},
		"attention_mask":    [][]int{mask},
		"last_hidden_state": tensorOut{[]int{1, n, h}, out.Hidden},
		"pooler_output":     tensorOut{[]int{1, h}, out.Pooled},
	}
	switch mod.Head() {
	case engine.SequenceClassification:
		doc["logits"] = tensorOut{[]int{1, out.LogitsWidth}, out.Logits}
	case engine.TokenClassification, engine.MaskedLM:
		doc["logits"] = tensorOut{[]int{1, n, out.LogitsWidth}, out.Logits}
	case engine.QuestionAnswering:
		doc["start_logits"] = tensorOut{[]int{1, n}, out.StartLogits}
		doc["end_logits"] = tensorOut{[]int{1, n}, out.EndLogits}
	}
	if out.SOPLogits != nil {
		doc["sop_logits"] = tensorOut{[]int{1, 2}, out.SOPLogits}
	}
	return doc
}
