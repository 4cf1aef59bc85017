package kernels

import "github.com/albertq/albertq/internal/half"

// genericTier is the pure-Go reference of every op: always compiled and
// available, the last fallback of every chain, and what every other tier is
// tested against.
var genericTier = &tier{
	name:      "generic",
	available: func() bool { return true },
	ops: ops{
		F32: &F32Kernel{Layout: Layout{NR: 8, KG: 1}, gemm: gemmF32Generic},
		F16: &F16Kernel{Layout: Layout{NR: 8, KG: 1}, gemm: gemmF16Generic},
		I8:  &I8Kernel{Layout: Layout{NR: 8, KG: 4}, gemm: gemmI8Generic, noColSums: true},

		MaxAbs:         maxAbsGeneric,
		Quantize:       quantizeGeneric,
		QuantizeRows:   quantizeRowsGeneric,
		QuantizeScaled: quantizeScaledGeneric,
		ColumnPeaks:    columnPeaksGeneric,

		QuantizeColumns: quantizeColumnsGeneric,

		Max:             maxGeneric,
		ExpScaleSum:     expScaleSumGeneric,
		Multiply:        multiplyGeneric,
		SoftmaxQuantize: softmaxQuantizeGeneric,

		GELUTanh: geluTanhGeneric,
		GELUErf:  geluErfGeneric,

		AddSum:    addSumGeneric,
		SqDevSum:  sqDevSumGeneric,
		Normalize: normalizeGeneric,

		Transpose8x8:  transpose8x8Generic,
		PackColumnsI8: packColumnsI8,
		PackRowsI8:    packRowsI8,
		CopyWords:     copyWordsGeneric,
		Interleave4:   interleave4Generic,
		SumI8:         sumI8Generic,
		AddI8:         addI8Generic,
		FoldRecords:   foldRecordsGeneric,
	},
}

// gemmF32Generic: for each row and column, C = Σ_k A·B + bias.
func gemmF32Generic(c []float32, ldc int, a []float32, lda int, _ []float32, m int, b *PackedF32, bias []float32, n0, n1 int) {
	gemmFloatGeneric(c, ldc, a, lda, m, b.K, b.Layout, b.Data, bias, n0, n1, func(x float32) float32 { return x })
}

// gemmF16Generic is gemmF32Generic with B widened from half precision.
func gemmF16Generic(c []float32, ldc int, a []float32, lda int, _ []float32, m int, b *PackedF16, bias []float32, n0, n1 int) {
	gemmFloatGeneric(c, ldc, a, lda, m, b.K, b.Layout, b.Data, bias, n0, n1, half.ToFloat32)
}

// gemmFloatGeneric is the float GEMM on a k×N B packed as l in data, each
// element widened to float32 by widen.
func gemmFloatGeneric[B any](c []float32, ldc int, a []float32, lda, m, k int, l Layout, data []B, bias []float32, n0, n1 int, widen func(B) float32) {
	kp := l.paddedK(k)
	for i := range m {
		row := a[i*lda : i*lda+k]
		for j := n0; j < n1; j++ {
			var sum float32
			for kk, x := range row {
				sum += x * widen(data[l.index(kk, j, kp)])
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
