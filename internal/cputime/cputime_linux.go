package cputime

import (
	"time"

	"golang.org/x/sys/unix"
)

// threadCPUTime is the CPU time the calling OS thread has used, so that a
// rate measured on a busy machine counts only the time the thread ran.
// (CLOCK_THREAD_CPUTIME_ID includes the running slice; getrusage lags by up
// to a scheduler tick.)
func threadCPUTime() (time.Duration, bool) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
