package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/albertq/albertq/engine"
)

const tokenizeUsage = `[--model PATH] [--pair TEXT] TEXT | --jsonl

Prints the model input for a text (or pair) as JSON: input_ids, token_type_ids
and tokens. With --jsonl it reads one JSON object per line from standard input,
{"text": "...", "pair": "..."} (pair optional), and writes one object per line.`

// tokenized is the JSON that tokenize prints for one input.
type tokenized struct {
	InputIDs     []int    `json:"input_ids"`
	TokenTypeIDs []int    `json:"token_type_ids"`
	Tokens       []string `json:"tokens"`
	Truncated    bool     `json:"truncated,omitempty"`
}

func tokenizeCmd(args []string, stdout io.Writer) error {
	fs := newFlags("tokenize", tokenizeUsage, stdout)
	mf := addModelFlags(fs, classifierDefault)
	pair := fs.String("pair", "", "the second text of a pair")
	jsonl := fs.Bool("jsonl", false, "read JSON lines from standard input")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *jsonl == (len(rest) == 1) || len(rest) > 1 {
		return usagef("give one TEXT, or --jsonl to read texts from standard input")
	}
	mod, err := mf.open()
	if err != nil {
		return err
	}
	defer mod.Close()
	if !*jsonl {
		return tokenizeOne(stdout, mod, rest[0], *pair)
	}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var in struct{ Text, Pair string }
		if err := json.Unmarshal(sc.Bytes(), &in); err != nil {
			return fmt.Errorf("standard input line %d: %w", line, err)
		}
		if err := tokenizeOne(stdout, mod, in.Text, in.Pair); err != nil {
			return fmt.Errorf("standard input line %d: %w", line, err)
		}
	}
	return sc.Err()
}

func tokenizeOne(w io.Writer, mod *engine.Model, text, pair string) error {
	enc, err := mod.Encode(text, pair)
	if err != nil {
		return err
	}
	return writeJSONLine(w, tokenized{enc.IDs, enc.TypeIDs, enc.Tokens, enc.Truncated})
}
