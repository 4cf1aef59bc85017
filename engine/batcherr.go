package engine

import (
	"fmt"
	"strings"
)

// BatchError is returned by the batch calls (Classify, ClassifyPairs,
// Embed, Tag) when some of their texts cannot be run: text that is not
// valid UTF-8, or too long for a model opened with NoTruncate. Every other
// text has its result in its place; Errs[i] is text i's error, nil for the
// texts that succeeded.
type BatchError struct {
	Errs []error
}

// Failed is how many texts failed.
func (e *BatchError) Failed() int {
	n := 0
	for _, err := range e.Errs {
		if err != nil {
			n++
		}
	}
	return n
}

// Error names the failed texts (numbered from 1) and their errors, the
// first few in full.
func (e *BatchError) Error() string {
	const shown = 3
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d texts failed", e.Failed(), len(e.Errs))
	n := 0
	for i, err := range e.Errs {
		if err == nil {
			continue
		}
		if n == shown {
			b.WriteString("; ...")
			break
		}
		fmt.Fprintf(&b, "; text %d: %v", i+1, err)
		n++
	}
	return b.String()
}

// Unwrap returns the texts' errors, so that errors.Is and errors.As look
// into them.
func (e *BatchError) Unwrap() []error {
	var errs []error
	for _, err := range e.Errs {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}
