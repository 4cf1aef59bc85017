//go:build purego || !(amd64 || arm64)

package kernels

// Without assembly (the purego tag, or another architecture) there are no
// tiers but the portable and generic ones every build has.
func archTiers() []*tier { return nil }

// The largest register tile, the portable one's: scratch's tile buffer.
const (
	maxMR = pMR
	maxNR = pNR
)

// archFeatures lists the CPU features the kernels care about, for `albertq info`.
func archFeatures() []string { return nil }
