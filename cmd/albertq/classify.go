package main

import (
	"fmt"
	"io"

	"github.com/albertq/albertq/engine"
)

const classifyUsage = `[--model PATH] [--top K] [--json] TEXT... | -

Prints the most probable label of each text (one text per argument; - reads one
text per line from standard input). With no --model it uses the embedded debsec
model, which tells a Debian package's section from its description.`

func classifyCmd(args []string, stdout, stderr io.Writer) error {
	cmd := newTextCommand("classify", classifyUsage, classifierDefault, stdout)
	top := cmd.flags.Int("top", 1, "how many labels to print per text (0: all)")
	texts, mod, err := cmd.start(args, nil)
	if err != nil {
		return err
	}
	defer mod.Close()
	results, err := mod.Classify(texts, *top)
	if err != nil {
		return err
	}
	warnTruncated(stderr, len(results), func(i int) bool { return results[i].Truncated })
	for i, r := range results {
		if *cmd.asJSON {
			if err := writeJSONLine(stdout, struct {
				Text string `json:"text"`
				engine.Classification
			}{texts[i], r}); err != nil {
				return err
			}
			continue
		}
		for _, l := range r.Labels {
			fmt.Fprintf(stdout, "%s\t%.4f\t", l.Label, l.Prob)
		}
		fmt.Fprintf(stdout, "%s\n", texts[i])
	}
	return nil
}
