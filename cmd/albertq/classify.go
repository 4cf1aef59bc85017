package main

import (
	"fmt"
	"io"

	"github.com/albertq/albertq/engine"
)

const classifyUsage = `[--model PATH] [--top K] [--json] [--pair TEXT] TEXT... | - | --jsonl

Prints the most probable label of each text (one text per argument; - reads one
text per line from standard input). With no --model it uses the embedded debsec
model, which tells a Debian package's section from its description.

--pair TEXT classifies each text paired with TEXT, [CLS] text [SEP] TEXT [SEP],
as a cross-encoder (re-ranker, NLI model) is used. --jsonl reads one JSON object
{"text": ..., "pair": ...} per line ("pair" optional) and prints one object per
line. An input that cannot be run (not valid UTF-8, or too long with
--no-truncate) gets an error in its place, {"line": N, "error": ...} in JSON,
an empty line otherwise; every other input is still printed, and the command
fails at the end.`

func classifyCmd(args []string, stdout, stderr io.Writer) error {
	cmd := newTextCommand("classify", classifyUsage, classifierDefault, stdout)
	top := cmd.flags.Int("top", 1, "how many labels to print per text (0: all)")
	pair := cmd.flags.String("pair", "", "the second text of every pair (classify text pairs)")
	inputs, mod, err := cmd.start(args, nil, takesPairs)
	if err != nil {
		return err
	}
	defer mod.Close()
	if *pair != "" {
		for i := range inputs {
			if inputs[i].Pair == "" {
				inputs[i].Pair = *pair
			}
		}
	}
	results, errs, err := batchErrors(inputs, func(good []input) ([]engine.Classification, error) {
		pairs := make([][2]string, len(good))
		for i, in := range good {
			pairs[i] = [2]string{in.Text, in.Pair}
		}
		return mod.ClassifyPairs(pairs, *top)
	})
	if err != nil {
		return err
	}
	warnTruncated(stderr, len(results), func(i int) bool { return results[i].Truncated })
	return writeResults(stdout, stderr, "classify", *cmd.asJSON, inputs, errs, func(i int) error {
		if *cmd.asJSON {
			return writeJSONLine(stdout, struct {
				Text string `json:"text"`
				Pair string `json:"pair,omitempty"`
				engine.Classification
			}{inputs[i].Text, inputs[i].Pair, results[i]})
		}
		for _, l := range results[i].Labels {
			fmt.Fprintf(stdout, "%s\t%.4f\t", l.Label, l.Prob)
		}
		_, err := fmt.Fprintf(stdout, "%s\n", inputs[i].Text)
		return err
	})
}
