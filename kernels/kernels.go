// Package kernels holds albertq's compute kernels: the int8, fp16-weight
// and fp32 GEMMs, the vector work between them (row quantization, softmax,
// GELU, LayerNorm) and the movers that pack B, each with a pure-Go
// reference and SIMD versions in Go assembly, chosen at run time from what
// the CPU offers.
//
// Every GEMM follows one contract per kind:
//
//	int8: C[m][n] = sa[m] * sb[n] * sum_k A[m][k]*B[k][n] + bias[n]   (exact int32 sums)
//	fp16: C[m][n] = sum_k A[m][k]*half(B[k][n]) + bias[n]
//	fp32: C[m][n] = sum_k A[m][k]*B[k][n] + bias[n]
//
// B (the weights) is packed once into the panels its kernel wants; A is given
// row-major and packed, where a kernel needs it, per call.
//
// # Tiers and sets
//
// Implementations are grouped in tiers, one per class of CPU features (amd64:
// avx512vnni, avx512, avxvnni, avx2, sse4; arm64: i8mm, dotprod, neon;
// everywhere: portable, unrolled pure Go that the SIMD tiers fall back on
// and the default without assembly, and generic, the readable pure-Go
// reference of every op). A tier implements
// any subset of the ops and names the tier it falls back to for the rest;
// resolving it along that chain gives a Set, an implementation of every op.
// Select (or ALBERTQ_KERNELS, see Default) picks a set by its tier's name,
// so forcing "avx2" on a bigger CPU runs exactly what an AVX2-only CPU runs,
// and Set.Impls says which tier supplies each op. The engine calls every op
// through the set its model was opened with.
//
// To add a tier, write its functions, each with the signature of its op's
// field in ops, and add one entry to a list of tiers, best first, naming
// the tier it falls back to: the architecture's list in tiers_<arch>.go
// (sse4 between avx2 and generic on amd64), or, for a tier every build has
// (portable: unrolled pure Go for the SIMD tiers to fall back on), the list
// in registry.go. A tier that should now fall back to the new one names it
// instead (avx2 → sse4 → portable → generic). Ops for an existing class go
// into its entry instead (NEON vector work into arm64's neon). A tier's
// available check needs to test only the features it adds: a set is
// available when every tier on its chain is. The tests then run every op of
// every available set against the generic reference.
package kernels

// Layout says how a packed B is arranged: column panels of NR columns (the
// last one zero-padded), and inside a panel K in groups of KG (zero-padded),
// each group holding NR columns × KG consecutive k values, column-major within
// the group: element (k, n) of panel p sits at
//
//	p*Kp*NR + (k/KG)*NR*KG + (n%NR)*KG + k%KG,   Kp = K rounded up to KG.
//
// KG = 1 is the classic SGEMM panel; KG = 4 puts the four k values that one
// int32 lane of VNNI or SDOT multiplies next to each other; KG = 8 with column
// pairs gives SMMLA its 2×8 blocks.
//
// SignFolded replaces that formula with the AVX2 and sse4 int8 kernels' own
// (NR 6, KG 4): each k group of a panel is a 32-byte record of the
// magnitudes and a sign variant number per column, and K runs in chunks (see
// i8fold.go).
type Layout struct {
	NR, KG     int
	SignFolded bool
}

// paddedK is K rounded up to a whole number of k groups.
func (l Layout) paddedK(k int) int { return (k + l.KG - 1) / l.KG * l.KG }

// panels is the number of column panels for n columns.
func (l Layout) panels(n int) int { return (n + l.NR - 1) / l.NR }

// size is the number of packed elements for a K×N matrix.
func (l Layout) size(k, n int) int {
	if l.SignFolded {
		return foldSize(k, n)
	}
	return l.panels(n) * l.paddedK(k) * l.NR
}

// index is the packed position of B[k][n] (not for SignFolded).
func (l Layout) index(k, n, kp int) int {
	return (n/l.NR)*kp*l.NR + (k/l.KG)*l.NR*l.KG + (n%l.NR)*l.KG + k%l.KG
}

// Strides locate B[k][n] in an unpacked source at k*K + n*N. A PyTorch Linear
// weight ([out][in] = [N][K] row-major) is Strides{K: 1, N: in}; a row-major
// K×N matrix with leading dimension ld is Strides{K: ld, N: 1}.
type Strides struct {
	K, N int
}

// Transposed is the layout of a row-major N×K source (a Linear weight, or the
// keys in attention scores) with leading dimension ld.
func Transposed(ld int) Strides { return Strides{K: 1, N: ld} }

// RowMajor is the layout of a row-major K×N source with leading dimension ld.
func RowMajor(ld int) Strides { return Strides{K: ld, N: 1} }

// PackedF32 is an fp32 B packed for one kernel.
type PackedF32 struct {
	K, N   int
	Layout Layout
	Data   []float32
}

// PackedF16 is a half-precision B packed for one kernel; it stays half
// precision in memory and is widened inside the kernel.
type PackedF16 struct {
	K, N   int
	Layout Layout
	Data   []uint16
}

// PackedI8 is an int8 B packed for one kernel, with its per-column scales
// (sb) and the column sums that kernels taking A as u8 = a+128 subtract
// (empty for the SignFolded layout and for a kernel with noColSums: neither
// reads them).
type PackedI8 struct {
	K, N    int
	Layout  Layout
	Data    []int8
	Scales  []float32
	ColSums []int32
}

// The three GEMM kernel types share their fields: Name is the tier that
// supplies the kernel, Probe the peak probe (see Peaks) whose instruction
// bounds it, so its speed can be reported as a fraction of the machine's
// peak (empty for the generic kernels), and Layout how its B is packed.
// Each kernel's gemm computes columns [n0, n1) of C for rows [0, m); n0 is a
// multiple of Layout.NR and n1 is a multiple of it or b.N; bias may be nil,
// and sa (one scale per row of A) is nil for the float kernels.

// F32Kernel is one implementation of the fp32 GEMM.
type F32Kernel struct {
	Name, Probe string
	Layout      Layout
	gemm        func(c []float32, ldc int, a []float32, lda int, sa []float32, m int, b *PackedF32, bias []float32, n0, n1 int)
	set         *Set // the set it belongs to, whose movers pack its B
}

// F16Kernel is one implementation of the fp16-weight GEMM.
type F16Kernel struct {
	Name, Probe string
	Layout      Layout
	gemm        func(c []float32, ldc int, a []float32, lda int, sa []float32, m int, b *PackedF16, bias []float32, n0, n1 int)
}

// I8Kernel is one implementation of the int8 GEMM. A holds int8 values in
// [-127, 127] (in [0, 127] for a Set's I8NonNeg); sa has one scale per row
// of A.
type I8Kernel struct {
	Name, Probe string
	Layout      Layout
	gemm        func(c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int)
	set         *Set // the set it belongs to, whose movers pack its B
	// noColSums says the kernel never reads ColSums, which packing then
	// leaves out: it multiplies signed A by signed B (generic, SDOT, SMMLA,
	// SMULL), or takes A as u8 as it is because A ≥ 0 (the avx2 and sse4
	// I8NonNeg).
	noColSums bool
}
