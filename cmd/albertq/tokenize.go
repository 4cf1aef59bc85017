package main

import (
	"fmt"
	"io"
	"os"

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
	return tokenizeLines(stdout, stderr, os.Stdin, encode)
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
// and the failures make the error returned at the end.
func tokenizeLines(stdout, stderr io.Writer, r io.Reader, encode encodeFunc) error {
	inputs, err := readInputs(nil, r, true)
	if err != nil {
		return err
	}
	refuseInputs(inputs, "tokenize", takesPairs)
	results, errs := eachInput(inputs, func(in input) (*tokenized, error) { return tokenize(encode, in.Text, in.Pair) })
	return writeResults(stdout, stderr, "tokenize", true, inputs, errs, func(i int) error {
		return writeJSONLine(stdout, results[i])
	})
}

func tokenizeOne(w io.Writer, encode encodeFunc, text, pair string) error {
	out, err := tokenize(encode, text, pair)
	if err != nil {
		return err
	}
	return writeJSONLine(w, out)
}

// tokenize encodes a text or pair, with its offsets in characters.
func tokenize(encode encodeFunc, text, pair string) (*tokenized, error) {
	enc, err := encode(text, pair)
	if err != nil {
		return nil, err
	}
	out := &tokenized{InputIDs: enc.IDs, TokenTypeIDs: enc.TypeIDs, Tokens: enc.Tokens, Truncated: enc.Truncated}
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
	return out, nil
}
