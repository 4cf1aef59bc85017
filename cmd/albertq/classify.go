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

func classifyCmd(args []string, stdout io.Writer) error {
	fs := newFlags("classify", classifyUsage, stdout)
	mf := addModelFlags(fs, classifierDefault)
	top := fs.Int("top", 1, "how many labels to print per text (0: all)")
	asJSON := fs.Bool("json", false, "print JSON, one object per text")
	texts, mod, err := textsAndModel(fs, mf, args, nil)
	if err != nil {
		return err
	}
	defer mod.Close()
	results, err := mod.Classify(texts, *top)
	if err != nil {
		return err
	}
	truncated := make([]bool, len(results))
	for i, r := range results {
		truncated[i] = r.Truncated
	}
	warnTruncated(truncated)
	for i, r := range results {
		if *asJSON {
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
