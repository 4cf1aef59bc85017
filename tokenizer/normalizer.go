package tokenizer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"unicode/utf8"
)

// dartsTrie is a read-only view of a darts-clone double array, the trie
// SentencePiece stores in precompiled_charsmap. Each 32-bit unit packs a
// label, an offset to its children and a has-leaf flag; a leaf unit holds a
// value instead.
type dartsTrie []uint32

func (u dartsTrie) hasLeaf(i uint32) bool  { return (u[i]>>8)&1 == 1 }
func (u dartsTrie) value(i uint32) uint32  { return u[i] & (1<<31 - 1) }
func (u dartsTrie) label(i uint32) uint32  { return u[i] & (1<<31 | 0xff) }
func (u dartsTrie) offset(i uint32) uint32 { return (u[i] >> 10) << ((u[i] & (1 << 9)) >> 6) }

// longestPrefix returns the value and length of the longest key that is a
// prefix of s (darts-clone's commonPrefixSearch, keeping the longest hit).
// Indexes outside the array end the search, so a corrupt trie cannot crash.
func (u dartsTrie) longestPrefix(s string) (value uint32, length int) {
	if len(u) == 0 {
		return 0, 0
	}
	id := u.offset(0)
	for i := 0; i < len(s); i++ {
		c := uint32(s[i])
		id ^= c
		if id >= uint32(len(u)) || u.label(id) != c {
			return value, length
		}
		node := id
		id ^= u.offset(node)
		if u.hasLeaf(node) {
			if id >= uint32(len(u)) {
				return value, length
			}
			value, length = u.value(id), i+1
		}
	}
	return value, length
}

// charsmap is a decoded precompiled_charsmap: a trie from input prefixes to
// offsets of NUL-terminated replacement strings.
type charsmap struct {
	trie         dartsTrie
	replacements string
}

// parseCharsmap splits the blob: a little-endian uint32 trie size, the trie
// units, then the replacement strings.
func parseCharsmap(blob []byte) (*charsmap, error) {
	if len(blob) <= 4 {
		return nil, errors.New("precompiled_charsmap: too short")
	}
	size := binary.LittleEndian.Uint32(blob)
	if uint64(size) >= uint64(len(blob)-4) || size%4 != 0 {
		return nil, errors.New("precompiled_charsmap: bad trie size")
	}
	trie := make(dartsTrie, size/4)
	for i := range trie {
		trie[i] = binary.LittleEndian.Uint32(blob[4+4*i:])
	}
	return &charsmap{trie: trie, replacements: string(blob[4+size:])}, nil
}

// lookup returns the replacement for the longest rule matching a prefix of s
// and the number of input bytes it consumes (0 when no rule matches).
func (c *charsmap) lookup(s string) (string, int) {
	v, n := c.trie.longestPrefix(s)
	if n == 0 || int(v) >= len(c.replacements) {
		return "", 0
	}
	r := c.replacements[v:]
	if end := strings.IndexByte(r, 0); end >= 0 {
		r = r[:end]
	}
	return r, n
}

// spaceSymbol is U+2581, SentencePiece's visible stand-in for a space.
const spaceSymbol = "\u2581"

// normalizer is SentencePiece's Normalizer: charsmap rules, user-defined
// symbols passed through untouched, invalid UTF-8 bytes turned into U+FFFD,
// and the whitespace options.
type normalizer struct {
	spec        normalizerSpec
	chars       *charsmap // nil: identity
	userDefined *pieceTrie
	wsAsSuffix  bool
	// ascii describes, for each ASCII byte other than space that no
	// user-defined symbol starts with, how the charsmap sees it; see plainAt.
	ascii [utf8.RuneSelf]asciiRule
}

// asciiRule is what the charsmap holds for keys starting with one ASCII byte.
type asciiRule struct {
	candidate bool   // not a space, and no user-defined symbol starts with it
	inTrie    bool   // some charsmap key starts with the byte
	leaf      bool   // the byte alone is a charsmap key
	base      uint32 // the darts base of its children, when inTrie
}

// newNormalizer builds a normalizer and its ASCII shortcut table.
func newNormalizer(spec normalizerSpec, chars *charsmap, userDefined *pieceTrie, wsAsSuffix bool) *normalizer {
	n := &normalizer{spec: spec, chars: chars, userDefined: userDefined, wsAsSuffix: wsAsSuffix}
	for c := range n.ascii {
		r := &n.ascii[c]
		r.candidate = c != ' ' && (userDefined == nil || userDefined.child(0, byte(c)) < 0)
		if chars != nil && len(chars.trie) > 0 {
			u := chars.trie
			if id := u.offset(0) ^ uint32(c); id < uint32(len(u)) && u.label(id) == uint32(c) {
				r.inTrie, r.leaf, r.base = true, u.hasLeaf(id), id^u.offset(id)
			}
		}
	}
	return n
}

// plainAt reports whether the ASCII byte at s[i] normalizes to itself: no
// user-defined symbol and no charsmap rule matches there. It follows the
// charsmap only as far as the next byte, which settles the common case of
// a letter followed by a letter without the general lookup.
func (n *normalizer) plainAt(s string, i int) bool {
	c := s[i]
	if c >= utf8.RuneSelf || !n.ascii[c].candidate {
		return false
	}
	r := n.ascii[c]
	if !r.inTrie {
		return true
	}
	if r.leaf {
		return false
	}
	if i+1 == len(s) {
		return true
	}
	u, x := n.chars.trie, uint32(s[i+1])
	id := r.base ^ x
	return id >= uint32(len(u)) || u.label(id) != x
}

// normalizePrefix normalizes the first unit of s: it returns the replacement
// text and how many input bytes it consumes (always at least one).
func (n *normalizer) normalizePrefix(s string) (string, int) {
	if n.userDefined != nil {
		if l, _ := n.userDefined.longestMatch(s); l > 0 {
			return s[:l], l
		}
	}
	if n.chars != nil {
		if r, l := n.chars.lookup(s); l > 0 {
			return r, l
		}
	}
	r, l := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && l == 1 {
		return "\uFFFD", 1
	}
	return s[:l], l
}

// normalize follows Normalizer::Normalize: leading, trailing and repeated
// spaces removed (remove_extra_whitespaces), a dummy space prefix
// (add_dummy_prefix) and spaces written as U+2581 (escape_whitespaces).
// Characters the charsmap deletes join the span of the one before them.
func (n *normalizer) normalize(in *aligned) *aligned {
	s := string(in.text)
	i := 0
	if n.spec.removeExtraWhitespaces {
		for i < len(s) {
			r, l := n.normalizePrefix(s[i:])
			if r != " " {
				break
			}
			i += l
		}
	}
	if i == len(s) {
		return in.ws.get(0)
	}
	space := " "
	if n.spec.escapeWhitespaces {
		space = spaceSymbol
	}
	out := in.ws.get(len(s) - i + len(s)/2 + 3)
	if !n.wsAsSuffix && n.spec.addDummyPrefix {
		out.insert(space, in.spans[i].start)
	}
	prevSpace := n.spec.removeExtraWhitespaces
	for i < len(s) {
		if n.plainAt(s, i) {
			l := i + 1
			for l < len(s) && n.plainAt(s, l) {
				l++
			}
			out.keep(in, i, l)
			i = l
			prevSpace = false
			continue
		}
		r, l := n.normalizePrefix(s[i:])
		switch {
		case r == "":
			out.drop(in, i, i+l)
		case prevSpace && strings.TrimLeft(r, " ") == "":
			// an extra space: removed, belonging to no character
		default:
			if prevSpace {
				r = strings.TrimLeft(r, " ")
			}
			prevSpace = strings.HasSuffix(r, " ")
			if n.spec.escapeWhitespaces {
				r = escapeSpaces(r)
			}
			if r == s[i:i+l] {
				out.keep(in, i, i+l) // a user-defined piece, or a character no rule changes
			} else {
				out.put(r, in, i, i+l)
			}
		}
		if !n.spec.removeExtraWhitespaces {
			prevSpace = false
		}
		i += l
	}
	if n.spec.removeExtraWhitespaces {
		for bytes.HasSuffix(out.text, []byte(space)) {
			out.truncate(len(out.text) - len(space))
		}
	}
	if n.wsAsSuffix && n.spec.addDummyPrefix {
		out.insert(space, in.spans[len(s)-1].end)
	}
	return out
}

// escapeSpaces writes each space of r as U+2581.
func escapeSpaces(r string) string {
	if r == " " {
		return spaceSymbol
	}
	return strings.ReplaceAll(r, " ", spaceSymbol)
}
