package main

import (
	"fmt"
	"io"
)

const sopUsage = `--model PATH [--json] FIRST SECOND | --jsonl

Prints the probability that SECOND follows FIRST in order, from the
sentence-order head ALBERT was pre-trained with (an AlbertForPreTraining
checkpoint, which also has the masked-LM head). --jsonl reads one JSON object
{"text": FIRST, "pair": SECOND} per line and prints one object per line; a line
that cannot be run gets {"line": N, "error": ...} in its place, every other line
is still printed, and the command fails at the end.`

func sopCmd(args []string, stdout, stderr io.Writer) error {
	cmd := newTextCommand("sop", sopUsage, noDefault, stdout)
	inputs, mod, err := cmd.start(args, nil, takesPairs)
	if err != nil {
		return err
	}
	defer mod.Close()
	if !*cmd.jsonl {
		if len(inputs) != 2 || inputs[0].line > 0 || inputs[1].line > 0 {
			return usagef("give two segments, FIRST SECOND, or --jsonl")
		}
		inputs = []input{{Text: inputs[0].Text, Pair: inputs[1].Text, arg: 1}}
	}
	probs, errs, err := batchErrors(inputs, func(good []input) ([]float32, error) {
		pairs := make([][2]string, len(good))
		for i, in := range good {
			pairs[i] = [2]string{in.Text, in.Pair}
		}
		return mod.SentenceOrder(pairs)
	})
	if err != nil {
		return err
	}
	return writeResults(stdout, stderr, "sop", *cmd.asJSON, inputs, errs, func(i int) error {
		if *cmd.asJSON {
			return writeJSONLine(stdout, struct {
				Text    string  `json:"text"`
				Pair    string  `json:"pair"`
				InOrder float32 `json:"in_order"`
			}{inputs[i].Text, inputs[i].Pair, probs[i]})
		}
		_, err := fmt.Fprintf(stdout, "%.4f\n", probs[i])
		return err
	})
}
