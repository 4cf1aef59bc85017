package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"github.com/albertq/albertq/tokenizer"
)

const tokenizeUsage = `[--model PATH] [--pair TEXT] TEXT | --jsonl

Prints the model input for a text (or pair) as JSON: input_ids, token_type_ids,
tokens, and offsets: each token's [start, end) in its text, counted in
characters (Unicode code points, as Python counts), [0, 0] for [CLS] and [SEP];
in a pair, a token's offsets are in the text its token type id names.

--model may be a directory holding only a tokenizer: spiece.model (ALBERT) or
vocab.txt (BERT, DistilBERT, MiniLM, MobileBERT), with tokenizer_config.json;
texts are then cut to the smallest limit the directory gives (model_max_length,
max_position_embeddings, sentence-transformers' max_seq_length).

With --jsonl it reads one JSON object per line from standard input,
{"text": "...", "pair": "..."} (pair optional), and writes one object per line;
a line that cannot be tokenized (not valid UTF-8, not such an object) gets
{"line": N, "error": "..."} in its place, and the command fails at the end.`

// tokenized is the JSON that tokenize prints for one input.
type tokenized struct {
	InputIDs     []int    `json:"input_ids"`
	TokenTypeIDs []int    `json:"token_type_ids"`
	Tokens       []string `json:"tokens"`
	Offsets      [][2]int `json:"offsets"`
	Truncated    bool     `json:"truncated,omitempty"`
}

// lineError is what tokenize --jsonl prints in place of a line it cannot
// tokenize.
type lineError struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// encodeFunc makes the model input for a text, and a pair when pair is not
// empty.
type encodeFunc func(text, pair string) (*tokenizer.Encoding, error)

func tokenizeCmd(args []string, stdout, stderr io.Writer) error {
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
	encode, done, err := encoder(mf)
	if err != nil {
		return err
	}
	defer done()
	if !*jsonl {
		return tokenizeOne(stdout, encode, rest[0], *pair)
	}
	return tokenizeLines(stdout, os.Stdin, encode)
}

// encoder returns how to encode texts for the flags' model: the model's own
// tokenizer, or for a directory its tokenizer files alone.
func encoder(mf *modelFlags) (encodeFunc, func(), error) {
	if st, err := os.Stat(*mf.path); err == nil && st.IsDir() {
		d, err := tokenizer.LoadDir(*mf.path)
		if err != nil {
			return nil, nil, err
		}
		encode := func(text, pair string) (*tokenizer.Encoding, error) {
			var enc *tokenizer.Encoding
			var err error
			if pair != "" {
				enc, err = tokenizer.EncodePair(d, text, pair, d.MaxLength)
			} else {
				enc, err = tokenizer.Encode(d, text, d.MaxLength)
			}
			if err == nil && enc.Truncated && *mf.noTruncate {
				return nil, fmt.Errorf("text is longer than the model's %d tokens", d.MaxLength)
			}
			return enc, err
		}
		return encode, func() {}, nil
	}
	mod, err := mf.open()
	if err != nil {
		return nil, nil, err
	}
	return mod.Encode, func() { mod.Close() }, nil
}

// tokenizeLines tokenizes each JSON line of r. A line that fails gets an
// error object in its place; the other lines are still printed, in order,
// and the failures are counted in the error returned at the end.
func tokenizeLines(w io.Writer, r io.Reader, encode encodeFunc) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	lines, failed := 0, 0
	for ; sc.Scan(); lines++ {
		err := tokenizeLine(w, sc.Bytes(), encode)
		if err == nil {
			continue
		}
		failed++
		if err := writeJSONLine(w, lineError{Line: lines + 1, Error: err.Error()}); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading standard input: %w", err)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d lines could not be tokenized (see the error objects in the output)", failed, lines)
	}
	return nil
}

// tokenizeLine tokenizes one {"text": ..., "pair": ...} line. The line's
// bytes are checked first: JSON decoding would quietly turn invalid UTF-8
// into U+FFFD.
func tokenizeLine(w io.Writer, line []byte, encode encodeFunc) error {
	if !utf8.Valid(line) {
		return tokenizer.CheckUTF8(string(line))
	}
	var in struct{ Text, Pair string }
	if err := json.Unmarshal(line, &in); err != nil {
		return err
	}
	return tokenizeOne(w, encode, in.Text, in.Pair)
}

func tokenizeOne(w io.Writer, encode encodeFunc, text, pair string) error {
	enc, err := encode(text, pair)
	if err != nil {
		return err
	}
	out := tokenized{InputIDs: enc.IDs, TokenTypeIDs: enc.TypeIDs, Tokens: enc.Tokens, Truncated: enc.Truncated}
	out.Offsets = make([][2]int, enc.Len())
	for typ, t := range []string{text, pair} {
		var at []int
		var spans []tokenizer.Span
		for i, sp := range enc.Offsets {
			if enc.TypeIDs[i] == typ {
				at, spans = append(at, i), append(spans, sp)
			}
		}
		for k, c := range tokenizer.CharSpans(t, spans) {
			out.Offsets[at[k]] = [2]int{c.Start, c.End}
		}
	}
	return writeJSONLine(w, out)
}
