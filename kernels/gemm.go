package kernels

import (
	"fmt"

	"github.com/albertq/albertq/internal/parallel"
)

// minParallelMACs is the work below which a GEMM stays on one thread: the
// hand-off costs more than it saves.
const minParallelMACs = 1 << 16

// GEMM computes C = A·B + bias for the m rows of A (row-major, leading
// dimension lda) into C (leading dimension ldc), splitting the work over the
// pool. bias may be nil.
func (kn *F32Kernel) GEMM(p *parallel.Pool, c []float32, ldc int, a []float32, lda, m int, b *PackedF32, bias []float32) {
	checkGEMM(kn.Name, kn.Layout, b.Layout, len(c), ldc, len(a), lda, m, b.K, b.N, len(bias))
	if m == 0 {
		return
	}
	if serial(p, m, b.K, b.N) {
		kn.gemm(c, ldc, a, lda, m, b, bias, 0, b.N)
		return
	}
	split(p, m, b.N, b.Layout.NR, func(m0, m1, n0, n1 int) {
		kn.gemm(c[m0*ldc:], ldc, a[m0*lda:], lda, m1-m0, b, bias, n0, n1)
	})
}

// GEMM computes C = A·widen(B) + bias; see F32Kernel.GEMM.
func (kn *F16Kernel) GEMM(p *parallel.Pool, c []float32, ldc int, a []float32, lda, m int, b *PackedF16, bias []float32) {
	checkGEMM(kn.Name, kn.Layout, b.Layout, len(c), ldc, len(a), lda, m, b.K, b.N, len(bias))
	if m == 0 {
		return
	}
	if serial(p, m, b.K, b.N) {
		kn.gemm(c, ldc, a, lda, m, b, bias, 0, b.N)
		return
	}
	split(p, m, b.N, b.Layout.NR, func(m0, m1, n0, n1 int) {
		kn.gemm(c[m0*ldc:], ldc, a[m0*lda:], lda, m1-m0, b, bias, n0, n1)
	})
}

// GEMM computes C[i][j] = sa[i]·sb[j]·Σ A[i][k]·B[k][j] + bias[j], the sum
// exact in int32; see F32Kernel.GEMM.
func (kn *I8Kernel) GEMM(p *parallel.Pool, c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32) {
	checkGEMM(kn.Name, kn.Layout, b.Layout, len(c), ldc, len(a), lda, m, b.K, b.N, len(bias))
	if len(sa) < m {
		panic(fmt.Sprintf("kernels: %s: %d row scales for %d rows", kn.Name, len(sa), m))
	}
	if m == 0 {
		return
	}
	if serial(p, m, b.K, b.N) {
		kn.gemm(c, ldc, a, lda, sa, m, b, bias, 0, b.N)
		return
	}
	split(p, m, b.N, b.Layout.NR, func(m0, m1, n0, n1 int) {
		kn.gemm(c[m0*ldc:], ldc, a[m0*lda:], lda, sa[m0:], m1-m0, b, bias, n0, n1)
	})
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

// serial says a GEMM runs on the calling goroutine alone: one thread, or
// too little work to share (or none). It spares the closure of split.
func serial(p *parallel.Pool, m, k, n int) bool {
	return p.Threads() == 1 || m*k*n < minParallelMACs
}

// split cuts an m×n GEMM into blocks for the pool's threads: whole column
// panels when there are enough of them, else row blocks.
func split(p *parallel.Pool, m, n, nr int, block func(m0, m1, n0, n1 int)) {
	panels := (n + nr - 1) / nr
	switch threads := p.Threads(); {
	case panels >= threads || m < threads:
		p.For(panels, func(lo, hi int) { block(0, m, lo*nr, min(hi*nr, n)) })
	default:
		p.For(m, func(lo, hi int) { block(lo, hi, 0, n) })
	}
}
