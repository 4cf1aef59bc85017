package main

import (
	"fmt"
	"io"

	"github.com/albertq/albertq/engine"
)

const fillMaskUsage = `[--model PATH] [--top K] [--json] "text with [MASK]"... | - | --jsonl

Prints the most probable tokens for every [MASK] in each text. With no --model it
uses the embedded debsec-mlm model (trained on Debian package descriptions).
--jsonl reads one JSON object {"text": ...} per line and prints one object per
line. A text that cannot be run (no [MASK], not valid UTF-8) gets an error in
its place, {"line": N, "error": ...} in JSON; every other text is still printed,
and the command fails at the end.`

func fillMaskCmd(args []string, stdout, stderr io.Writer) error {
	cmd := newTextCommand("fill-mask", fillMaskUsage, maskedLMDefault, stdout)
	top := cmd.flags.Int("top", 5, "how many candidates to print per [MASK]")
	inputs, mod, err := cmd.start(args, nil, 0)
	if err != nil {
		return err
	}
	defer mod.Close()
	masks, errs := eachInput(inputs, func(in input) ([]engine.MaskPredictions, error) {
		return mod.FillMask(in.Text, *top)
	})
	return writeResults(stdout, stderr, "fill-mask", *cmd.asJSON, inputs, errs, func(i int) error {
		if *cmd.asJSON {
			return writeJSONLine(stdout, map[string]any{"text": inputs[i].Text, "masks": masks[i]})
		}
		fmt.Fprintln(stdout, inputs[i].Text)
		for _, m := range masks[i] {
			for _, c := range m.Candidates {
				fmt.Fprintf(stdout, "  [MASK]@%d  %-16s %.4f\n", m.Position, c.Token, c.Prob)
			}
		}
		return nil
	})
}
