package tokenizer

import (
	"strings"
	"unicode/utf8"
)

// specialTokens are the tokens AlbertTokenizer recognises when they are typed
// in the text (its unique_no_split_tokens). None is a prefix or an overlap of
// another, so a left-to-right scan finds the same matches as its trie.
var specialTokens = []string{"[CLS]", "[SEP]", "[MASK]", "<pad>", "<unk>"}

// specialAt returns the special token starting s, or "".
func specialAt(s string) string {
	if s == "" || (s[0] != '[' && s[0] != '<') {
		return ""
	}
	for _, t := range specialTokens {
		if strings.HasPrefix(s, t) {
			return t
		}
	}
	return ""
}

// toValidUTF8 replaces every byte that is not part of a valid UTF-8 sequence
// with U+FFFD, one replacement per byte, as SentencePiece does.
func toValidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	for _, r := range s {
		b = utf8.AppendRune(b, r) // a bad byte decodes as RuneError, width 1
	}
	return string(b)
}

// lowerOutsideSpecials lower-cases every character on its own (Python's
// lower() of a one-character string), leaving special tokens as they are.
// This is PreTrainedTokenizer.tokenize's regex pass for do_lower_case; being
// per character, a Greek capital sigma always becomes σ.
func lowerOutsideSpecials(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if t := specialAt(s[i:]); t != "" {
			b = append(b, t...)
			i += len(t)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		b = appendLowerRune(b, r)
		i += n
	}
	return string(b)
}

// splitSpecials cuts s into text chunks and special tokens, in order.
func splitSpecials(s string) (chunks []string, special []bool) {
	start := 0
	for i := 0; i < len(s); {
		t := specialAt(s[i:])
		if t == "" {
			i++
			continue
		}
		if i > start {
			chunks, special = append(chunks, s[start:i]), append(special, false)
		}
		chunks, special = append(chunks, t), append(special, true)
		i += len(t)
		start = i
	}
	if start < len(s) {
		chunks, special = append(chunks, s[start:]), append(special, false)
	}
	return chunks, special
}

// preprocess is AlbertTokenizer.preprocess_text: whitespace collapsed and
// stripped as by " ".join(s.split()), a doubled backquote or apostrophe
// turned into a double quote, accents removed (NFKD without combining marks)
// unless keepAccents, then lower-cased.
func (t *Tokenizer) preprocess(s string) string {
	var b strings.Builder
	for i, f := range strings.FieldsFunc(s, pyIsSpace) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f)
	}
	s = strings.ReplaceAll(b.String(), "``", `"`)
	s = strings.ReplaceAll(s, "''", `"`)
	if !t.opts.KeepAccents {
		s = string(appendNFKDWithoutMarks(make([]byte, 0, len(s)), s))
	}
	if t.opts.DoLowerCase {
		s = pyLower(s)
	}
	return s
}

// tokenize is AlbertTokenizer.tokenize followed by convert_tokens_to_ids:
// special tokens typed in the text are kept whole, every other chunk is
// preprocessed and encoded by SentencePiece, and pieces ending in a digit and
// a comma are encoded again without the comma.
func (t *Tokenizer) tokenize(text string) (ids []int, tokens []string) {
	text = toValidUTF8(text)
	if t.opts.DoLowerCase {
		text = lowerOutsideSpecials(text)
	}
	chunks, special := splitSpecials(text)
	for i, c := range chunks {
		if special[i] {
			tokens = append(tokens, c)
			continue
		}
		tokens = t.appendChunkTokens(tokens, c)
	}
	ids = make([]int, len(tokens))
	for i, tok := range tokens {
		ids[i] = t.sp.pieceID(tok)
	}
	return ids, tokens
}

// appendChunkTokens is AlbertTokenizer._tokenize for one chunk of plain text.
func (t *Tokenizer) appendChunkTokens(tokens []string, chunk string) []string {
	for _, p := range t.sp.encode(t.preprocess(chunk)) {
		if !endsWithDigitComma(p.text) {
			tokens = append(tokens, p.text)
			continue
		}
		body := strings.ReplaceAll(p.text[:len(p.text)-1], spaceSymbol, "")
		sub := t.sp.encode(body)
		if !strings.HasPrefix(p.text, spaceSymbol) && len(sub) > 0 && strings.HasPrefix(sub[0].text, spaceSymbol) {
			if sub[0].text == spaceSymbol {
				sub = sub[1:]
			} else {
				sub[0].text = sub[0].text[len(spaceSymbol):]
			}
		}
		for _, q := range sub {
			tokens = append(tokens, q.text)
		}
		tokens = append(tokens, ",")
	}
	return tokens
}

// endsWithDigitComma reports whether p has at least two characters, the
// last a comma and the one before it a digit (Python's isdigit).
func endsWithDigitComma(p string) bool {
	if len(p) < 2 || p[len(p)-1] != ',' {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(p[:len(p)-1])
	return pyIsDigit(r)
}
