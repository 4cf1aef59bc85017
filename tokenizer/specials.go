package tokenizer

import (
	"bytes"
	"unicode/utf8"
)

// specialSet holds the special tokens a tokenizer recognises when they are
// typed in the text (transformers' unique_no_split_tokens).
type specialSet struct {
	tokens []string
	first  [256]bool // first[c]: some token starts with byte c
}

func newSpecialSet(tokens []string) *specialSet {
	s := &specialSet{}
	for _, t := range tokens {
		if t != "" {
			s.tokens = append(s.tokens, t)
			s.first[t[0]] = true
		}
	}
	return s
}

// at returns the length of the longest special token starting text, or 0.
func (s *specialSet) at(text []byte) int {
	if len(text) == 0 || !s.first[text[0]] {
		return 0
	}
	n := 0
	for _, t := range s.tokens {
		if len(t) > n && len(t) <= len(text) && string(text[:len(t)]) == t {
			n = len(t)
		}
	}
	return n
}

// readText returns text as the reference tokenizers first see it, each
// byte spanning itself: every byte that is not part of valid UTF-8 becomes
// U+FFFD (text that could not be a Python string), and with lower every
// character outside special tokens is lower-cased on its own (Python's
// lower() of a one-character string: PreTrainedTokenizer.tokenize's regex
// pass for do_lower_case; being per character, a Greek capital sigma always
// becomes σ).
func readText(ws *workspace, text string, lower bool, specials *specialSet) *aligned {
	in := []byte(text)
	out := ws.get(len(in))
	var buf [8]byte
	for i := 0; i < len(in); {
		// A run of ASCII that stays as it is.
		j := i
		for j < len(in) && in[j] < utf8.RuneSelf && !(lower && (specials.first[in[j]] || 'A' <= in[j] && in[j] <= 'Z')) {
			j++
		}
		if j > i {
			out.keepSource(in, i, j)
			i = j
			continue
		}
		if lower {
			if n := specials.at(in[i:]); n > 0 {
				out.keepSource(in, i, i+n)
				i += n
				continue
			}
		}
		r, n := utf8.DecodeRune(in[i:])
		var low []byte
		switch {
		case r == utf8.RuneError && n == 1:
			low = append(buf[:0], "\uFFFD"...)
		case lower:
			low = appendLowerRune(buf[:0], r)
		}
		if low == nil || bytes.Equal(low, in[i:i+n]) {
			out.keepSource(in, i, i+n)
		} else {
			out.putSpan(string(low), span{int32(i), int32(i + n)})
		}
		i += n
	}
	return out
}

// chunk is a part of a text: a special token or the text between two.
type chunk struct {
	from, to int
	special  bool
}

// splitSpecials cuts text into text chunks and special tokens, in order,
// taking the longest special token at the leftmost place (transformers'
// Trie.split).
func splitSpecials(text []byte, specials *specialSet) []chunk {
	var chunks []chunk
	start := 0
	for i := 0; i < len(text); {
		n := specials.at(text[i:])
		if n == 0 {
			i++
			continue
		}
		if i > start {
			chunks = append(chunks, chunk{start, i, false})
		}
		chunks = append(chunks, chunk{i, i + n, true})
		i += n
		start = i
	}
	if start < len(text) {
		chunks = append(chunks, chunk{start, len(text), false})
	}
	return chunks
}
