package main

import (
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/albertq/albertq/engine"
	"github.com/albertq/albertq/tokenizer"
)

const answerUsage = `--model PATH (--question Q --context C | --jsonl) [--top-k N] [--max-answer-len 30] [--doc-stride N] [--handle-impossible] [--json]

Finds the answer to a question in a context with an extractive question-answering
model (AlbertForQuestionAnswering), as transformers' question-answering pipeline
does: a context longer than a window (--max-seq-len tokens, question included)
is split into windows that start --doc-stride context tokens apart, the best
spans over all windows are widened to whole words, and each is printed with its
score and its [start, end) in characters of the context, best first. With
--handle-impossible the empty answer (the context does not answer) competes too,
as SQuAD 2 models are used.

--json prints {"question": ..., "answers": [{"answer", "start", "end", "score"}]}.
--jsonl reads one JSON object {"question": ..., "context": ...} per line and
prints one such object per line; a line that cannot be answered gets
{"line": N, "error": ...} in its place, every other line is still answered, and
the command fails at the end.`

func answerCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("answer", answerUsage, stdout)
	mf := addModelFlags(fs, noDefault)
	question := fs.String("question", "", "the question")
	context := fs.String("context", "", "the text that holds the answer")
	var opts engine.AnswerOptions
	fs.IntVar(&opts.TopK, "top-k", 1, "how many answers to print")
	fs.IntVar(&opts.MaxAnswerLen, "max-answer-len", 30, "the longest answer, in tokens")
	fs.IntVar(&opts.MaxSeqLen, "max-seq-len", 0, "tokens per window (0: 384 or the model's maximum if fewer)")
	fs.IntVar(&opts.DocStride, "doc-stride", 0, "context tokens between the starts of two windows (0: 128 or half a window if less)")
	fs.IntVar(&opts.MaxQuestionLen, "max-question-len", 64, "question tokens kept")
	fs.BoolVar(&opts.HandleImpossible, "handle-impossible", false, "let the empty answer compete (SQuAD 2 models)")
	asJSON := fs.Bool("json", false, "print JSON")
	jsonl := fs.Bool("jsonl", false, `read one JSON object {"question": ..., "context": ...} per line from standard input; implies --json`)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	switch {
	case *jsonl && (*question != "" || *context != ""):
		return usagef("give --question and --context, or --jsonl")
	case !*jsonl && (*question == "" || *context == ""):
		return usagef("give --question and --context (or --jsonl)")
	case opts.TopK < 1 || opts.MaxAnswerLen < 1 || opts.MaxSeqLen < 0 || opts.DocStride < 0 || opts.MaxQuestionLen < 1:
		return usagef("--top-k, --max-answer-len and --max-question-len must be at least 1, --max-seq-len and --doc-stride at least 0")
	}
	inputs := []input{{Question: *question, Context: *context, arg: 1}}
	if *jsonl {
		var err error
		if inputs, err = readInputs(nil, os.Stdin, true); err != nil {
			return err
		}
		refuseInputs(inputs, "answer", takesQuestions)
	}
	mod, err := mf.open()
	if err != nil {
		return err
	}
	defer mod.Close()
	results, errs := eachInput(inputs, func(in input) ([]engine.Answer, error) {
		answers, err := mod.Answer(in.Question, in.Context, opts)
		for i, a := range answers { // character offsets, as Python counts
			chars := tokenizer.CharSpans(in.Context, []tokenizer.Span{{Start: a.Start, End: a.End}})[0]
			answers[i].Start, answers[i].End = chars.Start, chars.End
		}
		return answers, err
	})
	return writeResults(stdout, stderr, "answer", *asJSON || *jsonl, inputs, errs, func(i int) error {
		if *asJSON || *jsonl {
			return writeJSONLine(stdout, struct {
				Question string          `json:"question"`
				Answers  []engine.Answer `json:"answers"`
			}{inputs[i].Question, results[i]})
		}
		for _, a := range results[i] {
			if _, err := fmt.Fprintf(stdout, "%.4f\t%d\t%d\t%s\n", a.Score, a.Start, a.End, strconv.Quote(a.Text)); err != nil {
				return err
			}
		}
		return nil
	})
}
