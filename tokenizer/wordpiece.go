package tokenizer

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxInputCharsPerWord is WordpieceTokenizer's max_input_chars_per_word: a
// longer word is one unknown token.
const maxInputCharsPerWord = 100

// WordPieceOptions are BertTokenizer's settings, as tokenizer_config.json
// and special_tokens_map.json give them (see ParseWordPieceConfig).
// The JSON names are tokenizer_config.json's (an .albq file stores them).
type WordPieceOptions struct {
	DoLowerCase          bool     `json:"do_lower_case"`          // lower-case the text (default true)
	StripAccents         bool     `json:"strip_accents"`          // drop accents: NFD without category Mn (default: DoLowerCase)
	TokenizeChineseChars bool     `json:"tokenize_chinese_chars"` // make every CJK ideograph a word of its own (default true)
	DoBasicTokenize      bool     `json:"do_basic_tokenize"`      // run the basic tokenizer; without it, text is split on whitespace only and not lower-cased (default true)
	NeverSplit           []string `json:"never_split,omitempty"`  // words kept whole by the basic tokenizer and not split into pieces

	// The special tokens (defaults [CLS], [SEP], [MASK], [PAD], [UNK]) and
	// any additional ones. All are recognised when typed in the text.
	CLS        string   `json:"cls_token"`
	SEP        string   `json:"sep_token"`
	Mask       string   `json:"mask_token"`
	Pad        string   `json:"pad_token"`
	Unk        string   `json:"unk_token"`
	Additional []string `json:"additional_special_tokens,omitempty"`
}

// DefaultWordPieceOptions returns BertTokenizer's defaults (uncased).
func DefaultWordPieceOptions() WordPieceOptions {
	return WordPieceOptions{
		DoLowerCase: true, StripAccents: true, TokenizeChineseChars: true, DoBasicTokenize: true,
		CLS: "[CLS]", SEP: "[SEP]", Mask: "[MASK]", Pad: "[PAD]", Unk: "[UNK]",
	}
}

// WordPiece is the BERT family's tokenizer: transformers' slow
// BertTokenizer (also DistilBertTokenizer, MobileBertTokenizer, the
// tokenizer of MiniLM and TinyBERT). It is safe for concurrent use.
type WordPiece struct {
	opts       WordPieceOptions
	vocab      map[string]int
	pieces     []string   // by id
	words      *pieceTrie // every token: candidates for a word's first piece
	suffixes   *pieceTrie // tokens after their "##": the pieces that follow
	specials   Specials
	specialIDs []int
	typed      *specialSet     // special tokens recognised in the text
	neverSplit map[string]bool // NeverSplit: left alone by WordPiece
	keepWhole  map[string]bool // NeverSplit and the special tokens: kept whole by the basic tokenizer
}

// LoadWordPiece reads a vocab.txt: one token per line, the line number
// being its id (a token listed twice keeps the last id, the earlier id
// reads as the unknown token, as transformers' load_vocab does). The
// unknown token must be in the vocabulary; other special tokens missing
// from it map to the unknown id.
func LoadWordPiece(vocab []byte, opts WordPieceOptions) (*WordPiece, error) {
	if !utf8.Valid(vocab) {
		return nil, fmt.Errorf("vocab.txt: %w", CheckUTF8(string(vocab)))
	}
	w := &WordPiece{opts: opts, vocab: map[string]int{}}
	w.pieces = vocabLines(string(vocab))
	for id, tok := range w.pieces {
		w.vocab[tok] = id
	}
	unk, ok := w.vocab[opts.Unk]
	if !ok {
		return nil, fmt.Errorf("vocab.txt: the unknown token %q is not in the vocabulary", opts.Unk)
	}
	suffixes := map[string]int{}
	for tok, id := range w.vocab {
		if rest, ok := strings.CutPrefix(tok, "##"); ok {
			suffixes[rest] = id
		}
	}
	for id, tok := range w.pieces {
		if w.vocab[tok] != id {
			w.pieces[id] = opts.Unk
		}
	}
	w.words, w.suffixes = newPieceTrie(w.vocab), newPieceTrie(suffixes)
	w.specials = Specials{CLS: w.id(opts.CLS), SEP: w.id(opts.SEP), Mask: w.id(opts.Mask), Pad: w.id(opts.Pad), Unk: unk}
	all := append([]string{opts.CLS, opts.SEP, opts.Mask, opts.Pad, opts.Unk}, opts.Additional...)
	w.typed = newSpecialSet(all)
	w.neverSplit, w.keepWhole = map[string]bool{}, map[string]bool{}
	for _, t := range opts.NeverSplit {
		w.neverSplit[t], w.keepWhole[t] = true, true
	}
	for _, t := range all {
		w.keepWhole[t] = true
		w.specialIDs = append(w.specialIDs, w.id(t))
	}
	return w, nil
}

// vocabLines splits a vocabulary into lines as Python's readlines() in text
// mode does: at \n, \r\n or \r, without the line ends.
func vocabLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// addToken appends a token of BertTokenizer.tokenize: its id, as
// convert_tokens_to_ids gives it, and its vocabulary piece (the unknown
// token for one not in the vocabulary).
func (w *WordPiece) addToken(p *Pieces, tok string, sp span) {
	id := w.id(tok)
	p.add(id, w.pieces[id], sp)
}

// id is convert_tokens_to_ids for one token: its id, or the unknown id.
func (w *WordPiece) id(tok string) int {
	if id, ok := w.vocab[tok]; ok {
		return id
	}
	return w.vocab[w.opts.Unk]
}

// Tokenize is BertTokenizer.tokenize followed by convert_tokens_to_ids,
// with each token's span: the text is lower-cased outside special tokens,
// special tokens typed in it are kept whole, and every other chunk goes
// through the basic tokenizer and WordPiece.
func (w *WordPiece) Tokenize(text string) Pieces {
	ws := getWorkspace()
	defer ws.release()
	a := readText(ws, text, w.opts.DoLowerCase && w.opts.DoBasicTokenize, w.typed)
	p := newPieces(len(text)/3 + 1) // word pieces average about 3 bytes of English
	for _, c := range splitSpecials(a.text, w.typed) {
		if c.special {
			tok := string(a.text[c.from:c.to])
			w.addToken(&p, tok, a.cover(c.from, c.to))
			continue
		}
		chunk := a.slice(c.from, c.to)
		if !w.opts.DoBasicTokenize {
			for _, word := range splitWords(chunk) {
				w.appendPieces(&p, chunk.slice(word.from, word.to))
			}
			continue
		}
		clean, words := w.basicWords(chunk)
		for _, word := range words {
			w.appendBasic(&p, clean.slice(word.from, word.to))
		}
	}
	return p
}

// basicWords is the first half of BasicTokenizer.tokenize: control
// characters, NUL and U+FFFD deleted, then the text split on whitespace
// and around CJK ideographs. It returns the text without the deleted
// characters and whitespace, and the words in it.
func (w *WordPiece) basicWords(in *aligned) (*aligned, []chunk) {
	out := in.ws.get(len(in.text))
	var words []chunk
	word, kept := 0, 0 // the current word starts at out.text[word]; in.text[kept:i] waits to be kept
	endWord := func(i int) {
		out.keep(in, kept, i)
		if len(out.text) > word {
			words = append(words, chunk{from: word, to: len(out.text)})
		}
		word = len(out.text)
	}
	for i := 0; i < len(in.text); {
		r, n := rune(in.text[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(in.text[i:])
		}
		switch {
		case r == 0 || r == utf8.RuneError || bertIsControl(r):
			out.keep(in, kept, i)
			out.drop(in, i, i+n)
		case bertIsWhitespace(r) || pyIsSpace(r):
			endWord(i)
		case w.opts.TokenizeChineseChars && bertIsChinese(r):
			endWord(i)
			kept = i
			endWord(i + n)
		default:
			i += n
			continue
		}
		i += n
		kept = i
	}
	endWord(len(in.text))
	return out, words
}

// splitWords is whitespace_tokenize: the runs of text between Python
// whitespace.
func splitWords(in *aligned) []chunk {
	var words []chunk
	start := -1
	for i := 0; i < len(in.text); {
		r, n := utf8.DecodeRune(in.text[i:])
		if space := pyIsSpace(r); space && start >= 0 {
			words = append(words, chunk{from: start, to: i})
			start = -1
		} else if !space && start < 0 {
			start = i
		}
		i += n
	}
	if start >= 0 {
		words = append(words, chunk{from: start, to: len(in.text)})
	}
	return words
}

// appendBasic is the second half of BasicTokenizer.tokenize for one word:
// unless it is kept whole, accents are stripped and punctuation is split
// off, every punctuation character becoming a token of its own.
func (w *WordPiece) appendBasic(p *Pieces, word *aligned) {
	if w.keepWhole[string(word.text)] {
		w.appendToken(p, word)
		return
	}
	if w.opts.StripAccents {
		word = stripAccents(word)
	}
	start := 0
	for i := 0; i < len(word.text); {
		r, n := utf8.DecodeRune(word.text[i:])
		if bertIsPunctuation(r) {
			if i > start {
				w.appendToken(p, word.slice(start, i))
			}
			w.appendToken(p, word.slice(i, i+n))
			start = i + n
		}
		i += n
	}
	if start < len(word.text) {
		w.appendToken(p, word.slice(start, len(word.text)))
	}
}

// appendToken is BertTokenizer._tokenize for one token of the basic
// tokenizer: a never-split token is kept as it is, any other is split
// into word pieces.
func (w *WordPiece) appendToken(p *Pieces, tok *aligned) {
	if w.neverSplit[string(tok.text)] {
		w.addToken(p, string(tok.text), tok.cover(0, len(tok.text)))
		return
	}
	w.appendPieces(p, tok)
}

// appendPieces is WordpieceTokenizer.tokenize for one word: greedy longest
// match first, the pieces after the first taken from the "##" tokens. A word
// of more than 100 characters, or one with a place no piece matches, is one
// unknown token.
func (w *WordPiece) appendPieces(p *Pieces, word *aligned) {
	s := string(word.text)
	if utf8.RuneCountInString(s) > maxInputCharsPerWord {
		p.add(w.specials.Unk, w.pieces[w.specials.Unk], word.cover(0, len(s)))
		return
	}
	n := p.Len()
	for start := 0; start < len(s); {
		trie := w.words
		if start > 0 {
			trie = w.suffixes
		}
		l, id := trie.longestMatch(s[start:])
		if l == 0 {
			p.truncate(n)
			p.add(w.specials.Unk, w.pieces[w.specials.Unk], word.cover(0, len(s)))
			return
		}
		p.add(id, w.pieces[id], word.cover(start, start+l))
		start += l
	}
}

// stripAccents is _run_strip_accents: NFD, then every character of category
// Mn removed. It works one normalization segment (a starter and the
// combining characters after it) at a time, so a base letter's span covers
// the accents that were its.
func stripAccents(in *aligned) *aligned {
	return rewrite(in, func(b []byte) int { return max(norm.NFD.NextBoundary(b, true), 1) }, appendNFDWithoutMn)
}

// Decode is decode(ids, skip_special_tokens=True): the tokens joined by
// spaces, "##" pieces glued to the one before, then transformers'
// clean_up_tokenization. Ids out of range are skipped.
func (w *WordPiece) Decode(ids []int) string {
	var toks []string
	for _, id := range ids {
		if id >= 0 && id < len(w.pieces) && !w.isSpecial(id) {
			toks = append(toks, w.pieces[id])
		}
	}
	s := strings.ReplaceAll(strings.Join(toks, " "), " ##", "")
	return cleanUpTokenization(strings.TrimFunc(s, pyIsSpace))
}

func (w *WordPiece) isSpecial(id int) bool {
	for _, s := range w.specialIDs {
		if s == id {
			return true
		}
	}
	return false
}

// cleanUpTokenization is transformers' clean_up_tokenization: no space
// before . ? ! , and English contractions, replaced in this order.
func cleanUpTokenization(s string) string {
	for _, r := range [...][2]string{
		{" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"},
		{" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"},
	} {
		s = strings.ReplaceAll(s, r[0], r[1])
	}
	return s
}

// Piece returns the token of id, or "" when id is out of range.
func (w *WordPiece) Piece(id int) string {
	if id < 0 || id >= len(w.pieces) {
		return ""
	}
	return w.pieces[id]
}

// VocabSize is the number of lines of the vocabulary; every id is below it.
func (w *WordPiece) VocabSize() int { return len(w.pieces) }

// Specials returns the ids of the special tokens.
func (w *WordPiece) Specials() Specials { return w.specials }
