package tokenizer

import (
	"bytes"
	"slices"
	"sync"
	"unicode/utf8"
)

// span is a byte range [start, end) of the original input.
type span struct{ start, end int32 }

// aligned is text on its way through normalization that remembers where it
// came from: spans[i] is the range of the original input that produced
// text[i]. Every normalization step reads one aligned text and appends to a
// new one, so the offsets of the final pieces fall out of the last step.
//
// The rules, which define what a token's offsets cover:
//   - a byte kept as it is keeps its span (keep);
//   - replacement text (lower-casing, NFKD, a charsmap rule) gets, in every
//     byte, the span of all the input it replaces (put), so one input
//     character that yields several characters gives them all its span;
//   - deleted characters (combining marks, control characters) join the
//     span of the character before them when nothing separates the two in
//     the input (drop), so a piece ending in "e" of "e\u0301" covers the
//     accent; deleted whitespace joins nothing;
//   - inserted text (SentencePiece's dummy ▁) spans nothing: an empty span
//     at the position of the text that follows it (insert).
type aligned struct {
	text  []byte
	spans []span
	ws    *workspace // where the texts made from this one get their memory; nil: the heap
}

// newAligned returns s with every byte spanning itself, in memory from ws
// (nil: the heap).
func newAligned(ws *workspace, s string) *aligned {
	a := ws.get(len(s))
	a.keepSource([]byte(s), 0, len(s))
	return a
}

func (a *aligned) String() string { return string(a.text) }

// slice returns the bytes [from, to) of a, sharing its memory.
func (a *aligned) slice(from, to int) *aligned {
	return &aligned{text: a.text[from:to:to], spans: a.spans[from:to:to], ws: a.ws}
}

// cover returns the original range that a's bytes [from, to) came from.
func (a *aligned) cover(from, to int) span {
	return span{a.spans[from].start, a.spans[to-1].end}
}

// keepSource appends the original input's bytes [from, to) unchanged.
func (a *aligned) keepSource(src []byte, from, to int) {
	a.text = append(a.text, src[from:to]...)
	n := len(a.spans)
	a.spans = slices.Grow(a.spans, to-from)[:n+to-from]
	for i := range to - from {
		a.spans[n+i] = span{int32(from + i), int32(from + i + 1)}
	}
}

// keep appends src's bytes [from, to) unchanged.
func (a *aligned) keep(src *aligned, from, to int) {
	a.text = append(a.text, src.text[from:to]...)
	a.spans = append(a.spans, src.spans[from:to]...)
}

// put appends out in place of src's bytes [from, to).
func (a *aligned) put(out string, src *aligned, from, to int) {
	a.putSpan(out, src.cover(from, to))
}

// putSpan appends out with every byte spanning sp.
func (a *aligned) putSpan(out string, sp span) {
	a.text = append(a.text, out...)
	for range len(out) {
		a.spans = append(a.spans, sp)
	}
}

// drop deletes src's bytes [from, to): they join the span of the character
// before them if it ends where they start.
func (a *aligned) drop(src *aligned, from, to int) {
	sp := src.cover(from, to)
	if n := len(a.spans); n > 0 && a.spans[n-1].end == sp.start {
		a.spans[n-1].end = sp.end
	}
}

// insert appends out, which stands for no input, before the original
// position at.
func (a *aligned) insert(out string, at int32) {
	a.putSpan(out, span{at, at})
}

// truncate drops everything from byte n on.
func (a *aligned) truncate(n int) {
	a.text, a.spans = a.text[:n], a.spans[:n]
}

// rewrite replaces each unit of in (a character, a normalization segment:
// unitLen says how many bytes) by what f appends for it: the unit is kept
// when f leaves it as it is, dropped when f makes nothing of it, and put
// otherwise. Text that is all ASCII is returned as it is: f must leave
// ASCII characters alone.
func rewrite(in *aligned, unitLen func([]byte) int, f func(dst, unit []byte) []byte) *aligned {
	if isASCII(in.text) {
		return in
	}
	out := in.ws.get(len(in.text))
	var buf [64]byte
	for i := 0; i < len(in.text); {
		if in.text[i] < utf8.RuneSelf {
			out.keep(in, i, i+1)
			i++
			continue
		}
		n := unitLen(in.text[i:])
		switch d := f(buf[:0], in.text[i:i+n]); {
		case len(d) == 0:
			out.drop(in, i, i+n)
		case bytes.Equal(d, in.text[i:i+n]):
			out.keep(in, i, i+n)
		default:
			out.put(string(d), in, i, i+n)
		}
		i += n
	}
	return out
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// workspace recycles the memory of the aligned texts one call goes
// through: they are all garbage when it returns, so the next call can
// write over them.
type workspace struct {
	texts []*aligned
	used  int
}

var workspaces = sync.Pool{New: func() any { return new(workspace) }}

// maxKeptText bounds the texts a workspace keeps for the next call, so that
// one huge input does not hold on to its memory.
const maxKeptText = 1 << 20

// getWorkspace returns a workspace from the pool; release gives it back.
func getWorkspace() *workspace { return workspaces.Get().(*workspace) }

// release returns ws to the pool: every text it handed out is garbage.
func (ws *workspace) release() {
	ws.texts = slices.DeleteFunc(ws.texts, func(a *aligned) bool { return cap(a.text) > maxKeptText })
	ws.used = 0
	workspaces.Put(ws)
}

// get returns an empty aligned text with room for n bytes, from the heap
// when ws is nil. The texts derived from it get their memory from ws too.
func (ws *workspace) get(n int) *aligned {
	if ws == nil {
		return &aligned{text: make([]byte, 0, n), spans: make([]span, 0, n)}
	}
	if ws.used == len(ws.texts) {
		ws.texts = append(ws.texts, &aligned{ws: ws})
	}
	a := ws.texts[ws.used]
	ws.used++
	a.text, a.spans = slices.Grow(a.text[:0], n), slices.Grow(a.spans[:0], n)
	return a
}
