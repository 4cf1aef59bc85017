package tokenizer

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// wordPieceDir holds the BERT fixtures' vocab.txt, tokenizer_config.json
// (uncased) and special_tokens_map.json.
const wordPieceDir = "testdata/wordpiece"

// loadWordPiece loads the fixtures' WordPiece tokenizer, uncased or cased
// (do_lower_case false, which also keeps accents).
func loadWordPiece(t testing.TB, cased bool) *WordPiece {
	t.Helper()
	var files [3][]byte
	for i, name := range []string{"vocab.txt", "tokenizer_config.json", "special_tokens_map.json"} {
		data, err := os.ReadFile(filepath.Join(wordPieceDir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[i] = data
	}
	opts, err := ParseWordPieceConfig(files[1], files[2])
	if err != nil {
		t.Fatal(err)
	}
	if cased {
		opts.DoLowerCase, opts.StripAccents = false, false
	}
	w, err := LoadWordPiece(files[0], opts)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// wordPieceCase is one case of wordpiece-cases.json.
type wordPieceCase struct {
	Text     string  `json:"text"`
	TextPair *string `json:"text_pair"`
	Uncased  wordPieceResult
	Cased    wordPieceResult
}

type wordPieceResult struct {
	IDs        []int    `json:"ids"`
	Tokens     []string `json:"tokens"`
	TokensPair []string `json:"tokens_pair"`
	TypeIDs    []int    `json:"token_type_ids"`
}

func readWordPieceCases(t testing.TB) []wordPieceCase {
	var f struct{ Cases []wordPieceCase }
	readJSON(t, "wordpiece-cases.json", &f)
	if len(f.Cases) != 72 {
		t.Fatalf("%d cases, want 72", len(f.Cases))
	}
	return f.Cases
}

// TestWordPieceCases checks all 72 cases of wordpiece-cases.json, uncased
// and cased: BertTokenizer's ids (with [CLS] and [SEP]), tokens, and for
// pairs the second text's tokens and the token type ids.
func TestWordPieceCases(t *testing.T) {
	cases := readWordPieceCases(t)
	for _, cased := range []bool{false, true} {
		w := loadWordPiece(t, cased)
		for _, c := range cases {
			want := c.Uncased
			if cased {
				want = c.Cased
			}
			if got := w.Tokenize(c.Text).Tokens; !slices.Equal(got, want.Tokens) {
				t.Errorf("cased %v, %q: tokens\n got %q\nwant %q", cased, c.Text, got, want.Tokens)
			}
			var enc *Encoding
			var err error
			if c.TextPair == nil {
				enc, err = Encode(w, c.Text, 0)
			} else {
				enc, err = EncodePair(w, c.Text, *c.TextPair, 0)
				if got := w.Tokenize(*c.TextPair).Tokens; !slices.Equal(got, want.TokensPair) {
					t.Errorf("cased %v, %q: pair tokens\n got %q\nwant %q", cased, *c.TextPair, got, want.TokensPair)
				}
				if !slices.Equal(enc.TypeIDs, want.TypeIDs) {
					t.Errorf("cased %v, %q: type ids\n got %v\nwant %v", cased, c.Text, enc.TypeIDs, want.TypeIDs)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(enc.IDs, want.IDs) {
				t.Errorf("cased %v, %q: ids\n got %v\nwant %v", cased, c.Text, enc.IDs, want.IDs)
			}
		}
	}
}

// TestWordPieceModelFixtures checks the tokenizer calls of the four BERT
// family fixtures: single texts and pairs, padding, truncation; and that the
// vocabulary's special tokens are where the fixtures put them.
func TestWordPieceModelFixtures(t *testing.T) {
	w := loadWordPiece(t, false)
	if got, want := w.Specials(), (Specials{CLS: 10, SEP: 11, Mask: 12, Pad: 0, Unk: 9}); got != want {
		t.Errorf("specials %+v, want %+v", got, want)
	}
	var f struct {
		Fixtures []struct {
			Fixture string
			Cases   []expectedCase
		}
	}
	readJSON(t, "wordpiece-expected.json", &f)
	n := 0
	for _, fx := range f.Fixtures {
		for _, c := range fx.Cases {
			c.Name = fx.Fixture + "/" + c.Name
			n += c.check(t, w)
		}
	}
	t.Logf("%d encodings checked", n)
}

// The options tokenizer_config.json gives change what they should.
func TestWordPieceOptions(t *testing.T) {
	vocab := strings.Join([]string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "<s>", "</s>",
		"cafe", "café", "ca", "##fe", "##f", "##é", "中", "文", "中文", "a", "b", "##b", "ab", "!", "[FOO]", "[", "]", "foo"}, "\n")
	load := func(cfg, special string) *WordPiece {
		t.Helper()
		var sp []byte
		if special != "" {
			sp = []byte(special)
		}
		opts, err := ParseWordPieceConfig([]byte(cfg), sp)
		if err != nil {
			t.Fatal(err)
		}
		w, err := LoadWordPiece([]byte(vocab), opts)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	for _, tc := range []struct {
		cfg, special, text string
		want               []string
	}{
		{`{}`, "", "CAFÉ", []string{"cafe"}},
		{`{"strip_accents": false}`, "", "CAFÉ", []string{"café"}},
		{`{"do_lower_case": false}`, "", "café", []string{"café"}},
		{`{"do_lower_case": false, "strip_accents": true}`, "", "café", []string{"cafe"}},
		{`{}`, "", "中文", []string{"中", "文"}},
		{`{"tokenize_chinese_chars": false}`, "", "中文", []string{"中文"}},
		{`{}`, "", "ab!", []string{"ab", "!"}},
		{`{"do_basic_tokenize": false}`, "", "AB ab!", []string{"[UNK]", "[UNK]"}},
		{`{"never_split": ["[FOO]"]}`, "", "[FOO] x", []string{"[", "foo", "]", "[UNK]"}},
		{`{"never_split": ["[FOO]"], "do_lower_case": false}`, "", "[FOO]", []string{"[FOO]"}},
		{`{"additional_special_tokens": [{"content": "[FOO]", "lstrip": false}]}`, "", "a[FOO]b", []string{"a", "[FOO]", "b"}},
		{`{"unk_token": "<s>"}`, "", "zzz", []string{"<s>"}},
		{`{"unk_token": "<s>"}`, `{"unk_token": {"content": "</s>"}}`, "zzz", []string{"</s>"}},
	} {
		if got := load(tc.cfg, tc.special).Tokenize(tc.text).Tokens; !slices.Equal(got, tc.want) {
			t.Errorf("%s %s %q: %q, want %q", tc.cfg, tc.special, tc.text, got, tc.want)
		}
	}
	for _, cfg := range []string{`{"do_lower_case": "yes"}`, `{"never_split": "x"}`, `{"cls_token": 3}`, `[1]`, `{"additional_special_tokens": [{"id": 3}]}`} {
		if _, err := ParseWordPieceConfig([]byte(cfg), nil); err == nil {
			t.Errorf("%s: no error", cfg)
		} else {
			t.Log(err)
		}
	}
	if _, err := LoadWordPiece([]byte("a\nb"), DefaultWordPieceOptions()); err == nil || !strings.Contains(err.Error(), `"[UNK]" is not in the vocabulary`) {
		t.Errorf("no [UNK]: error %v", err)
	}
	if _, err := LoadWordPiece([]byte("[UNK]\n\xff"), DefaultWordPieceOptions()); err == nil || !strings.Contains(err.Error(), "byte 6") {
		t.Errorf("bad UTF-8: error %v", err)
	}
}

// vocab.txt is read as Python's readlines() does: \r\n and \r end lines
// too, and a token listed twice keeps its last id.
func TestWordPieceVocabLines(t *testing.T) {
	w, err := LoadWordPiece([]byte("[UNK]\r\na\rb\nab\n##b\na\n"), DefaultWordPieceOptions())
	if err != nil {
		t.Fatal(err)
	}
	if w.VocabSize() != 6 {
		t.Errorf("VocabSize %d, want 6", w.VocabSize())
	}
	if p := w.Tokenize("a abb"); !slices.Equal(p.IDs, []int{5, 3, 4}) {
		t.Errorf("ids %v, want [5 3 4]", p.IDs)
	}
	if w.Piece(1) != "[UNK]" || w.Piece(5) != "a" || w.Piece(6) != "" || w.Piece(-1) != "" {
		t.Errorf("Piece: %q %q %q", w.Piece(1), w.Piece(5), w.Piece(6))
	}
}

func TestWordPieceDecode(t *testing.T) {
	w := loadWordPiece(t, false)
	enc, err := Encode(w, "Hello [MASK] world, it's 1,000 unaffable words!", 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := w.Decode(enc.IDs), "hello world, it's 1, 000 unaffable words!"; got != want {
		t.Errorf("Decode = %q, want %q (tokens %q)", got, want, enc.Tokens)
	}
	if got := w.Decode([]int{-1, w.VocabSize(), w.vocab["##ing"]}); got != "##ing" {
		t.Errorf("Decode of one continuation piece = %q", got)
	}
}

// TestLoadDir reads the fixture directories' tokenizers and limits.
func TestLoadDir(t *testing.T) {
	d, err := LoadDir(wordPieceDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := d.Tokenizer.(*WordPiece); !ok || d.MaxLength != 64 {
		t.Errorf("%s: %T, max length %d", wordPieceDir, d.Tokenizer, d.MaxLength)
	}
	d, err = LoadDir("../testdata/albert-tiny")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := d.Tokenizer.(*SentencePiece); !ok || d.MaxLength != 64 {
		t.Errorf("albert-tiny: %T, max length %d", d.Tokenizer, d.MaxLength)
	}
	dir := t.TempDir()
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "neither spiece.model nor vocab.txt") {
		t.Errorf("empty directory: error %v", err)
	}
	vocab, _ := os.ReadFile(filepath.Join(wordPieceDir, "vocab.txt"))
	for name, content := range map[string]string{
		"vocab.txt":                 string(vocab),
		"tokenizer_config.json":     `{"model_max_length": 1000000000000000019884624838656, "do_lower_case": false}`,
		"config.json":               `{"max_position_embeddings": 128}`,
		"sentence_bert_config.json": `{"max_seq_length": 100}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err = LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Tokenize("Hello").Tokens; d.MaxLength != 100 || !slices.Equal(got, []string{"Hello"}) {
		t.Errorf("max length %d, tokens %q", d.MaxLength, got)
	}
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"max_position_embeddings": "x"}`), 0o644)
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "config.json: max_position_embeddings is \"x\", want a number") {
		t.Errorf("bad config.json: error %v", err)
	}
}
