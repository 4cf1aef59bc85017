package tokenizer

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// The spiece.model files of the shared test checkpoints.
const (
	tinyModel   = "../testdata/albert-tiny/spiece.model"
	debsecModel = "../testdata/albert-debsec/spiece.model"
)

func loadTestTokenizer(t testing.TB, name string) *Tokenizer {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := Load(data, DefaultOptions())
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
			enc, err := tok.Encode(c.Text, 0)
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
		enc, err := tok.EncodePair(c.Text, *c.TextPair, 0)
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
func checkTexts(t *testing.T, tok *Tokenizer, text string, tokens []string, pre string, spIDs []int, spPieces []string) {
	t.Helper()
	enc, err := tok.Encode(text, 0)
	if err != nil {
		t.Fatalf("%q: %v", text, err)
	}
	if got := enc.Tokens[1 : len(enc.Tokens)-1]; !slices.Equal(got, tokens) {
		t.Errorf("%q: tokens\n got %q\nwant %q", text, got, tokens)
	}
	if got := tok.preprocess(text); got != pre {
		t.Errorf("%q: preprocessed\n got %q\nwant %q", text, got, pre)
	}
	ids, pieces := tok.SentencePiece(text)
	if !slices.Equal(ids, spIDs) || !slices.Equal(pieces, spPieces) {
		t.Errorf("%q: sentencepiece\n got %v %q\nwant %v %q", text, ids, pieces, spIDs, spPieces)
	}
}

// TestExpectedCases checks the model fixtures' tokenizer calls: single texts
// and pairs, padding, and truncation to 64.
func TestExpectedCases(t *testing.T) {
	tok := loadTestTokenizer(t, tinyModel)
	var f struct {
		Cases []struct {
			Inputs []struct {
				Text     string  `json:"text"`
				TextPair *string `json:"text_pair"`
			} `json:"inputs"`
			Call struct {
				Truncation bool `json:"truncation"`
				MaxLength  int  `json:"max_length"`
			} `json:"tokenizer_call"`
			InputIDs      [][]int `json:"input_ids"`
			TokenTypeIDs  [][]int `json:"token_type_ids"`
			AttentionMask [][]int `json:"attention_mask"`
		} `json:"cases"`
	}
	readJSON(t, "expected-cases.json", &f)
	n := 0
	for _, c := range f.Cases {
		maxLen := 0
		if c.Call.Truncation {
			maxLen = c.Call.MaxLength
		}
		for i, in := range c.Inputs {
			var enc *Encoding
			var err error
			if in.TextPair != nil {
				enc, err = tok.EncodePair(in.Text, *in.TextPair, maxLen)
			} else {
				enc, err = tok.Encode(in.Text, maxLen)
			}
			if err != nil {
				t.Fatal(err)
			}
			real := 0
			for _, m := range c.AttentionMask[i] {
				real += m
			}
			wantIDs, wantTypes := c.InputIDs[i][:real], c.TokenTypeIDs[i][:real]
			if !slices.Equal(enc.IDs, wantIDs) || !slices.Equal(enc.TypeIDs, wantTypes) {
				t.Errorf("%q: got %v %v\nwant %v %v", in.Text, enc.IDs, enc.TypeIDs, wantIDs, wantTypes)
			}
			if enc.Truncated != (maxLen > 0 && real == maxLen) {
				t.Errorf("%q: truncated = %v", in.Text, enc.Truncated)
			}
			for _, p := range c.InputIDs[i][real:] {
				if p != tok.PadID() {
					t.Errorf("padding id %d, PadID %d", p, tok.PadID())
				}
			}
			n++
		}
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
		enc, err := tok.Encode(c.Text, c.Call.MaxLength)
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
