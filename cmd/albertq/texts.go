package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/albertq/albertq/engine"
)

// inputTexts returns the TEXT arguments, with "-" replaced by the lines of
// standard input (one text per line, empty lines skipped).
func inputTexts(args []string, stdin io.Reader) ([]string, error) {
	if len(args) == 0 {
		return nil, usagef("give at least one TEXT (or - to read texts from standard input)")
	}
	var texts []string
	for _, a := range args {
		if a != "-" {
			texts = append(texts, a)
			continue
		}
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			if line := strings.TrimRight(sc.Text(), "\r"); strings.TrimSpace(line) != "" {
				texts = append(texts, line)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("reading standard input: %w", err)
		}
	}
	return texts, nil
}

// textCommand is what the commands that run a model on texts (classify,
// embed, fill-mask) share: the model flags, --json, and TEXT... or -.
type textCommand struct {
	flags  *flag.FlagSet
	model  *modelFlags
	asJSON *bool
}

// newTextCommand makes a text command's flag set; the command adds its own
// flags to c.flags before start.
func newTextCommand(name, usage string, fallback defaultModel, stdout io.Writer) *textCommand {
	fs := newFlags(name, usage, stdout)
	return &textCommand{flags: fs, model: addModelFlags(fs, fallback), asJSON: fs.Bool("json", false, "print JSON, one object per text")}
}

// start parses the flags, reads the texts (arguments, or - for standard
// input) and opens the model. check, if not nil, vets the parsed flags
// first, so a usage mistake fails before any work.
func (c *textCommand) start(args []string, check func() error) ([]string, *engine.Model, error) {
	rest, err := parseFlags(c.flags, args)
	if err != nil {
		return nil, nil, err
	}
	if check != nil {
		if err := check(); err != nil {
			return nil, nil, err
		}
	}
	texts, err := inputTexts(rest, os.Stdin)
	if err != nil {
		return nil, nil, err
	}
	mod, err := c.model.open()
	return texts, mod, err
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
