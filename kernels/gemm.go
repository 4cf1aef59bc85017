package kernels

import (
	"fmt"

	"github.com/albertq/albertq/internal/parallel"
)

// minParallelMACs is the work below which a GEMM stays on one thread: the
// hand-off costs more than it saves. 4M MACs is some 0.1 ms of one core at
// the AVX2 int8 rate (about 35 GMAC/s on a Zen 3 core). It keeps a pass of
// one short text (debsec, 5 tokens: GEMMs of at most 5×256×1024 MACs) on
// its caller: 1.0–1.2 ms of CPU against 2.4–3.1 ms split from 64K MACs up,
// and no slower (engine BenchmarkShortTexts/texts1/t2, four rounds
// alternating the two on a 2-vCPU AMD EPYC under load 15–17).
const minParallelMACs = 1 << 22

// GEMM computes C = A·B + bias for the m rows of A (row-major, leading
// dimension lda) into C (leading dimension ldc), splitting the work over the
// pool. bias may be nil.
func (kn *F32Kernel) GEMM(p *parallel.Pool, c []float32, ldc int, a []float32, lda, m int, b *PackedF32, bias []float32) {
	checkGEMM(kn.Name, kn.Layout, b.Layout, len(c), ldc, len(a), lda, m, b.K, b.N, len(bias))
	run(p, kn.gemm, c, ldc, a, lda, nil, m, b, b.K, b.N, b.Layout.NR, bias)
}

// GEMM computes C = A·widen(B) + bias; see F32Kernel.GEMM.
func (kn *F16Kernel) GEMM(p *parallel.Pool, c []float32, ldc int, a []float32, lda, m int, b *PackedF16, bias []float32) {
	checkGEMM(kn.Name, kn.Layout, b.Layout, len(c), ldc, len(a), lda, m, b.K, b.N, len(bias))
	run(p, kn.gemm, c, ldc, a, lda, nil, m, b, b.K, b.N, b.Layout.NR, bias)
}

// GEMM computes C[i][j] = sa[i]·sb[j]·Σ A[i][k]·B[k][j] + bias[j], the sum
// exact in int32; see F32Kernel.GEMM.
func (kn *I8Kernel) GEMM(p *parallel.Pool, c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32) {
	checkGEMM(kn.Name, kn.Layout, b.Layout, len(c), ldc, len(a), lda, m, b.K, b.N, len(bias))
	if len(sa) < m {
		panic(fmt.Sprintf("kernels: %s: %d row scales for %d rows", kn.Name, len(sa), m))
	}
	run(p, kn.gemm, c, ldc, a, lda, sa, m, b, b.K, b.N, b.Layout.NR, bias)
}

// checkGEMM panics with a message naming the kernel when the operands do not
// fit: a wrong shape here is a bug in the caller, and the assembly behind it
// does no bounds checks.
func checkGEMM(name string, want, got Layout, lenC, ldc, lenA, lda, m, k, n, lenBias int) {
	switch {
	case want != got:
		panic(fmt.Sprintf("kernels: %s: B packed as %+v, kernel wants %+v", name, got, want))
	case m < 0 || k <= 0 || n <= 0:
		panic(fmt.Sprintf("kernels: %s: bad shape m=%d k=%d n=%d", name, m, k, n))
	case m == 0:
		return
	case lda < k || ldc < n:
		panic(fmt.Sprintf("kernels: %s: lda %d < k %d or ldc %d < n %d", name, lda, k, ldc, n))
	case lenA < (m-1)*lda+k || lenC < (m-1)*ldc+n:
		panic(fmt.Sprintf("kernels: %s: A or C too short for %dx%dx%d", name, m, k, n))
	case lenBias != 0 && lenBias < n:
		panic(fmt.Sprintf("kernels: %s: bias has %d of %d columns", name, lenBias, n))
	}
}

// run calls gemm on the whole m×k×n product from the calling goroutine when
// there is one thread or too little work to share (no closure, so no
// allocation), else on blocks split over the pool: whole column panels of nr
// when there are enough of them, else row blocks.
func run[A, B any](p *parallel.Pool, gemm func(c []float32, ldc int, a []A, lda int, sa []float32, m int, b B, bias []float32, n0, n1 int),
	c []float32, ldc int, a []A, lda int, sa []float32, m int, b B, k, n, nr int, bias []float32) {
	threads := p.Threads()
	switch panels := (n + nr - 1) / nr; {
	case m == 0:
	case threads == 1 || m*k*n < minParallelMACs:
		gemm(c, ldc, a, lda, sa, m, b, bias, 0, n)
	case panels >= threads || m < threads:
		p.For(panels, func(lo, hi int) { gemm(c, ldc, a, lda, sa, m, b, bias, lo*nr, min(hi*nr, n)) })
	default:
		p.For(m, func(lo, hi int) {
			var rowScales []float32
			if sa != nil {
				rowScales = sa[lo:]
			}
			gemm(c[lo*ldc:], ldc, a[lo*lda:], lda, rowScales, hi-lo, b, bias, 0, n)
		})
	}
}
