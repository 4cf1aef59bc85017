package tokenizer

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// surfaceChecker knows, for one tokenizer, what a token says about the text
// it spans: the token's text without its marker, and the normalization the
// tokenizer applies to text.
type surfaceChecker struct {
	tok     Tokenizer
	surface func(token string) string // the token without ▁ or ##
	fold    func(text string) string  // the normalization, whitespace removed
	unknown string                    // the unknown token, whose text says nothing
}

func sentencePieceChecker(t *SentencePiece) surfaceChecker {
	noSpace := func(s string) string { return strings.ReplaceAll(s, spaceSymbol, "") }
	return surfaceChecker{
		tok:     t,
		surface: noSpace,
		fold: func(text string) string {
			a := readText(nil, text, t.opts.DoLowerCase, albertSpecials)
			return foldChunks(a, albertSpecials, func(c *aligned) string {
				return noSpace(t.sp.norm.normalize(t.preprocess(c)).String())
			})
		},
		unknown: t.Piece(t.specials.Unk),
	}
}

func wordPieceChecker(w *WordPiece) surfaceChecker {
	return surfaceChecker{
		tok:     w,
		surface: func(token string) string { return strings.TrimPrefix(token, "##") },
		fold: func(text string) string {
			a := readText(nil, text, w.opts.DoLowerCase, w.typed)
			return foldChunks(a, w.typed, func(c *aligned) string {
				clean, _ := w.basicWords(c)
				if w.opts.StripAccents {
					clean = stripAccents(clean)
				}
				return clean.String()
			})
		},
		unknown: w.Piece(w.specials.Unk),
	}
}

// foldChunks normalizes the text between special tokens with fold and
// keeps the special tokens as they are.
func foldChunks(a *aligned, specials *specialSet, fold func(*aligned) string) string {
	var b strings.Builder
	for _, c := range splitSpecials(a.text, specials) {
		if c.special {
			b.Write(a.text[c.from:c.to])
		} else {
			b.WriteString(fold(a.slice(c.from, c.to)))
		}
	}
	return b.String()
}

// check verifies the spans of the tokens of text (no special tokens added):
// within the text, in order, and spelling the tokens modulo normalization.
// Tokens whose spans overlap (one character that yields several tokens)
// are checked together: their spans' union must normalize to the
// concatenation of their texts. An unknown token must span a word: text
// with no whitespace that normalizes to something.
func (c surfaceChecker) check(t *testing.T, text string, p Pieces) {
	t.Helper()
	checkSpanOrder(t, text, p)
	for i := 0; i < p.Len(); {
		// The cluster of tokens i..j-1 whose spans overlap.
		sp, j := p.Offsets[i], i+1
		for j < p.Len() && p.Offsets[j].Start < sp.End {
			sp.End = max(sp.End, p.Offsets[j].End)
			j++
		}
		var want strings.Builder
		unknown := false
		for _, tok := range p.Tokens[i:j] {
			unknown = unknown || tok == c.unknown
			want.WriteString(c.surface(tok))
		}
		got := c.fold(text[sp.Start:sp.End])
		switch {
		case unknown && (got == "" || strings.ContainsFunc(text[sp.Start:sp.End], pyIsSpace)):
			t.Errorf("%q: unknown token %v spans %q, not a word", text, sp, text[sp.Start:sp.End])
		case !unknown && got != want.String():
			t.Errorf("%q: tokens %q span %v %q, which normalizes to %q", text, p.Tokens[i:j], sp, text[sp.Start:sp.End], got)
		}
		i = j
	}
}

// checkSpanOrder verifies that every span is within the text, on character
// boundaries, and in order: starts and ends never go back, and two
// consecutive spans overlap only on one character.
func checkSpanOrder(t *testing.T, text string, p Pieces) {
	t.Helper()
	if len(p.IDs) != len(p.Tokens) || len(p.IDs) != len(p.Offsets) {
		t.Fatalf("%q: %d ids, %d tokens, %d offsets", text, len(p.IDs), len(p.Tokens), len(p.Offsets))
	}
	valid := utf8.ValidString(text)
	for i, sp := range p.Offsets {
		if sp.Start < 0 || sp.Start > sp.End || sp.End > len(text) {
			t.Fatalf("%q: token %d %q: span %v outside the text", text, i, p.Tokens[i], sp)
		}
		if valid && (!utf8.RuneStart(at(text, sp.Start)) || !utf8.RuneStart(at(text, sp.End))) {
			t.Fatalf("%q: token %d %q: span %v cuts a character", text, i, p.Tokens[i], sp)
		}
		if i == 0 {
			continue
		}
		prev := p.Offsets[i-1]
		if sp.Start < prev.Start || sp.End < prev.End {
			t.Fatalf("%q: token %d %q: span %v goes back from %v", text, i, p.Tokens[i], sp, prev)
		}
		if sp.Start < prev.End {
			if overlap := text[sp.Start:prev.End]; utf8.RuneCountInString(overlap) > 1 {
				t.Fatalf("%q: tokens %d and %d (%q) overlap on %q", text, i-1, i, p.Tokens[i-1:i+1], overlap)
			}
		}
	}
}

// at returns text[i], or a character start at the end of the text.
func at(text string, i int) byte {
	if i == len(text) {
		return 0
	}
	return text[i]
}

// TestOffsetsSentencePiece checks the spans of every ALBERT tokenizer case
// (both texts of a pair), the tagger fixture's texts, and the dev texts.
func TestOffsetsSentencePiece(t *testing.T) {
	texts := tokenizerCaseTexts(t)
	for _, c := range readTaggerTexts(t) {
		texts = append(texts, c.Text)
	}
	texts = append(texts, readDevTexts(t)...)
	for _, model := range []string{tinyModel, debsecModel} {
		c := sentencePieceChecker(loadTestTokenizer(t, model))
		for _, text := range texts {
			c.check(t, text, c.tok.Tokenize(text))
		}
	}
}

// TestOffsetsWordPiece checks the spans of every WordPiece case, uncased
// and cased.
func TestOffsetsWordPiece(t *testing.T) {
	var texts []string
	for _, c := range readWordPieceCases(t) {
		texts = append(texts, c.Text)
		if c.TextPair != nil {
			texts = append(texts, *c.TextPair)
		}
	}
	texts = append(texts, readDevTexts(t)...)
	for _, cased := range []bool{false, true} {
		c := wordPieceChecker(loadWordPiece(t, cased))
		for _, text := range texts {
			c.check(t, text, c.tok.Tokenize(text))
		}
	}
}

// The spans of a few texts, worked out by hand.
func TestOffsetsByHand(t *testing.T) {
	albert := loadTestTokenizer(t, tinyModel)
	bert := loadWordPiece(t, false)
	for _, tc := range []struct {
		tok  Tokenizer
		text string
		want []string // the surface of each token
	}{
		// The dummy ▁ spans nothing, a ▁ alone spans its space, a leading ▁
		// is not part of the word's span.
		{albert, "Hello world!", []string{"", "He", "ll", "o", " ", "w", "or", "l", "d", "!"}},
		{albert, "  a   b  ", []string{"a", "   ", "b"}},
		// NUL is ALBERT's unknown piece; WordPiece deletes it, and it joins
		// the character before it.
		{albert, "x\x00y", []string{"", "x", "\x00", "y"}},
		{bert, "x\x00y", []string{"x\x00", "y"}},
		// An accent, typed or combining, belongs to its letter.
		{albert, "Cafe\u0301 é", []string{"", "C", "a", "f", "e\u0301", " ", "é"}},
		{bert, "Cafe\u0301 é", []string{"Cafe\u0301", "é"}},
		// One character, several pieces.
		{albert, "½", []string{"½", "½", "½"}},
		// A piece ending in digit and comma is split again.
		{albert, "1,000 people, 3,", []string{"1", ",", "00", "0", "people", ",", " ", "3", ","}},
		// Special tokens typed in the text span what was typed.
		{albert, "[MASK] x <PAD>", []string{"[MASK]", "", "x", "<PAD>"}},
		{bert, "a[MASK]b", []string{"a", "[MASK]", "b"}},
		// An unknown word spans the word.
		{bert, "ﬁx ½", []string{"ﬁx", "½"}},
	} {
		p := tc.tok.Tokenize(tc.text)
		var got []string
		for _, sp := range p.Offsets {
			got = append(got, tc.text[sp.Start:sp.End])
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%T %q: surfaces %q, want %q (tokens %q)", tc.tok, tc.text, got, tc.want, p.Tokens)
		}
	}
}

func TestCharSpans(t *testing.T) {
	text := "aé€😀\xffb"
	got := CharSpans(text, []Span{{0, 0}, {0, 1}, {1, 3}, {3, 6}, {6, 10}, {10, 11}, {11, 12}, {2, 12}, {-1, 99}})
	want := []Span{{0, 0}, {0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}, {1, 6}, {0, 6}}
	if !slices.Equal(got, want) {
		t.Errorf("CharSpans = %v, want %v", got, want)
	}
}

// Encode and EncodePair add special tokens with empty spans; in a pair each
// text's spans point into that text.
func TestEncodingOffsets(t *testing.T) {
	for _, tok := range []Tokenizer{loadTestTokenizer(t, tinyModel), loadWordPiece(t, false)} {
		a, b := "Where is it?", "It is in Zürich."
		enc, err := EncodePair(tok, a, b, 0)
		if err != nil {
			t.Fatal(err)
		}
		pa, pb := tok.Tokenize(a), tok.Tokenize(b)
		want := slices.Concat([]Span{{}}, pa.Offsets, []Span{{}}, pb.Offsets, []Span{{}})
		if !slices.Equal(enc.Offsets, want) {
			t.Errorf("%T: offsets %v, want %v", tok, enc.Offsets, want)
		}
		question := tok.Tokenize(a)
		window := tok.Tokenize(b).Slice(1, 3)
		w := AssemblePair(tok, question, window)
		if w.Len() != question.Len()+5 || w.IDs[question.Len()+2] != window.IDs[0] || w.TypeIDs[w.Len()-1] != 1 || w.Offsets[w.Len()-2] != window.Offsets[1] {
			t.Errorf("%T: window %v %v %v", tok, w.IDs, w.TypeIDs, w.Offsets)
		}
	}
}

// TestConcurrentTokenize tokenizes from many goroutines at once (CI runs it
// under -race: the tokenizers share pooled working memory) and wants the
// serial results.
func TestConcurrentTokenize(t *testing.T) {
	texts := tokenizerCaseTexts(t)
	for _, tok := range []Tokenizer{loadTestTokenizer(t, tinyModel), loadWordPiece(t, false)} {
		serial := make([]Pieces, len(texts))
		for i, text := range texts {
			serial[i] = tok.Tokenize(text)
		}
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for i := range texts {
					i = (i + g*7) % len(texts)
					p := tok.Tokenize(texts[i])
					if !slices.Equal(p.IDs, serial[i].IDs) || !slices.Equal(p.Offsets, serial[i].Offsets) {
						t.Errorf("%T %q: concurrent result differs from serial", tok, texts[i])
					}
				}
			})
		}
		wg.Wait()
	}
}
