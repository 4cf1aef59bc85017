//go:build !purego

package kernels

import (
	"github.com/klauspost/cpuid/v2"
	"golang.org/x/sys/cpu"
)

// The arm64 tiers, best first: neon is the base, dotprod adds the SDOT int8
// GEMM and i8mm the SMMLA one. The GEMMs' assembly is in gemm_arm64.s, the
// Go drivers that pack A and walk the tiles in gemm_arm64.go; the vector
// work is in vector_arm64.s, with its Go tails in vector_arm64.go; what
// neon lacks comes from the portable tier (Set.Impls shows it).
func archTiers() []*tier {
	return []*tier{
		{name: "i8mm", available: hasI8MM, fallback: "dotprod", ops: ops{I8: i8mmI8}},
		{name: "dotprod", available: hasDotProd, fallback: "neon", ops: ops{I8: dotprodI8}},
		{name: "neon", available: hasASIMD, fallback: "portable", ops: ops{
			F32: neonF32, F16: neonF16, I8: neonI8,

			MaxAbs:         maxAbsVec,
			Quantize:       quantizeVec,
			QuantizeRows:   quantizeRowsVec,
			QuantizeScaled: quantizeScaledVec,
			ColumnPeaks:    columnPeaksVec,

			QuantizeColumns: quantizeColumnsVec,

			Max:             maxVec,
			ExpScaleSum:     expScaleSumVec,
			Multiply:        multiplyVec,
			SoftmaxQuantize: softmaxQuantizeVec,

			GELUTanh: geluTanhVec,
			GELUErf:  geluErfVec,

			AddSum:    addSumVec,
			SqDevSum:  sqDevSumVec,
			Normalize: normalizeVec,

			Transpose8x8:  transpose8x8Vec,
			PackColumnsI8: packColumnsNEON,
			PackRowsI8:    packRowsNEON,
		}},
	}
}

var (
	neonF32 = &F32Kernel{
		Probe:  probeFMLA,
		Layout: Layout{NR: fNR, KG: 1},
		gemm:   gemmF32NEON,
	}
	neonF16 = &F16Kernel{
		Probe:  probeFMLA, // FCVTL/FCVTL2 from half precision are base Advanced SIMD
		Layout: Layout{NR: fNR, KG: 1},
		gemm:   gemmF16NEON,
	}
	i8mmI8 = &I8Kernel{
		Probe:     probeSMMLA,
		Layout:    Layout{NR: 8, KG: 8},
		gemm:      gemmI8MM,
		noColSums: true,
	}
	dotprodI8 = &I8Kernel{
		Probe:     probeSDOT,
		Layout:    Layout{NR: 12, KG: 4},
		gemm:      gemmI8DotProd,
		noColSums: true,
	}
	neonI8 = &I8Kernel{
		Probe:     probeSMLAL,
		Layout:    Layout{NR: 4, KG: 16},
		gemm:      gemmI8NEON,
		noColSums: true,
	}
)

// Feature detection asks cpuid first and golang.org/x/sys/cpu (the Linux
// hwcaps, or sysctl on Darwin) second: either one seeing a feature is enough.
// Both describe what the OS lets user code run.

// hasASIMD: Advanced SIMD, part of every arm64 CPU Go supports.
func hasASIMD() bool { return cpuid.CPU.Supports(cpuid.ASIMD) || cpu.ARM64.HasASIMD }

// hasDotProd: SDOT/UDOT (Armv8.2 dot product, e.g. Cortex-A76, Apple M1).
func hasDotProd() bool { return cpuid.CPU.Supports(cpuid.ASIMDDP) || cpu.ARM64.HasASIMDDP }

// hasI8MM: SMMLA and friends (Armv8.6 int8 matrix multiply, e.g. Neoverse V1, Apple M2).
func hasI8MM() bool { return cpuid.CPU.Supports(cpuid.I8MM) || cpu.ARM64.HasI8MM }

// hasASIMDHP and hasFPHP: half-precision arithmetic, reported for `albertq
// info`; the kernels widen to fp32 and do not depend on them.
func hasASIMDHP() bool { return cpuid.CPU.Supports(cpuid.ASIMDHP) || cpu.ARM64.HasASIMDHP }
func hasFPHP() bool    { return cpuid.CPU.Supports(cpuid.FPHP) || cpu.ARM64.HasFPHP }

// archFeatures lists the CPU features the kernels care about, for `albertq info`.
func archFeatures() []string {
	var out []string
	for _, f := range []struct {
		name string
		has  func() bool
	}{
		{"ASIMD", hasASIMD},
		{"ASIMDDP", hasDotProd},
		{"ASIMDHP", hasASIMDHP},
		{"FPHP", hasFPHP},
		{"I8MM", hasI8MM},
	} {
		if f.has() {
			out = append(out, f.name)
		}
	}
	return out
}
