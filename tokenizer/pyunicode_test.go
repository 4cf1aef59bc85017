package tokenizer

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestPythonUnicode checks, over every code point, the character properties
// the reference tokenizers take from Python 3.11 (unicodedata 14.0.0)
// against fingerprints that testdata/python-unicode.py made with Python
// itself: Go's tables are Unicode 15.0. On a mismatch, the lines the test
// logs can be compared with the script's --list output.
func TestPythonUnicode(t *testing.T) {
	var f struct {
		UnidataVersion string `json:"unidata_version"`
		Properties     map[string]struct {
			Count  int
			SHA256 string
		}
	}
	readJSON(t, "python-unicode.json", &f)
	sets := map[string]func(r rune) bool{
		"category C":             func(r rune) bool { return bertIsControl(r) || r == '\t' || r == '\n' || r == '\r' },
		"whitespace":             bertIsWhitespace,
		"category P above ASCII": func(r rune) bool { return r >= utf8.RuneSelf && bertIsPunctuation(r) },
		"category Mn":            func(r rune) bool { return pyAssigned(r) && unicode.Is(unicode.Mn, r) },
		"category Cn":            func(r rune) bool { return !pyAssigned(r) },
		"isspace":                pyIsSpace,
		"isdigit":                pyIsDigit,
	}
	maps := map[string]func(r rune) []byte{
		"lower":                  func(r rune) []byte { return appendLowerRune(nil, r) },
		"NFKD without combining": func(r rune) []byte { return appendNFKDWithoutMarks(nil, r) },
		"NFD without Mn, assigned": func(r rune) []byte {
			if !pyAssigned(r) {
				return utf8.AppendRune(nil, r)
			}
			return appendNFDWithoutMn(nil, utf8.AppendRune(nil, r))
		},
	}
	if len(f.Properties) != len(sets)+len(maps) {
		t.Fatalf("%d properties, want %d", len(f.Properties), len(sets)+len(maps))
	}
	for name, want := range f.Properties {
		var lines strings.Builder
		n := 0
		for r := rune(0); r <= unicode.MaxRune; r++ {
			if r >= 0xD800 && r <= 0xDFFF {
				continue
			}
			if set, ok := sets[name]; ok && set(r) {
				fmt.Fprintf(&lines, "%X\n", r)
				n++
			}
			if m, ok := maps[name]; ok {
				if out := string(m(r)); out != string(r) {
					fmt.Fprintf(&lines, "%X", r)
					for _, c := range out {
						fmt.Fprintf(&lines, " %X", c)
					}
					lines.WriteByte('\n')
					n++
				}
			}
		}
		if sum := fmt.Sprintf("%x", sha256.Sum256([]byte(lines.String()))); n != want.Count || sum != want.SHA256 {
			t.Errorf("%s: %d code points, sha256 %s; Python %s: %d, %s", name, n, sum, f.UnidataVersion, want.Count, want.SHA256)
		}
	}
}
