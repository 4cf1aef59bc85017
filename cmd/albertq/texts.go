package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/albertq/albertq/engine"
	"github.com/albertq/albertq/tokenizer"
)

// input is one text (or pair, token ids, question and context) to run: a
// TEXT argument, a line of standard input, or a JSON line. err is why it
// cannot be run (a JSON line that is not such an object, or not valid
// UTF-8, or that the command does not take); the other inputs run all the
// same.
type input struct {
	Text, Pair        string
	IDs               []int  // token ids instead of text (run --jsonl)
	Question, Context string // answer --jsonl
	line              int    // its line on standard input, 0 for an argument
	arg               int    // its place among the arguments, from 1
	err               error
}

// where names the input in messages: its line or argument.
func (in input) where() string {
	if in.line > 0 {
		return fmt.Sprintf("line %d", in.line)
	}
	return fmt.Sprintf("text %d", in.arg)
}

// readInputs returns the TEXT arguments, with "-" replaced by the lines of
// standard input (one text per line, empty lines skipped), or with jsonl
// the JSON lines of standard input (arguments are then a usage mistake).
func readInputs(args []string, stdin io.Reader, jsonl bool) ([]input, error) {
	switch {
	case jsonl && len(args) > 0:
		return nil, usagef("--jsonl reads standard input: give no TEXT")
	case jsonl:
		return readInputLines(stdin, jsonInput)
	case len(args) == 0:
		return nil, usagef("give at least one TEXT (or - to read texts from standard input, or --jsonl)")
	}
	var inputs []input
	for i, a := range args {
		if a != "-" {
			inputs = append(inputs, input{Text: a, arg: i + 1})
			continue
		}
		lines, err := readInputLines(stdin, func(line []byte) input { return input{Text: string(line)} })
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, lines...)
	}
	return inputs, nil
}

// readInputLines reads r's lines that are not blank, each made an input by
// parse.
func readInputLines(r io.Reader, parse func(line []byte) input) ([]input, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var inputs []input
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimRight(sc.Bytes(), "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		in := parse(line)
		in.line = n
		inputs = append(inputs, in)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading standard input: %w", err)
	}
	return inputs, nil
}

// jsonInput reads a JSON line {"text": ..., "pair": ...}, {"ids": [...]}
// or {"question": ..., "context": ...}; which of them a command takes,
// refuseInputs checks. The line's bytes are checked first: JSON decoding
// would quietly turn invalid UTF-8 into U+FFFD.
func jsonInput(line []byte) input {
	var in input
	if !utf8.Valid(line) {
		in.err = tokenizer.CheckUTF8(string(line))
		return in
	}
	var fields struct {
		Text                    *string
		Pair, Question, Context string
		IDs                     []int
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fields); err != nil {
		in.err = fmt.Errorf("not a JSON object {\"text\": ..., \"pair\": ...}: %v", err)
		return in
	}
	in.Pair, in.Question, in.Context, in.IDs = fields.Pair, fields.Question, fields.Context, fields.IDs
	switch {
	case fields.Text != nil:
		in.Text = *fields.Text
	case fields.IDs == nil && fields.Question == "" && fields.Context == "":
		in.err = errors.New(`the object has no "text"`)
	}
	return in
}

// inputError is what a command prints with --json or --jsonl in place of an
// input it could not run.
type inputError struct {
	Line  int    `json:"line,omitempty"`
	Text  int    `json:"text,omitempty"`
	Error string `json:"error"`
}

// batchErrors runs call on the inputs that were read without error, in
// order, and returns each input's result in its place, and each input's
// error (nil when it succeeded): its own, or the one call's *BatchError
// gives it. Any other error of call is returned as err.
func batchErrors[R any](inputs []input, call func([]input) ([]R, error)) (results []R, errs []error, err error) {
	var good []input
	var at []int
	errs = make([]error, len(inputs))
	for i, in := range inputs {
		if in.err != nil {
			errs[i] = in.err
			continue
		}
		good, at = append(good, in), append(at, i)
	}
	results = make([]R, len(inputs))
	if len(good) == 0 {
		return results, errs, nil
	}
	got, err := call(good)
	var failed *engine.BatchError
	if err != nil && !errors.As(err, &failed) {
		return nil, nil, err
	}
	for k, i := range at {
		if failed != nil && failed.Errs[k] != nil {
			errs[i] = failed.Errs[k]
			continue
		}
		results[i] = got[k]
	}
	return results, errs, nil
}

// eachInput calls f on every input that was read without error and
// returns each input's result in its place, and each input's error (nil
// when it succeeded): for commands that run one input at a time.
func eachInput[R any](inputs []input, f func(input) (R, error)) (results []R, errs []error) {
	results, errs = make([]R, len(inputs)), make([]error, len(inputs))
	for i, in := range inputs {
		if errs[i] = in.err; in.err == nil {
			results[i], errs[i] = f(in)
		}
	}
	return results, errs
}

// writeResults writes every input's result with write, in order, or in
// place of a failed one an error: an error object with asJSON, otherwise
// an empty line (so the output keeps one line per input) and the error on
// stderr. Failures make the error returned at the end; a single TEXT
// argument's error is that error.
func writeResults(stdout, stderr io.Writer, name string, asJSON bool, inputs []input, errs []error, write func(i int) error) error {
	if len(inputs) == 1 && inputs[0].line == 0 && errs[0] != nil {
		return errs[0]
	}
	failed := 0
	for i, in := range inputs {
		if errs[i] == nil {
			if err := write(i); err != nil {
				return err
			}
			continue
		}
		failed++
		var err error
		if asJSON {
			err = writeJSONLine(stdout, inputError{Line: in.line, Text: in.arg, Error: errs[i].Error()})
		} else {
			fmt.Fprintf(stderr, "albertq %s: %s: %v\n", name, in.where(), errs[i])
			_, err = fmt.Fprintln(stdout)
		}
		if err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d inputs failed (see the errors in their place in the output)", failed, len(inputs))
	}
	return nil
}

// textCommand is what the commands that run a model on texts (classify,
// embed, fill-mask, tag) share: the model flags, --json, --jsonl, and
// TEXT... or -.
type textCommand struct {
	flags  *flag.FlagSet
	model  *modelFlags
	asJSON *bool
	jsonl  *bool
}

// newTextCommand makes a text command's flag set; the command adds its own
// flags to c.flags before start.
func newTextCommand(name, usage string, fallback defaultModel, stdout io.Writer) *textCommand {
	fs := newFlags(name, usage, stdout)
	return &textCommand{
		flags:  fs,
		model:  addModelFlags(fs, fallback),
		asJSON: fs.Bool("json", false, "print JSON, one object per text"),
		jsonl:  fs.Bool("jsonl", false, `read one JSON object {"text": ...} per line from standard input; implies --json`),
	}
}

// start parses the flags, reads the inputs (arguments, - for standard
// input, or --jsonl) and opens the model. check, if not nil, vets the
// parsed flags first, so a usage mistake fails before any work. A JSON
// line the command does not take (see refuseInputs) is an error of its own.
func (c *textCommand) start(args []string, check func() error, takes inputKinds) ([]input, *engine.Model, error) {
	rest, err := parseFlags(c.flags, args)
	if err != nil {
		return nil, nil, err
	}
	if check != nil {
		if err := check(); err != nil {
			return nil, nil, err
		}
	}
	inputs, err := readInputs(rest, os.Stdin, *c.jsonl)
	if err != nil {
		return nil, nil, err
	}
	refuseInputs(inputs, c.flags.Name(), takes)
	*c.asJSON = *c.asJSON || *c.jsonl
	mod, err := c.model.open()
	return inputs, mod, err
}

// inputKinds are what a command takes besides single texts.
type inputKinds uint8

const (
	takesPairs     inputKinds = 1 << iota // "text" and "pair"
	takesIDs                              // "ids" (run)
	takesQuestions                        // "question" and "context", and only those (answer)
)

// refuseInputs gives an error to each input the command cannot take.
func refuseInputs(inputs []input, command string, takes inputKinds) {
	for i := range inputs {
		in := &inputs[i]
		qa := in.Question != "" || in.Context != ""
		switch {
		case in.err != nil:
		case takes&takesQuestions != 0 && (in.Text != "" || in.Pair != "" || in.IDs != nil || in.Question == "" || in.Context == ""):
			in.err = fmt.Errorf(`albertq %s takes {"question": ..., "context": ...}, both not empty`, command)
		case takes&takesQuestions == 0 && qa:
			in.err = fmt.Errorf(`albertq %s takes texts, not "question" and "context" (albertq answer does)`, command)
		case in.IDs != nil && takes&takesIDs == 0:
			in.err = fmt.Errorf(`albertq %s takes texts, not "ids" (albertq run does)`, command)
		case in.Pair != "" && takes&takesPairs == 0:
			in.err = fmt.Errorf(`albertq %s takes single texts, not a "pair"`, command)
		}
	}
}

// texts returns the inputs' texts.
func texts(inputs []input) []string {
	texts := make([]string, len(inputs))
	for i, in := range inputs {
		texts[i] = in.Text
	}
	return texts
}

// warnTruncated tells the user on stderr, in one line, which of n texts
// were cut to fit the model.
func warnTruncated(stderr io.Writer, n int, truncated func(i int) bool) {
	var which []string
	for i := range n {
		if truncated(i) {
			which = append(which, strconv.Itoa(i+1))
		}
	}
	count := len(which)
	if count == 0 {
		return
	}
	if count > 10 {
		which = append(which[:10], "...")
	}
	fmt.Fprintf(stderr, "albertq: warning: %d of %d texts were longer than the model takes and were truncated (text %s); --no-truncate makes this an error\n",
		count, n, strings.Join(which, ", "))
}

// writeJSONLine writes v as compact JSON on one line (JSON Lines), with
// <, > and & as they are (tokens such as <unk> stay readable).
func writeJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
