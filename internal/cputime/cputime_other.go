//go:build !linux

package cputime

import "time"

// threadCPUTime is not available here: rates are measured in wall time.
func threadCPUTime() (time.Duration, bool) { return 0, false }
