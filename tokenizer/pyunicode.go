package tokenizer

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/unicode/rangetable"
)

// This file reproduces the Python str and unicodedata operations the
// reference tokenizers rely on: str.split() whitespace, str.isdigit(),
// str.lower() (full case mapping, final sigma), unicodedata.category(),
// normalize("NFD"/"NFKD") and combining().
//
// The reference ran on Python 3.11, whose unicodedata is Unicode 14.0; Go's
// unicode package and golang.org/x/text are Unicode 15.0. The only
// difference for existing characters is that Unicode 15.0 assigned 4,489
// new ones: to Python they are unassigned (category Cn, no decomposition,
// no case, not digits). Every function here sees them as Python does.

// addedInUnicode15 are the code points Unicode 15.0 assigned, unassigned in
// Unicode 14.0 (found by comparing every code point's category in Python
// 3.11's unicodedata with Go's; TestPythonUnicode checks the result).
var addedInUnicode15 = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x0CF3, 0x0CF3, 1}, {0x0ECE, 0x0ECE, 1},
	},
	R32: []unicode.Range32{
		{0x10EFD, 0x10EFF, 1}, {0x1123F, 0x11241, 1}, {0x11B00, 0x11B09, 1},
		{0x11F00, 0x11F10, 1}, {0x11F12, 0x11F3A, 1}, {0x11F3E, 0x11F59, 1},
		{0x1342F, 0x1342F, 1}, {0x13439, 0x13455, 1}, {0x1B132, 0x1B132, 1},
		{0x1B155, 0x1B155, 1}, {0x1D2C0, 0x1D2D3, 1}, {0x1DF25, 0x1DF2A, 1},
		{0x1E030, 0x1E06D, 1}, {0x1E08F, 0x1E08F, 1}, {0x1E4D0, 0x1E4F9, 1},
		{0x1F6DC, 0x1F6DC, 1}, {0x1F774, 0x1F776, 1}, {0x1F77B, 0x1F77F, 1},
		{0x1F7D9, 0x1F7D9, 1}, {0x1FA75, 0x1FA77, 1}, {0x1FA87, 0x1FA88, 1},
		{0x1FAAD, 0x1FAAF, 1}, {0x1FABB, 0x1FABD, 1}, {0x1FABF, 0x1FABF, 1},
		{0x1FACE, 0x1FACF, 1}, {0x1FADA, 0x1FADB, 1}, {0x1FAE8, 0x1FAE8, 1},
		{0x1FAF7, 0x1FAF8, 1}, {0x2B739, 0x2B739, 1}, {0x31350, 0x323AF, 1},
	},
}

// assigned15 are the code points Unicode 15.0 assigns.
var assigned15 = rangetable.Assigned("15.0.0")

// pyAssigned reports whether r is assigned in Python's Unicode 14.0 (its
// category is not Cn). Code points past ASCII that Go's tables know but
// Python's do not are unassigned.
func pyAssigned(r rune) bool {
	return r < utf8.RuneSelf || unicode.Is(assigned15, r) && !unicode.Is(addedInUnicode15, r)
}

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
	return (unicode.IsDigit(r) || unicode.Is(pyDigitRanges, r)) && pyAssigned(r)
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
	if !pyAssigned(r) {
		return utf8.AppendRune(dst, r)
	}
	return utf8.AppendRune(dst, unicode.ToLower(r))
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
	return pyAssigned(r) && (unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r))
}

// isCaseIgnorable is Unicode's Case_Ignorable: categories Mn, Me, Cf, Lm, Sk
// and the Word_Break classes MidLetter, MidNumLet and Single_Quote.
func isCaseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027,
		0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return pyAssigned(r) && unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// appendNFKDWithoutMarks appends the NFKD decomposition of r with every
// character of non-zero canonical combining class removed — Python's
// "".join(c for c in normalize("NFKD", s) if not combining(c)). Canonical
// reordering only moves combining marks, which are all dropped, so each
// rune can be decomposed on its own.
func appendNFKDWithoutMarks(dst []byte, r rune) []byte {
	if r < utf8.RuneSelf || !pyAssigned(r) {
		return utf8.AppendRune(dst, r)
	}
	var one [utf8.UTFMax]byte
	var dec [64]byte // the longest decomposition, U+FDFA's, is 33 bytes
	d := norm.NFKD.Append(dec[:0], utf8.AppendRune(one[:0], r)...)
	for len(d) > 0 {
		p := norm.NFKD.Properties(d)
		n := max(p.Size(), 1)
		if p.CCC() == 0 {
			dst = append(dst, d[:n]...)
		}
		d = d[n:]
	}
	return dst
}

// The predicates of transformers' BasicTokenizer (tokenization_utils.py).

// bertIsWhitespace is _is_whitespace: space, \t, \n, \r and category Zs.
func bertIsWhitespace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r':
		return true
	}
	return r >= utf8.RuneSelf && unicode.Is(unicode.Zs, r)
}

// bertIsControl is _is_control: any category C (Cc, Cf, Cs, Co and
// unassigned Cn) other than \t, \n and \r.
func bertIsControl(r rune) bool {
	if r < utf8.RuneSelf {
		return (r < ' ' || r == 0x7F) && r != '\t' && r != '\n' && r != '\r'
	}
	return !pyAssigned(r) || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Cs, unicode.Co)
}

// bertIsPunctuation is _is_punctuation: every ASCII character that is not a
// letter, digit, space or control, and category P.
func bertIsPunctuation(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= '!' && r <= '/' || r >= ':' && r <= '@' || r >= '[' && r <= '`' || r >= '{' && r <= '~'
	}
	return unicode.IsPunct(r) && pyAssigned(r)
}

// bertIsChinese is _is_chinese_char: the CJK Unified Ideographs blocks and
// their compatibility blocks (not kana or Hangul).
func bertIsChinese(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF ||
		r >= 0x3400 && r <= 0x4DBF ||
		r >= 0x20000 && r <= 0x2A6DF ||
		r >= 0x2A700 && r <= 0x2B73F ||
		r >= 0x2B740 && r <= 0x2B81F ||
		r >= 0x2B820 && r <= 0x2CEAF ||
		r >= 0xF900 && r <= 0xFAFF ||
		r >= 0x2F800 && r <= 0x2FA1F
}

// appendNFDWithoutMn appends the NFD decomposition of one normalization
// segment (a starter and the non-starters after it) without the characters
// of category Mn: _run_strip_accents.
func appendNFDWithoutMn(dst []byte, segment []byte) []byte {
	for _, r := range string(norm.NFD.Bytes(segment)) {
		if !unicode.Is(unicode.Mn, r) {
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst
}
