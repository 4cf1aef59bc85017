//go:build !purego

package kernels

import (
	"math/rand/v2"
	"os"
	"slices"
	"testing"
)

// wantI8Env names the int8 kernel the test run expects to be chosen: set by
// .ci/arm64.sh for each qemu CPU model (neon on cortex-a53, dotprod on
// cortex-a76, i8mm on max). Unset, the choice is only logged.
const wantI8Env = "ALBERTQ_TEST_WANT_I8"

func TestArm64Selection(t *testing.T) {
	best := Best()
	t.Logf("features %v; best f32 %s, f16 %s, int8 %s", Features(), best.F32.Name, best.F16.Name, best.I8.Name)
	for _, k := range i8Kernels() {
		t.Logf("int8 available: %s (probe %q)", k.Name, k.Probe)
	}
	if want := os.Getenv(wantI8Env); want != "" && best.I8.Name != want {
		t.Fatalf("best int8 kernel is %s, want %s (features %v)", best.I8.Name, want, Features())
	}
	if !slices.Contains(Features(), "ASIMD") {
		t.Fatalf("ASIMD not detected: %v", Features())
	}
}

// TestArm64Select: neon forces every kind, dotprod and i8mm the int8 one on
// top of neon; the vector work is neon's in every set.
func TestArm64Select(t *testing.T) {
	for _, name := range []string{"neon", "dotprod", "i8mm"} {
		s, err := Select(name)
		switch {
		case err != nil:
			t.Logf("Select(%s): %v", name, err)
		case s.I8.Name != name || s.F32.Name != "neon" || s.F16.Name != "neon" || s.source("geluTanh") != "neon":
			t.Fatalf("Select(%s) = int8 %s, f32 %s, f16 %s, gelu %s", name, s.I8.Name, s.F32.Name, s.F16.Name, s.source("geluTanh"))
		}
	}
}

// TestArm64GEMMDoesNotAllocate checks that the packed-A scratch is reused: a
// kernel's own gemm allocates nothing once warm. (GEMM's split closure, in
// the shared driver, is not counted here.)
func TestArm64GEMMDoesNotAllocate(t *testing.T) {
	const m, k, n = 13, 37, 29
	rng := rand.New(rand.NewPCG(11, 12))
	o := newOperands(rng, shape{m, k, n}, func() int8 { return int8(rng.IntN(255) - 127) })
	c := make([]float32, m*o.ldc)
	for _, kn := range i8Kernels() {
		b := kn.Pack(o.w8, Transposed(k), k, n, o.sb)
		if allocs := testing.AllocsPerRun(10, func() {
			kn.gemm(c, o.ldc, o.a8, o.lda, o.sa, m, b, o.bias, 0, n)
		}); allocs != 0 {
			t.Errorf("int8 %s: %v allocations per GEMM", kn.Name, allocs)
		}
	}
	f32, f16 := Best().F32, Best().F16
	b32, b16 := f32.Pack(o.w, Transposed(k), k, n), f16.Pack(o.w, Transposed(k), k, n)
	if allocs := testing.AllocsPerRun(10, func() { f32.gemm(c, o.ldc, o.a, o.lda, nil, m, b32, o.bias, 0, n) }); allocs != 0 {
		t.Errorf("f32 %s: %v allocations per GEMM", f32.Name, allocs)
	}
	if allocs := testing.AllocsPerRun(10, func() { f16.gemm(c, o.ldc, o.a, o.lda, nil, m, b16, o.bias, 0, n) }); allocs != 0 {
		t.Errorf("f16 %s: %v allocations per GEMM", f16.Name, allocs)
	}
}

// TestArm64Peaks runs every probe once: under emulation only to prove that
// the loops execute (the rates are meaningless).
func TestArm64Peaks(t *testing.T) {
	for _, p := range peakProbes {
		if p.available() {
			p.run(3)
		}
	}
	if testing.Short() {
		return
	}
	t.Logf("peaks (GOPS): %v", measurePeaks())
}
