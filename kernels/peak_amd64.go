//go:build !purego

package kernels

// The peak probes of peak_amd64.s; n is the number of loop iterations.

// peakVPDPBUSDZmm runs n iterations of 12 independent vpdpbusd zmm.
//
//go:noescape
func peakVPDPBUSDZmm(n int)

// peakVPDPBUSDYmm runs n iterations of 12 independent VEX vpdpbusd ymm (AVX-VNNI).
//
//go:noescape
func peakVPDPBUSDYmm(n int)

// peakAVX2Int8Chain runs n iterations of 8 vpmaddubsw, vpmaddwd, vpaddd chains.
//
//go:noescape
func peakAVX2Int8Chain(n int)

// peakVFMADD231PSZmm runs n iterations of 12 independent vfmadd231ps zmm.
//
//go:noescape
func peakVFMADD231PSZmm(n int)

// peakVFMADD231PSYmm runs n iterations of 12 independent vfmadd231ps ymm.
//
//go:noescape
func peakVFMADD231PSYmm(n int)

// peakSSE4Int8Chain runs n iterations of 8 movdqa, pmaddubsw, pmaddwd, paddd xmm chains.
//
//go:noescape
func peakSSE4Int8Chain(n int)

// peakSSEMulAdd runs n iterations of 6 mulps and 6 addps xmm, each on its own register.
//
//go:noescape
func peakSSEMulAdd(n int)

// Probe names: each kernel's Impl.Probe is one of these.
const (
	probeVNNIZmm   = "vpdpbusd-zmm"
	probeVNNIYmm   = "vpdpbusd-ymm"
	probeAVX2I8    = "avx2-int8-chain"
	probeFMAZmm    = "vfmadd231ps-zmm"
	probeFMAYmm    = "vfmadd231ps-ymm"
	probeSSE4I8    = "sse4-int8-chain"
	probeSSEMulAdd = "mulps-addps-xmm"
)

var peakProbes = []peakProbe{
	{probeVNNIZmm, hasAVX512VNNI, peakVPDPBUSDZmm, 12 * 16 * 4 * 2},
	{probeVNNIYmm, hasAVXVNNI, peakVPDPBUSDYmm, 12 * 8 * 4 * 2},
	{probeAVX2I8, hasAVX2, peakAVX2Int8Chain, 8 * 32 * 2},
	{probeFMAZmm, hasAVX512, peakVFMADD231PSZmm, 12 * 16 * 2},
	{probeFMAYmm, hasAVX2, peakVFMADD231PSYmm, 12 * 8 * 2},
	{probeSSE4I8, hasSSE4, peakSSE4Int8Chain, 8 * 16 * 2},
	{probeSSEMulAdd, hasSSE4, peakSSEMulAdd, 6 * 4 * 2},
}
