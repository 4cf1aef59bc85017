package tokenizer_test

import (
	"fmt"

	"github.com/albertq/albertq/tokenizer"
)

// A BERT tokenizer read from a model directory: each token with the text it
// stands for.
func Example() {
	tok, err := tokenizer.LoadDir("testdata/wordpiece")
	if err != nil {
		panic(err)
	}
	text := "Zürich's naïve café"
	enc, err := tokenizer.Encode(tok, text, tok.MaxLength)
	if err != nil {
		panic(err)
	}
	for i, sp := range enc.Offsets {
		fmt.Printf("%-5d %-7s %q\n", enc.IDs[i], enc.Tokens[i], text[sp.Start:sp.End])
	}
	// Output:
	// 10    [CLS]   ""
	// 1606  zurich  "Zürich"
	// 19    '       "'"
	// 95    s       "s"
	// 1030  na      "na"
	// 708   ##ive   "ïve"
	// 1269  cafe    "café"
	// 11    [SEP]   ""
}

// Question answering over a long context: the context is tokenized once,
// and each window of it goes after the question.
func ExampleAssemblePair() {
	tok, err := tokenizer.LoadDir("../testdata/albert-debsec")
	if err != nil {
		panic(err)
	}
	question := tok.Tokenize("Where is it?")
	context := "It is in the red house by the river, behind the old mill."
	pieces := tok.Tokenize(context)
	const window, stride = 8, 5
	for start := 0; start < pieces.Len(); start += stride {
		w := pieces.Slice(start, min(start+window, pieces.Len()))
		enc := tokenizer.AssemblePair(tok, question, w)
		first, last := w.Offsets[0], w.Offsets[w.Len()-1]
		fmt.Printf("%d tokens, context %q\n", enc.Len(), context[first.Start:last.End])
		if start+window >= pieces.Len() {
			break
		}
	}
	// Output:
	// 15 tokens, context "It is in the red house"
	// 15 tokens, context " house by the river"
	// 15 tokens, context " river, behind the old mil"
	// 12 tokens, context "the old mill."
}

// Offsets in characters, as Python counts them.
func ExampleCharSpans() {
	tok, err := tokenizer.LoadDir("testdata/wordpiece")
	if err != nil {
		panic(err)
	}
	text := "東京 café"
	p := tok.Tokenize(text)
	fmt.Println(p.Tokens, p.Offsets, tokenizer.CharSpans(text, p.Offsets))
	// Output:
	// [[UNK] 京 cafe] [{0 3} {3 6} {7 12}] [{0 1} {1 2} {3 7}]
}
