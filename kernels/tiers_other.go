//go:build purego || !(amd64 || arm64)

package kernels

// Without assembly (the purego tag, or another architecture) only the
// generic tier exists.
func archTiers() []*tier { return nil }

// archFeatures lists the CPU features the kernels care about, for `albertq info`.
func archFeatures() []string { return nil }
