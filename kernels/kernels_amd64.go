//go:build !purego

package kernels

import "github.com/klauspost/cpuid/v2"

// The amd64 implementations, best first. Each name means the same thing for
// every kind, so ALBERTQ_KERNELS=avx512 (or avx2) forces all three kinds
// and avxvnni forces the int8 kind only.

func archF32Kernels() []*F32Kernel { return []*F32Kernel{f32AVX512, f32AVX2} }
func archF16Kernels() []*F16Kernel { return []*F16Kernel{f16AVX512, f16AVX2} }
func archI8Kernels() []*I8Kernel   { return []*I8Kernel{i8AVX512, i8AVXVNNI, i8AVX2} }

// hasAVX2 is AVX2 (which includes the OS's ymm support) with FMA and F16C:
// cpuid reads the last two from CPUID bits alone, so they count only
// together with AVX2.
func hasAVX2() bool { return cpuid.CPU.Supports(cpuid.AVX2, cpuid.FMA3, cpuid.F16C) }

// hasAVX512 is the AVX-512 subset the fp32 and fp16 kernels use.
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
	for _, f := range []cpuid.FeatureID{cpuid.AVX2, cpuid.FMA3, cpuid.F16C, cpuid.AVXVNNI,
		cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL, cpuid.AVX512VNNI, cpuid.AVX512FP16} {
		if cpuid.CPU.Supports(f) {
			out = append(out, f.String())
		}
	}
	return out
}
