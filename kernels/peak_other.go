//go:build purego || !(amd64 || arm64)

package kernels

// Without assembly there is nothing to probe.
var peakProbes []peakProbe
