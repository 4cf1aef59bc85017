package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/albertq/albertq/engine"
	"github.com/albertq/albertq/tokenizer"
)

const tagUsage = `--model PATH [--aggregation none|simple|first|average|max] [--ignore-labels O] [--json] TEXT... | - | --jsonl

Labels the tokens of each text with a token-classification model
(AlbertForTokenClassification: named entities, parts of speech) and prints the
entities as transformers' token-classification pipeline groups them: each
token (none), runs of tokens of one type read by their B-/I- (or BIOES)
prefixes (simple), or words labelled by their first token, their tokens'
average or their most confident token (first, average, max), then grouped.
Each entity has its label, score and [start, end) in characters of the text.
Plain output is one line per text: "word"/LABEL/score@start-end, space-separated.
--jsonl reads one JSON object {"text": ...} per line. A text that cannot be run
gets an error in its place; every other text is still printed, and the command
fails at the end.`

func tagCmd(args []string, stdout, stderr io.Writer) error {
	cmd := newTextCommand("tag", tagUsage, noDefault, stdout)
	aggregation := cmd.flags.String("aggregation", "none", "how tokens become entities: none, simple, first, average or max")
	ignore := cmd.flags.String("ignore-labels", "O", "comma-separated labels to leave out (empty: keep all)")
	inputs, mod, err := cmd.start(args, func() error {
		switch engine.Aggregation(*aggregation) {
		case engine.AggregateNone, engine.AggregateSimple, engine.AggregateFirst, engine.AggregateAverage, engine.AggregateMax:
			return nil
		}
		return usagef("--aggregation must be none, simple, first, average or max, not %q", *aggregation)
	}, 0)
	if err != nil {
		return err
	}
	defer mod.Close()
	opts := engine.TagOptions{Aggregation: engine.Aggregation(*aggregation), IgnoreLabels: []string{}}
	if *ignore != "" {
		opts.IgnoreLabels = strings.Split(*ignore, ",")
	}
	taggings, errs, err := batchErrors(inputs, func(good []input) ([]engine.Tagging, error) {
		return mod.Tag(texts(good), opts)
	})
	if err != nil {
		return err
	}
	warnTruncated(stderr, len(taggings), func(i int) bool { return taggings[i].Truncated })
	return writeResults(stdout, stderr, "tag", *cmd.asJSON, inputs, errs, func(i int) error {
		text, tg := inputs[i].Text, taggings[i]
		spans := make([]tokenizer.Span, len(tg.Entities))
		for k, e := range tg.Entities {
			spans[k] = tokenizer.Span{Start: e.Start, End: e.End}
		}
		for k, c := range tokenizer.CharSpans(text, spans) {
			tg.Entities[k].Start, tg.Entities[k].End = c.Start, c.End
		}
		if *cmd.asJSON {
			return writeJSONLine(stdout, struct {
				Text string `json:"text"`
				engine.Tagging
			}{text, tg})
		}
		fields := make([]string, len(tg.Entities))
		for k, e := range tg.Entities {
			fields[k] = fmt.Sprintf("%s/%s/%.4f@%d-%d", strconv.Quote(e.Word), e.Label, e.Score, e.Start, e.End)
		}
		_, err := fmt.Fprintln(stdout, strings.Join(fields, " "))
		return err
	})
}
