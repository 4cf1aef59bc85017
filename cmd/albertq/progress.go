package main

import (
	"fmt"
	"io"
	"os"
)

// progress shows what a long command is doing on one line of stderr, only
// when stderr is a terminal (so logs and pipes stay clean).
type progress struct {
	w      io.Writer
	prefix string
	on     bool
	shown  bool
}

func newProgress(prefix string, stderr io.Writer) *progress {
	f, ok := stderr.(*os.File)
	if !ok {
		return &progress{w: stderr, prefix: prefix}
	}
	st, err := f.Stat()
	return &progress{w: stderr, prefix: prefix, on: err == nil && st.Mode()&os.ModeCharDevice != 0}
}

// say replaces the progress line.
func (p *progress) say(format string, args ...any) {
	if !p.on {
		return
	}
	fmt.Fprintf(p.w, "\r\033[K%s: %s", p.prefix, fmt.Sprintf(format, args...))
	p.shown = true
}

// done clears the progress line.
func (p *progress) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}
