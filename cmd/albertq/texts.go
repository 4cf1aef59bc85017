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

// textsAndModel parses a text command's flags, reads its texts (arguments,
// or - for standard input) and opens its model. check, if not nil, vets the
// parsed flags first, so a usage mistake fails before any work.
func textsAndModel(fs *flag.FlagSet, mf *modelFlags, args []string, check func() error) ([]string, *engine.Model, error) {
	rest, err := parseFlags(fs, args)
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
	mod, err := mf.open()
	return texts, mod, err
}

// truncatedTexts flags the texts the model's tokenizer cuts to fit (texts
// that fail to encode, which Embed has already refused, are not flagged).
func truncatedTexts(mod *engine.Model, texts []string) []bool {
	truncated := make([]bool, len(texts))
	for i, text := range texts {
		enc, err := mod.Encode(text, "")
		truncated[i] = err == nil && enc.Truncated
	}
	return truncated
}

// warnTruncated tells the user on stderr, in one line, which texts were cut
// to fit the model (truncated[i] is text i's flag).
func warnTruncated(truncated []bool) {
	var which []string
	for i, t := range truncated {
		if t {
			which = append(which, strconv.Itoa(i+1))
		}
	}
	if len(which) == 0 {
		return
	}
	if len(which) > 10 {
		which = append(which[:10], "...")
	}
	fmt.Fprintf(os.Stderr, "albertq: warning: %d of %d texts were longer than the model takes and were truncated (text %s); --no-truncate makes this an error\n",
		countTrue(truncated), len(truncated), strings.Join(which, ", "))
}

func countTrue(flags []bool) int {
	n := 0
	for _, f := range flags {
		if f {
			n++
		}
	}
	return n
}

// writeJSONLine writes v as compact JSON on one line (JSON Lines), with
// <, > and & as they are (tokens such as <unk> stay readable).
func writeJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
