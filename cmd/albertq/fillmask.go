package main

import (
	"fmt"
	"io"
)

const fillMaskUsage = `[--model PATH] [--top K] [--json] "text with [MASK]"... | -

Prints the most probable tokens for every [MASK] in each text. With no --model it
uses the embedded debsec-mlm model (trained on Debian package descriptions).`

func fillMaskCmd(args []string, stdout, stderr io.Writer) error {
	cmd := newTextCommand("fill-mask", fillMaskUsage, maskedLMDefault, stdout)
	top := cmd.flags.Int("top", 5, "how many candidates to print per [MASK]")
	texts, mod, err := cmd.start(args, nil)
	if err != nil {
		return err
	}
	defer mod.Close()
	for i, text := range texts {
		masks, err := mod.FillMask(text, *top)
		if err != nil {
			return fmt.Errorf("text %d: %w", i+1, err)
		}
		if *cmd.asJSON {
			if err := writeJSONLine(stdout, map[string]any{"text": text, "masks": masks}); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintln(stdout, text)
		for _, m := range masks {
			for _, c := range m.Candidates {
				fmt.Fprintf(stdout, "  [MASK]@%d  %-16s %.4f\n", m.Position, c.Token, c.Prob)
			}
		}
	}
	return nil
}
