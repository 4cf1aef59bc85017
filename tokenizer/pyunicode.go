package tokenizer

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// This file reproduces the few Python str operations AlbertTokenizer relies
// on: str.split() whitespace, str.isdigit(), str.lower() (full case mapping,
// final sigma), and unicodedata.normalize("NFKD") + unicodedata.combining().

// pyIsSpace reports whether Python's str.split() treats r as whitespace
// (bidirectional class WS, B or S, or category Zs).
func pyIsSpace(r rune) bool {
	switch {
	case r >= 0x09 && r <= 0x0D, r >= 0x1C && r <= 0x20:
		return true
	case r < 0x85:
		return false
	}
	switch r {
	case 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// pyDigitRanges are the code points with Numeric_Type=Digit, which Python's
// isdigit() accepts besides the decimal digits (category Nd).
var pyDigitRanges = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x00B2, 0x00B3, 1}, {0x00B9, 0x00B9, 1},
		{0x1369, 0x1371, 1}, {0x19DA, 0x19DA, 1},
		{0x2070, 0x2070, 1}, {0x2074, 0x2079, 1}, {0x2080, 0x2089, 1},
		{0x2460, 0x2468, 1}, {0x2474, 0x247C, 1}, {0x2488, 0x2490, 1},
		{0x24EA, 0x24EA, 1}, {0x24F5, 0x24FD, 1}, {0x24FF, 0x24FF, 1},
		{0x2776, 0x277E, 1}, {0x2780, 0x2788, 1}, {0x278A, 0x2792, 1},
	},
	R32: []unicode.Range32{
		{0x10A40, 0x10A43, 1}, {0x10E60, 0x10E68, 1}, {0x11052, 0x1105A, 1},
		{0x1F100, 0x1F10A, 1},
	},
}

// pyIsDigit is Python's str.isdigit() for one character.
func pyIsDigit(r rune) bool {
	if r < 0x80 {
		return r >= '0' && r <= '9'
	}
	return unicode.IsDigit(r) || unicode.Is(pyDigitRanges, r)
}

// appendLowerRune appends Python's lower() of the one-character string r:
// the simple mapping, except U+0130 which lower-cases to "i̇" (two runes).
// A lone capital sigma becomes σ.
func appendLowerRune(dst []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(dst, byte(r))
	}
	if r == 0x130 {
		return append(dst, "i\u0307"...)
	}
	return utf8.AppendRune(dst, unicode.ToLower(r))
}

// pyLower is Python's str.lower() on a whole string, including the final
// sigma rule: Σ preceded by a cased letter and not followed by one becomes ς.
func pyLower(s string) string {
	var b []byte
	for i, r := range s {
		if r == 'Σ' && finalSigma(s, i) {
			b = append(b, "ς"...)
			continue
		}
		b = appendLowerRune(b, r)
	}
	return string(b)
}

// finalSigma reports whether the Σ at byte i of s is in Python's
// Final_Sigma context (case-ignorable characters are skipped both ways).
func finalSigma(s string, i int) bool {
	before := s[:i]
	for before != "" {
		r, n := utf8.DecodeLastRuneInString(before)
		before = before[:len(before)-n]
		if !isCaseIgnorable(r) {
			if !isCased(r) {
				return false
			}
			for _, r := range s[i+len("Σ"):] {
				if !isCaseIgnorable(r) {
					return !isCased(r)
				}
			}
			return true
		}
	}
	return false
}

func isCased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

// isCaseIgnorable is Unicode's Case_Ignorable: categories Mn, Me, Cf, Lm, Sk
// and the Word_Break classes MidLetter, MidNumLet and Single_Quote.
func isCaseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027,
		0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// appendNFKDWithoutMarks appends the NFKD decomposition of s with every
// character of non-zero canonical combining class removed — Python's
// "".join(c for c in normalize("NFKD", s) if not combining(c)). Canonical
// reordering only moves combining marks, which are all dropped, so each
// rune can be decomposed on its own.
func appendNFKDWithoutMarks(dst []byte, s string) []byte {
	var one, dec [64]byte
	for _, r := range s {
		if r < utf8.RuneSelf {
			dst = append(dst, byte(r))
			continue
		}
		d := norm.NFKD.Append(dec[:0], utf8.AppendRune(one[:0], r)...)
		for len(d) > 0 {
			p := norm.NFKD.Properties(d)
			n := p.Size()
			if n == 0 {
				n = 1
			}
			if p.CCC() == 0 {
				dst = append(dst, d[:n]...)
			}
			d = d[n:]
		}
	}
	return dst
}
