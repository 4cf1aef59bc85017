//go:build !purego

package kernels

// The peak probes of peak_arm64.s; n is the number of loop iterations.

// peakSDOT runs n iterations of 24 independent SDOT by element.
//
//go:noescape
func peakSDOT(n int)

// peakSMMLA runs n iterations of 24 independent SMMLA.
//
//go:noescape
func peakSMMLA(n int)

// peakFMLA runs n iterations of 24 independent FMLA by element.
//
//go:noescape
func peakFMLA(n int)

// peakSMLAL runs n iterations of 8 SMULL, SMLAL2, SADALP chains.
//
//go:noescape
func peakSMLAL(n int)

// Probe names: each arm64 kernel's Impl.Probe is one of these.
const (
	probeSDOT  = "sdot"
	probeSMMLA = "smmla"
	probeFMLA  = "fmla"
	probeSMLAL = "smlal"
)

var peakProbes = []peakProbe{
	{probeSMMLA, hasI8MM, peakSMMLA, 24 * 32 * 2},  // 24 SMMLA, 2×2×8 products each
	{probeSDOT, hasDotProd, peakSDOT, 24 * 16 * 2}, // 24 SDOT, 4×4 products each
	{probeSMLAL, hasASIMD, peakSMLAL, 8 * 16 * 2},  // 8 × (SMULL, SMLAL2, SADALP), 16 products each
	{probeFMLA, hasASIMD, peakFMLA, 24 * 4 * 2},    // 24 FMLA, 4 lanes each
}
