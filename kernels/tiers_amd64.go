//go:build !purego

package kernels

import "github.com/klauspost/cpuid/v2"

// The amd64 tiers, best first. avx2 is the base of the 256- and 512-bit
// ones: the others add their int8 GEMM (avxvnni, avx512vnni) or their
// 512-bit kernels and vector work (avx512) and leave the rest to it. sse4,
// for the CPUs without AVX2, has 128-bit GEMMs and vector work and leaves
// the rest (max, the column peaks, the packers' movers) to the portable
// tier.
func archTiers() []*tier {
	return []*tier{
		{name: "avx512vnni", available: hasAVX512VNNI, fallback: "avx512", ops: ops{I8: i8AVX512VNNI}},
		{name: "avx512", available: hasAVX512, fallback: "avx2", ops: ops{
			F32: f32AVX512, F16: f16AVX512,
			MaxAbs: maxAbsZmm, Quantize: quantizeZmm, QuantizeRows: quantizeRowsZmm,
			ExpScaleSum: expScaleSumZmm, SoftmaxQuantize: softmaxQuantizeZmm,
			GELUTanh: geluTanhZmm,
		}},
		{name: "avxvnni", available: hasAVXVNNI, fallback: "avx2", ops: ops{I8: i8AVXVNNI}},
		{name: "avx2", available: hasAVX2, fallback: "sse4", ops: ops{
			F32: f32AVX2, F16: f16AVX2, I8: i8AVX2, I8NonNeg: i8AVX2NonNeg,
			MaxAbs: maxAbsAVX, Quantize: quantizeAVX, QuantizeScaled: quantizeScaledAVX, ColumnPeaks: columnPeaksAVX,
			QuantizeRows: quantizeRowsAVX, SoftmaxQuantize: softmaxQuantizeAVX,
			Max: maxAVX, ExpScaleSum: expScaleSumAVX, Multiply: multiplyAVX,
			GELUTanh: geluTanhAVX, GELUErf: geluErfAVX,
			AddSum: addSumAVX, SqDevSum: sqDevSumAVX, Normalize: normalizeAVX,
			Transpose8x8: transpose8x8Vec, CopyWords: copyWordsAVX, Interleave4: interleave4Vec, SumI8: sumI8Vec, AddI8: addI8Vec,
			FoldRecords: foldRecordsAVX,
		}},
		{name: "sse4", available: hasSSE4, fallback: "portable", ops: ops{
			F32: f32SSE, F16: f16SSE, I8: i8SSE4, I8NonNeg: i8SSE4NonNeg,
			MaxAbs: maxAbsVecSSE, Quantize: quantizeVecSSE, QuantizeScaled: quantizeScaledVecSSE,
			ExpScaleSum: expScaleSumVecSSE, Multiply: multiplyVecSSE,
			GELUTanh: geluTanhVecSSE, GELUErf: geluErfVecSSE,
			AddSum: addSumVecSSE, SqDevSum: sqDevSumVecSSE, Normalize: normalizeVecSSE,
		}},
	}
}

// hasAVX2 is AVX2 (which includes the OS's ymm support) with FMA and F16C:
// cpuid reads the last two from CPUID bits alone, so they count only
// together with AVX2.
func hasAVX2() bool { return cpuid.CPU.Supports(cpuid.AVX2, cpuid.FMA3, cpuid.F16C) }

// hasAVX512 adds the AVX-512 subset the fp32 and fp16 kernels and the
// vector work use.
func hasAVX512() bool {
	return hasAVX2() && cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL)
}

// hasAVX512VNNI adds the 512-bit byte dot product.
func hasAVX512VNNI() bool { return hasAVX512() && cpuid.CPU.Supports(cpuid.AVX512VNNI) }

// hasAVXVNNI is the VEX-encoded (256-bit) byte dot product.
func hasAVXVNNI() bool { return hasAVX2() && cpuid.CPU.Supports(cpuid.AVXVNNI) }

// archFeatures lists the CPU features the kernels care about, for `albertq info`.
func archFeatures() []string {
	var out []string
	for _, f := range []cpuid.FeatureID{cpuid.SSSE3, cpuid.SSE4, cpuid.SSE42, cpuid.AVX2, cpuid.FMA3, cpuid.F16C, cpuid.AVXVNNI,
		cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL, cpuid.AVX512VNNI, cpuid.AVX512FP16} {
		if cpuid.CPU.Supports(f) {
			out = append(out, f.String())
		}
	}
	return out
}
