package kernels

import "github.com/albertq/albertq/internal/half"

// The pure-Go reference of every kernel: always compiled, the only path
// under the purego tag, and what every SIMD kernel is tested against.

var (
	genericF32 = &F32Kernel{Impl: Impl{Name: "generic", Available: always}, Layout: Layout{NR: 8, KG: 1}, gemm: gemmF32Generic}
	genericF16 = &F16Kernel{Impl: Impl{Name: "generic", Available: always}, Layout: Layout{NR: 8, KG: 1}, gemm: gemmF16Generic}
	genericI8  = &I8Kernel{Impl: Impl{Name: "generic", Available: always}, Layout: Layout{NR: 8, KG: 4}, gemm: gemmI8Generic}
)

func always() bool { return true }

// gemmF32Generic: for each row and column, C = Σ_k A·B + bias.
func gemmF32Generic(c []float32, ldc int, a []float32, lda, m int, b *PackedF32, bias []float32, n0, n1 int) {
	kp := b.Layout.paddedK(b.K)
	for i := range m {
		row := a[i*lda : i*lda+b.K]
		for j := n0; j < n1; j++ {
			var sum float32
			for kk, x := range row {
				sum += x * b.Data[b.Layout.index(kk, j, kp)]
			}
			c[i*ldc+j] = sum + biasAt(bias, j)
		}
	}
}

// gemmF16Generic is gemmF32Generic with B widened from half precision.
func gemmF16Generic(c []float32, ldc int, a []float32, lda, m int, b *PackedF16, bias []float32, n0, n1 int) {
	kp := b.Layout.paddedK(b.K)
	for i := range m {
		row := a[i*lda : i*lda+b.K]
		for j := n0; j < n1; j++ {
			var sum float32
			for kk, x := range row {
				sum += x * half.ToFloat32(b.Data[b.Layout.index(kk, j, kp)])
			}
			c[i*ldc+j] = sum + biasAt(bias, j)
		}
	}
}

// gemmI8Generic sums int8 products exactly in int32, then scales.
func gemmI8Generic(c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int) {
	kp := b.Layout.paddedK(b.K)
	for i := range m {
		row := a[i*lda : i*lda+b.K]
		for j := n0; j < n1; j++ {
			var sum int32
			for kk, x := range row {
				sum += int32(x) * int32(b.Data[b.Layout.index(kk, j, kp)])
			}
			c[i*ldc+j] = sa[i]*b.Scales[j]*float32(sum) + biasAt(bias, j)
		}
	}
}

func biasAt(bias []float32, j int) float32 {
	if bias == nil {
		return 0
	}
	return bias[j]
}
