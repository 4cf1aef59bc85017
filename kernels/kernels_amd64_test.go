//go:build !purego

package kernels

import "testing"

// TestSelectAMD64 checks what each ALBERTQ_KERNELS name forces: avx2 and
// avx512vnni every kind, avx512 its fp32 and fp16 kernels (int8 is avx2's),
// avxvnni the int8 kind only; the vector work and movers are avx2's unless
// avx512 has its own.
func TestSelectAMD64(t *testing.T) {
	for _, c := range []struct {
		name               string
		available          bool
		f32, f16, i8, gelu string
	}{
		{"avx512vnni", hasAVX512VNNI(), "avx512", "avx512", "avx512vnni", "avx512"},
		{"avx512", hasAVX512(), "avx512", "avx512", "avx2", "avx512"},
		{"avxvnni", hasAVXVNNI(), "avx2", "avx2", "avxvnni", "avx2"},
		{"avx2", hasAVX2(), "avx2", "avx2", "avx2", "avx2"},
	} {
		s, err := Select(c.name)
		if !c.available {
			if err == nil {
				t.Errorf("Select(%q) succeeded on a CPU without it", c.name)
			}
			continue
		}
		if err != nil || s.F32.Name != c.f32 || s.F16.Name != c.f16 || s.I8.Name != c.i8 || s.source("geluTanh") != c.gelu || s.source("addSum") != "avx2" {
			t.Errorf("Select(%q) = %s/%s/%s, gelu %s, %v; want %s/%s/%s, gelu %s", c.name, s.F32.Name, s.F16.Name, s.I8.Name, s.source("geluTanh"), err, c.f32, c.f16, c.i8, c.gelu)
		}
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
	for _, kn := range f32Kernels() {
		b := kn.Pack(w, Transposed(k), k, n)
		check("f32/"+kn.Name, func() { kn.gemm(c, n, a, k, nil, m, b, nil, 0, n) })
	}
	for _, kn := range f16Kernels() {
		b := kn.Pack(w, Transposed(k), k, n)
		check("f16/"+kn.Name, func() { kn.gemm(c, n, a, k, nil, m, b, nil, 0, n) })
	}
	for _, tc := range i8Cases() { // the int8 kernels and the sets' own I8NonNeg
		kn := tc.kn
		b := kn.Pack(w8, Transposed(k), k, n, sb)
		check("i8/"+tc.name, func() { kn.gemm(c, n, a8, k, sa, m, b, nil, 0, n) })
	}
}

// TestPackVNNI checks VNNI's A packing (the 8-row transpose and the word
// and byte tails) against the layout's definition, with a guard after it.
func TestPackVNNI(t *testing.T) {
	for _, mr := range []int{8, 6} {
		for _, m := range []int{1, 7, 8, 9, 16, 17} {
			for _, k := range []int{1, 3, 4, 15, 16, 17, 64, 67} {
				lda := k + 3
				a := make([]int8, m*lda)
				for i := range a {
					a[i] = int8(i*29 + 3)
				}
				kg := (k + 3) / 4
				blocks := (m + mr - 1) / mr
				dst := make([]byte, blocks*kg*mr*4+16)
				for i := range dst {
					dst[i] = 0x55
				}
				stride := packVNNI(dst, a, lda, m, k, mr)
				for i := range blocks * mr {
					for kk := range kg * 4 {
						want := byte(0x80)
						if i < m && kk < k {
							want ^= byte(a[i*lda+kk])
						}
						if got := dst[i/mr*stride+kk/4*mr*4+i%mr*4+kk%4]; got != want {
							t.Fatalf("mr=%d m=%d k=%d: row %d k %d packed %#x, want %#x", mr, m, k, i, kk, got, want)
						}
					}
				}
				for _, g := range dst[blocks*stride:] {
					if g != 0x55 {
						t.Fatalf("mr=%d m=%d k=%d: wrote past the blocks", mr, m, k)
					}
				}
			}
		}
	}
}
