// Command albertq runs ALBERT and BERT-family encoders on CPUs: it converts Hugging Face
// checkpoints into small int8 or fp16 .albq files, runs them (hidden states,
// classification, embeddings, fill-mask) and benchmarks them.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// command is one subcommand of the CLI. run writes its results to stdout
// and warnings and progress to stderr; the error it returns is printed by
// mainExit.
type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"classify", "label texts (default model: Debian package sections)", classifyCmd},
		{"embed", "turn texts into vectors", embedCmd},
		{"fill-mask", "predict the tokens behind [MASK]", fillMaskCmd},
		{"answer", "find the answer to a question in a text (a question-answering model)", answerCmd},
		{"tag", "label the tokens of texts and group them into entities (a token-classification model)", tagCmd},
		{"sop", "the probability that two segments are in order (a pre-training checkpoint)", sopCmd},
		{"tokenize", "show the token ids and pieces of texts", tokenizeCmd},
		{"serve", "serve the model over HTTP (OpenAI and text-embeddings-inference APIs)", serveCmd},
		{"run", "run the encoder on text or token ids and print every output as JSON", runCmd},
		{"convert", "convert a Hugging Face checkpoint into an int8, fp16 or fp32 .albq file", convertCmd},
		{"bench", "time the encoder (or the GEMM kernels) per dtype, sequence length, batch and threads", benchCmd},
		{"info", "show the CPU's features and the kernels chosen for it", infoCmd},
	}
}

// usageError is a mistake in how albertq was called: it exits with code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func main() {
	os.Exit(mainExit(os.Args[1:], os.Stdout, os.Stderr))
}

// mainExit runs the CLI and returns its exit code: 0 on success, 2 for a
// usage mistake, 1 for a failure while working.
func mainExit(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(args[1:], stdout, stderr)
		var ue usageError
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "albertq %s: %v (see 'albertq %s --help')\n", c.name, err, c.name)
			return 2
		default:
			fmt.Fprintf(stderr, "albertq %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "albertq: unknown command %q (see 'albertq --help')\n", args[0])
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "albertq runs ALBERT and BERT-family encoders on CPUs with int8, fp16 and fp32 SIMD kernels.")
	fmt.Fprintln(w, "\nUsage: albertq <command> [flags] [arguments]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'albertq <command> --help' for a command's flags.")
}

// newFlags makes a command's flag set: errors are returned, not printed
// twice, and --help prints the command's usage on stdout.
func newFlags(name, usage string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fs.SetOutput(stdout)
		fmt.Fprintf(stdout, "Usage: albertq %s %s\n\nFlags:\n", name, usage)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseNoArgs is parseFlags for a command that takes flags only.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	rest, err := parseFlags(fs, args)
	if err == nil && len(rest) > 0 {
		err = usagef("unexpected argument %q", rest[0])
	}
	return err
}

// parseFlags parses args, flags and positional arguments in any order, and
// returns the positional ones; flag mistakes become usage errors.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) { // the flag package has printed the usage
				return nil, err
			}
			return nil, usageError{strings.TrimSpace(err.Error())}
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" { // everything after -- is positional
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}
