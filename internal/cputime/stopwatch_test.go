package cputime

import (
	"runtime"
	"testing"
	"time"
)

// A stopwatch running over busy work reads more than zero and never goes
// back.
func TestStopwatch(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	sw := Start()
	var last time.Duration
	x := 1.0
	for range 5 {
		for i := range 1_000_000 {
			x += float64(i) * 1e-9
		}
		e := sw.Elapsed()
		if e < last {
			t.Fatalf("elapsed went back from %v to %v", last, e)
		}
		last = e
	}
	if last <= 0 || x == 0 {
		t.Fatalf("elapsed %v after busy work", last)
	}
}
