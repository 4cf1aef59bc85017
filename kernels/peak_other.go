//go:build purego || !(amd64 || arm64)

package kernels

// archPeaks has no probes without assembly.
func archPeaks() map[string]float64 { return nil }
