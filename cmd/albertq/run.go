package main

import (
	"io"
	"strconv"
	"strings"

	"github.com/albertq/albertq/engine"
)

const runUsage = `[--model PATH] [--ids 2,31,7,3 | [--pair TEXT] TEXT] [--json]

Runs the encoder on one text (or text pair, or token ids) and prints its
inputs and every output: last_hidden_state, pooler_output and the head's logits.`

func runCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", runUsage, stdout)
	mf := addModelFlags(fs, classifierDefault)
	ids := fs.String("ids", "", "comma-separated token ids to feed directly, with no tokenizer")
	pair := fs.String("pair", "", "the second text of a pair")
	_ = fs.Bool("json", true, "print JSON (the only output format of run)")
	texts, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if (*ids == "") == (len(texts) == 0) || len(texts) > 1 {
		return usagef("give either --ids or one TEXT")
	}
	mod, err := mf.open()
	if err != nil {
		return err
	}
	defer mod.Close()
	seq, err := runInput(mod, *ids, texts, *pair)
	if err != nil {
		return err
	}
	out, err := mod.Run([]engine.Sequence{seq})
	if err != nil {
		return err
	}
	return writeRunJSON(stdout, mod, seq, out)
}

// runInput builds the sequence from --ids or from the text.
func runInput(mod *engine.Model, ids string, texts []string, pair string) (engine.Sequence, error) {
	if ids == "" {
		enc, err := mod.Encode(texts[0], pair)
		if err != nil {
			return engine.Sequence{}, err
		}
		return engine.Sequence{IDs: enc.IDs, TypeIDs: enc.TypeIDs}, nil
	}
	var seq engine.Sequence
	for _, f := range strings.Split(ids, ",") {
		id, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return seq, usagef("--ids: %q is not a token id", f)
		}
		seq.IDs = append(seq.IDs, id)
	}
	seq.TypeIDs = make([]int, len(seq.IDs))
	return seq, nil
}

// tensorOut is a tensor in the JSON output: its shape and row-major data.
type tensorOut struct {
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
}

func writeRunJSON(w io.Writer, mod *engine.Model, seq engine.Sequence, out *engine.Output) error {
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
	return writeJSONLine(w, doc)
}
