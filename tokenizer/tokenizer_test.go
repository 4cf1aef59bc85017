package tokenizer

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// The spiece.model files of the shared test checkpoints.
const (
	tinyModel   = "../testdata/albert-tiny/spiece.model"
	debsecModel = "../testdata/albert-debsec/spiece.model"
)

func loadTestTokenizer(t testing.TB, name string) *SentencePiece {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := LoadSentencePiece(data, DefaultOptions())
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return tok
}

func readJSON(t testing.TB, name string, v any) {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// TestTokenizerCases checks all of tokenizer-cases.json: AlbertTokenizer's
// ids, tokens and preprocessed text, and raw SentencePiece ids and pieces.
func TestTokenizerCases(t *testing.T) {
	tok := loadTestTokenizer(t, tinyModel)
	var f struct {
		Cases []struct {
			Text         string   `json:"text"`
			Tokens       []string `json:"tokens"`
			IDs          []int    `json:"ids"`
			Preprocessed string   `json:"preprocessed"`
			SPPieces     []string `json:"sp_pieces"`
			SPIDs        []int    `json:"sp_ids"`
			// Pair cases only.
			TextPair         *string  `json:"text_pair"`
			TokensPair       []string `json:"tokens_pair"`
			TypeIDs          []int    `json:"token_type_ids"`
			PreprocessedPair string   `json:"preprocessed_pair"`
			SPPiecesPair     []string `json:"sp_pieces_pair"`
			SPIDsPair        []int    `json:"sp_ids_pair"`
		} `json:"cases"`
	}
	readJSON(t, "tokenizer-cases.json", &f)
	if len(f.Cases) != 68 {
		t.Fatalf("%d cases, want 68", len(f.Cases))
	}
	pairs := 0
	for _, c := range f.Cases {
		checkTexts(t, tok, c.Text, c.Tokens, c.Preprocessed, c.SPIDs, c.SPPieces)
		if c.TextPair == nil {
			enc, err := Encode(tok, c.Text, 0)
			if err != nil {
				t.Fatalf("%q: %v", c.Text, err)
			}
			if !slices.Equal(enc.IDs, c.IDs) {
				t.Errorf("%q: ids\n got %v\nwant %v", c.Text, enc.IDs, c.IDs)
			}
			continue
		}
		pairs++
		checkTexts(t, tok, *c.TextPair, c.TokensPair, c.PreprocessedPair, c.SPIDsPair, c.SPPiecesPair)
		enc, err := EncodePair(tok, c.Text, *c.TextPair, 0)
		if err != nil {
			t.Fatalf("%q: %v", c.Text, err)
		}
		if !slices.Equal(enc.IDs, c.IDs) || !slices.Equal(enc.TypeIDs, c.TypeIDs) {
			t.Errorf("%q + %q: ids\n got %v %v\nwant %v %v", c.Text, *c.TextPair, enc.IDs, enc.TypeIDs, c.IDs, c.TypeIDs)
		}
	}
	t.Logf("%d cases, %d of them pairs", len(f.Cases), pairs)
}

// checkTexts compares the tokens, preprocessed text and raw SentencePiece
// encoding of one text with the reference.
func checkTexts(t *testing.T, tok *SentencePiece, text string, tokens []string, pre string, spIDs []int, spPieces []string) {
	t.Helper()
	enc, err := Encode(tok, text, 0)
	if err != nil {
		t.Fatalf("%q: %v", text, err)
	}
	// tokenize() gives an unknown piece as the normalized text it covers:
	// that is what the token's span must normalize to, or contain when the
	// span's character yields several pieces.
	p := tok.Tokenize(text)
	got := slices.Clone(p.Tokens)
	fold := sentencePieceChecker(tok).fold
	for i, id := range p.IDs {
		if id != tok.Specials().Unk || i >= len(tokens) {
			continue
		}
		sp := p.Offsets[i]
		shared := i > 0 && p.Offsets[i-1].End > sp.Start || i+1 < p.Len() && p.Offsets[i+1].Start < sp.End
		if got[i] = fold(text[sp.Start:sp.End]); shared && strings.Contains(got[i], tokens[i]) {
			got[i] = tokens[i]
		}
	}
	if !slices.Equal(got, tokens) || !slices.Equal(enc.Tokens[1:len(enc.Tokens)-1], p.Tokens) {
		t.Errorf("%q: tokens\n got %q\nwant %q", text, got, tokens)
	}
	if got := tok.preprocess(newAligned(nil, text)).String(); got != pre {
		t.Errorf("%q: preprocessed\n got %q\nwant %q", text, got, pre)
	}
	ids, pieces := tok.Raw(text)
	if !slices.Equal(ids, spIDs) || !slices.Equal(pieces, spPieces) {
		t.Errorf("%q: sentencepiece\n got %v %q\nwant %v %q", text, ids, pieces, spIDs, spPieces)
	}
}

// expectedCase is one batch of a model fixture's expected.json: the texts,
// the tokenizer call and what it returned, padded.
type expectedCase struct {
	Name   string `json:"name"`
	Inputs []struct {
		Text     string  `json:"text"`
		TextPair *string `json:"text_pair"`
	} `json:"inputs"`
	Call struct {
		Truncation bool `json:"truncation"`
		MaxLength  int  `json:"max_length"`
	} `json:"tokenizer_call"`
	InputIDs      [][]int    `json:"input_ids"`
	TokenTypeIDs  [][]int    `json:"token_type_ids"` // absent for DistilBERT
	AttentionMask [][]int    `json:"attention_mask"`
	Tokens        [][]string `json:"tokens"` // convert_ids_to_tokens, when given
}

// check encodes each input of the batch and compares it with the
// reference's unpadded row; it returns how many inputs it checked.
func (c expectedCase) check(t *testing.T, tok Tokenizer) int {
	t.Helper()
	maxLen := 0
	if c.Call.Truncation {
		maxLen = c.Call.MaxLength
	}
	for i, in := range c.Inputs {
		var enc *Encoding
		var err error
		if in.TextPair != nil {
			enc, err = EncodePair(tok, in.Text, *in.TextPair, maxLen)
		} else {
			enc, err = Encode(tok, in.Text, maxLen)
		}
		if err != nil {
			t.Fatal(err)
		}
		real := 0
		for _, m := range c.AttentionMask[i] {
			real += m
		}
		if want := c.InputIDs[i][:real]; !slices.Equal(enc.IDs, want) {
			t.Errorf("%s %q: ids\n got %v\nwant %v", c.Name, in.Text, enc.IDs, want)
		}
		if c.Tokens != nil && !slices.Equal(enc.Tokens, c.Tokens[i][:real]) {
			t.Errorf("%s %q: tokens\n got %q\nwant %q", c.Name, in.Text, enc.Tokens, c.Tokens[i][:real])
		}
		if c.TokenTypeIDs != nil && !slices.Equal(enc.TypeIDs, c.TokenTypeIDs[i][:real]) {
			t.Errorf("%s %q: type ids %v, want %v", c.Name, in.Text, enc.TypeIDs, c.TokenTypeIDs[i][:real])
		}
		if enc.Truncated != (maxLen > 0 && real == maxLen) {
			t.Errorf("%s %q: truncated = %v", c.Name, in.Text, enc.Truncated)
		}
		for _, pad := range c.InputIDs[i][real:] {
			if pad != tok.Specials().Pad {
				t.Errorf("%s: padding id %d, Pad %d", c.Name, pad, tok.Specials().Pad)
			}
		}
	}
	return len(c.Inputs)
}

// TestExpectedCases checks the model fixtures' tokenizer calls: single texts
// and pairs, padding, and truncation to 64.
func TestExpectedCases(t *testing.T) {
	tok := loadTestTokenizer(t, tinyModel)
	var f struct{ Cases []expectedCase }
	readJSON(t, "expected-cases.json", &f)
	n := 0
	for _, c := range f.Cases {
		n += c.check(t, tok)
	}
	t.Logf("%d encodings checked", n)
}

// TestDebsecDev checks a second, larger model on 20 real descriptions
// tokenized with truncation to 128.
func TestDebsecDev(t *testing.T) {
	tok := loadTestTokenizer(t, debsecModel)
	var f struct {
		Cases []struct {
			Text string `json:"text"`
			Call struct {
				MaxLength int `json:"max_length"`
			} `json:"tokenizer_call"`
			InputIDs     []int `json:"input_ids"`
			TokenTypeIDs []int `json:"token_type_ids"`
		} `json:"cases"`
	}
	readJSON(t, "debsec-dev-expected.json", &f)
	if len(f.Cases) != 20 {
		t.Fatalf("%d cases, want 20", len(f.Cases))
	}
	for i, c := range f.Cases {
		enc, err := Encode(tok, c.Text, c.Call.MaxLength)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(enc.IDs, c.InputIDs) || !slices.Equal(enc.TypeIDs, c.TokenTypeIDs) {
			t.Errorf("case %d %.40q:\n got %v\nwant %v", i, c.Text, enc.IDs, c.InputIDs)
		}
	}
}

// readDevTexts returns the copied dev texts (one JSON string per line).
func readDevTexts(t testing.TB) []string {
	fh, err := os.Open("testdata/dev-texts.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var texts []string
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var s string
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		texts = append(texts, s)
	}
	return texts
}

// tokenizerCaseTexts returns every text of tokenizer-cases.json, both
// texts of a pair.
func tokenizerCaseTexts(t testing.TB) []string {
	var f struct {
		Cases []struct {
			Text     string  `json:"text"`
			TextPair *string `json:"text_pair"`
		} `json:"cases"`
	}
	readJSON(t, "tokenizer-cases.json", &f)
	var texts []string
	for _, c := range f.Cases {
		texts = append(texts, c.Text)
		if c.TextPair != nil {
			texts = append(texts, *c.TextPair)
		}
	}
	return texts
}

// taggerText is one text of the tagger fixture, with AlbertTokenizer's ids
// and tokens.
type taggerText struct {
	Name     string     `json:"name"`
	Text     string     `json:"text"`
	InputIDs [][]int    `json:"input_ids"`
	Tokens   [][]string `json:"tokens"`
}

func readTaggerTexts(t testing.TB) []taggerText {
	var f struct{ Cases []taggerText }
	readJSON(t, "albert-tagger-texts.json", &f)
	return f.Cases
}

// Text with NUL and other control characters is tokenized as
// AlbertTokenizer does: NUL is the unknown piece.
func TestNULLikeReference(t *testing.T) {
	tok := loadTestTokenizer(t, tinyModel)
	cases := readTaggerTexts(t)
	// The example, from transformers' AlbertTokenizer.
	cases = append(cases, taggerText{Name: "issue", Text: "x\x00y", InputIDs: [][]int{{2, 13, 41, 1, 50, 3}}})
	nul := 0
	for _, c := range cases {
		nul += strings.Count(c.Text, "\x00")
		enc, err := Encode(tok, c.Text, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(enc.IDs, c.InputIDs[0]) {
			t.Errorf("%s %q: ids\n got %v\nwant %v", c.Name, c.Text, enc.IDs, c.InputIDs[0])
		}
		if c.Tokens != nil && !slices.Equal(enc.Tokens, c.Tokens[0]) {
			t.Errorf("%s %q: tokens\n got %q\nwant %q", c.Name, c.Text, enc.Tokens, c.Tokens[0])
		}
	}
	if nul < 3 {
		t.Errorf("only %d NUL characters tested", nul)
	}
}
