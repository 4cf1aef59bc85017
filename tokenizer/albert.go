package tokenizer

import (
	"bytes"
	"unicode/utf8"
)

// Tokenize is AlbertTokenizer.tokenize followed by convert_tokens_to_ids,
// with each token's span: the text is lower-cased outside special tokens,
// special tokens typed in it are kept whole, every other chunk is
// preprocessed and encoded by SentencePiece, and pieces ending in a digit
// and a comma are encoded again without the comma.
func (t *SentencePiece) Tokenize(text string) Pieces {
	ws := getWorkspace()
	defer ws.release()
	a := readText(ws, text, t.opts.DoLowerCase, albertSpecials)
	p := newPieces(len(text)/4 + 1) // ALBERT pieces average about 4 bytes of English
	for _, c := range splitSpecials(a.text, albertSpecials) {
		if c.special {
			tok := string(a.text[c.from:c.to])
			t.addToken(&p, tok, a.cover(c.from, c.to))
			continue
		}
		t.appendChunk(&p, a.slice(c.from, c.to))
	}
	return p
}

// appendChunk is AlbertTokenizer._tokenize for one chunk of plain text.
func (t *SentencePiece) appendChunk(p *Pieces, chunk *aligned) {
	pieces, norm := t.sp.encode(t.preprocess(chunk))
	for _, q := range pieces {
		if !endsWithDigitComma(q.text) {
			t.addPiece(p, q, pieceSpan(norm, q))
			continue
		}
		body := withoutSpaceSymbols(norm.slice(q.start, q.end-1))
		sub, subNorm := t.sp.encode(body)
		if !hasSpacePrefix(q.text) && len(sub) > 0 && hasSpacePrefix(sub[0].text) {
			if sub[0].text == spaceSymbol {
				sub = sub[1:]
			} else {
				sub[0].text = sub[0].text[len(spaceSymbol):]
				sub[0].start += len(spaceSymbol)
			}
		}
		for _, s := range sub {
			t.addToken(p, s.text, pieceSpan(subNorm, s))
		}
		t.addToken(p, ",", norm.cover(q.end-1, q.end))
	}
}

// addToken appends a token of AlbertTokenizer.tokenize: its id, as
// convert_tokens_to_ids gives it, and its vocabulary piece (for an unknown
// token <unk>, not the text it stands for, which its span gives).
func (t *SentencePiece) addToken(p *Pieces, tok string, sp span) {
	id := t.sp.pieceID(tok)
	p.add(id, t.sp.pieces[id].text, sp)
}

// addPiece appends a piece SentencePiece found. Its id is the one the
// search gave it, which is what convert_tokens_to_ids gives its text, except
// for an unknown piece, whose text is looked up as the reference does.
func (t *SentencePiece) addPiece(p *Pieces, q spPiece, sp span) {
	if q.id == t.sp.unkID {
		t.addToken(p, q.text, sp)
		return
	}
	p.add(q.id, t.sp.pieces[q.id].text, sp)
}

// pieceSpan returns the original span of a piece of the normalized text
// norm, leaving out the ▁ at its ends unless the piece is nothing else.
func pieceSpan(norm *aligned, q spPiece) span {
	from, to := q.start, q.end
	for to-from > len(spaceSymbol) && string(norm.text[from:from+len(spaceSymbol)]) == spaceSymbol {
		from += len(spaceSymbol)
	}
	for to-from > len(spaceSymbol) && string(norm.text[to-len(spaceSymbol):to]) == spaceSymbol {
		to -= len(spaceSymbol)
	}
	return norm.cover(from, to)
}

func hasSpacePrefix(s string) bool {
	return len(s) >= len(spaceSymbol) && s[:len(spaceSymbol)] == spaceSymbol
}

// withoutSpaceSymbols returns in with every ▁ removed.
func withoutSpaceSymbols(in *aligned) *aligned {
	out := in.ws.get(len(in.text))
	for i := 0; i < len(in.text); {
		j := bytes.Index(in.text[i:], []byte(spaceSymbol))
		if j < 0 {
			out.keep(in, i, len(in.text))
			break
		}
		out.keep(in, i, i+j)
		i += j + len(spaceSymbol)
	}
	return out
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

// preprocess is AlbertTokenizer.preprocess_text: whitespace collapsed and
// stripped as by " ".join(s.split()), a doubled backquote or apostrophe
// turned into a double quote, accents removed (NFKD without combining marks)
// unless keepAccents, then lower-cased.
func (t *SentencePiece) preprocess(in *aligned) *aligned {
	a := replaceDoubledQuotes(collapseSpaces(in))
	if !t.opts.KeepAccents {
		a = stripMarksNFKD(a)
	}
	if t.opts.DoLowerCase {
		a = pyLower(a)
	}
	return a
}

// collapseSpaces is " ".join(s.split()): each run of Python whitespace
// between two words becomes one space spanning the run; leading and
// trailing whitespace go.
func collapseSpaces(in *aligned) *aligned {
	out := in.ws.get(len(in.text))
	word, gap := -1, -1 // where the current word and the whitespace before it start
	for i := 0; i < len(in.text); {
		r, n := rune(in.text[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(in.text[i:])
		}
		switch space := pyIsSpace(r); {
		case space && word >= 0:
			out.keep(in, word, i)
			word, gap = -1, i
		case !space && word < 0:
			if gap >= 0 {
				out.put(" ", in, gap, i)
			}
			word = i
		}
		i += n
	}
	if word >= 0 {
		out.keep(in, word, len(in.text))
	}
	return out
}

// replaceDoubledQuotes turns “ and ” into ", scanning left to right (the
// same as replacing all “ and then all ”, as the two never overlap).
func replaceDoubledQuotes(in *aligned) *aligned {
	if !bytes.Contains(in.text, []byte("``")) && !bytes.Contains(in.text, []byte("''")) {
		return in
	}
	out := in.ws.get(len(in.text))
	last := 0
	for i := 0; i+1 < len(in.text); i++ {
		if c := in.text[i]; (c == '`' || c == '\'') && in.text[i+1] == c {
			out.keep(in, last, i)
			out.put(`"`, in, i, i+2)
			last = i + 2
			i++
		}
	}
	out.keep(in, last, len(in.text))
	return out
}

// stripMarksNFKD replaces each character by its NFKD decomposition without
// combining marks (see appendNFKDWithoutMarks).
func stripMarksNFKD(in *aligned) *aligned {
	return rewrite(in, func(b []byte) int {
		_, n := utf8.DecodeRune(b)
		return n
	}, func(dst, char []byte) []byte {
		r, _ := utf8.DecodeRune(char)
		return appendNFKDWithoutMarks(dst, r)
	})
}

// pyLower is Python's str.lower() on a whole string, including the final
// sigma rule: Σ preceded by a cased letter and not followed by one becomes ς.
func pyLower(in *aligned) *aligned {
	if !hasUpperOrNonASCII(in.text) {
		return in
	}
	s := string(in.text)
	out := in.ws.get(len(s))
	var buf [8]byte
	for i, r := range s {
		n := utf8.RuneLen(r) // aligned text is valid UTF-8
		low := appendLowerRune(buf[:0], r)
		if r == 'Σ' && finalSigma(s, i) {
			low = append(buf[:0], "ς"...)
		}
		if string(low) == s[i:i+n] {
			out.keep(in, i, i+n)
		} else {
			out.put(string(low), in, i, i+n)
		}
	}
	return out
}

func hasUpperOrNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}
