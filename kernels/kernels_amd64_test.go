//go:build !purego

package kernels

import (
	"math/rand/v2"
	"os"
	"testing"
)

// TestSelectAMD64 checks what each ALBERTQ_KERNELS name forces: avx512 and
// avx2 every kind, avxvnni the int8 kind only.
func TestSelectAMD64(t *testing.T) {
	for _, c := range []struct {
		name         string
		available    bool
		f32, f16, i8 string
	}{
		{"avx512", hasAVX512VNNI(), "avx512", "avx512", "avx512"},
		{"avx2", hasAVX2(), "avx2", "avx2", "avx2"},
		{"avxvnni", hasAVXVNNI(), Best().F32.Name, Best().F16.Name, "avxvnni"},
	} {
		s, err := Select(c.name)
		if !c.available {
			if err == nil {
				t.Errorf("Select(%q) succeeded on a CPU without it", c.name)
			}
			continue
		}
		if err != nil || s.F32.Name != c.f32 || s.F16.Name != c.f16 || s.I8.Name != c.i8 {
			t.Errorf("Select(%q) = %s/%s/%s, %v; want %s/%s/%s", c.name, s.F32.Name, s.F16.Name, s.I8.Name, err, c.f32, c.f16, c.i8)
		}
	}
}

// TestDefaultHonorsEnv makes ALBERTQ_KERNELS=<name> go test meaningful:
// Default must then pick that kernel wherever the name has one.
func TestDefaultHonorsEnv(t *testing.T) {
	name := os.Getenv(EnvVar)
	if name == "" {
		t.Skip(EnvVar + " not set")
	}
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Select(name)
	if s != want || (s.I8.Name != name && s.F32.Name != name) {
		t.Fatalf("Default() = %s/%s/%s for %s=%s", s.F32.Name, s.F16.Name, s.I8.Name, EnvVar, name)
	}
}

// TestTilesDoNotAllocate checks that a warm call of each assembly kernel
// allocates nothing (its scratch is pooled). It calls the kernels directly:
// the threading wrapper GEMM is not under test here.
func TestTilesDoNotAllocate(t *testing.T) {
	const m, k, n = 16, 64, 48
	a, a8, sa := make([]float32, m*k), make([]int8, m*k), make([]float32, m)
	w, w8, sb := make([]float32, k*n), make([]int8, k*n), make([]float32, n)
	c := make([]float32, m*n)
	check := func(name string, run func()) {
		run()
		if allocs := testing.AllocsPerRun(10, run); allocs > 0 {
			t.Errorf("%s: %g allocations per call", name, allocs)
		}
	}
	for _, kn := range archF32Kernels() {
		if kn.Available() {
			b := kn.Pack(w, Transposed(k), k, n)
			check("f32/"+kn.Name, func() { kn.gemm(c, n, a, k, m, b, nil, 0, n) })
		}
	}
	for _, kn := range archF16Kernels() {
		if kn.Available() {
			b := kn.Pack(w, Transposed(k), k, n)
			check("f16/"+kn.Name, func() { kn.gemm(c, n, a, k, m, b, nil, 0, n) })
		}
	}
	for _, kn := range archI8Kernels() {
		if kn.Available() {
			b := kn.Pack(w8, Transposed(k), k, n, sb)
			check("i8/"+kn.Name, func() { kn.gemm(c, n, a8, k, sa, m, b, nil, 0, n) })
		}
	}
}

// TestI8AVX2KBlocks checks the AVX2 int8 kernel exactly where K spans
// several blocks of i8KBlock pairs (partial sums saved and resumed), with
// an odd number of pairs per block, partial last column panels and every
// row-tile height, on operands of ±127 that would expose any int16 overflow.
func TestI8AVX2KBlocks(t *testing.T) {
	if !hasAVX2() {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(9, 10))
	long, longer := 2*(2*i8KBlock+1)-1, 2*(3*i8KBlock+3)
	for _, s := range []shape{{7, long, 37}, {10, longer, 16}, {8, long, 20}, {5, longer, 16}} {
		o := newOperands(rng, s, func() int8 { return []int8{127, -127}[rng.IntN(2)] })
		ones := make([]float32, max(s.m, s.n))
		for i := range ones {
			ones[i] = 1
		}
		b := i8AVX2.Pack(o.w8, Transposed(s.k), s.k, s.n, ones[:s.n])
		c := guarded(s.m, o.ldc, sentinel)
		i8AVX2.GEMM(nil, c, o.ldc, o.a8, o.lda, ones, s.m, b, nil)
		for i := range s.m {
			for j := range s.n {
				var sum int32
				for kk := range s.k {
					sum += int32(o.a8[i*o.lda+kk]) * int32(o.w8[j*s.k+kk])
				}
				if got := c[i*o.ldc+j]; got != float32(sum) {
					t.Fatalf("%v: C[%d][%d] = %g, want %d", s, i, j, got, sum)
				}
			}
		}
		checkGuards(t, c, o.ldc, s.m, s.n)
	}
}
