//go:build !purego

package kernels

// The arm64 implementations, best first.

func archF32Kernels() []*F32Kernel { return nil }
func archF16Kernels() []*F16Kernel { return nil }
func archI8Kernels() []*I8Kernel   { return nil }

// archFeatures lists the CPU features the kernels care about, for `albertq info`.
func archFeatures() []string { return nil }
