//go:build !purego

package kernels

import (
	"math"
	"os"
	"slices"
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

// TestWidenI8 checks the AVX2 kernel's widening on every int8 in
// [-128, 127], a length that leaves a byte tail, and the zero padding.
func TestWidenI8(t *testing.T) {
	src := make([]int8, 256+7)
	for i := range src {
		src[i] = int8(i - 128)
	}
	dst := make([]byte, 2*(len(src)+3))
	for i := range dst {
		dst[i] = 0xAA
	}
	widenI8(&dst[0], &src[0], len(src), len(src)+3)
	for i := range len(src) + 3 {
		want := int16(0)
		if i < len(src) {
			want = int16(src[i])
		}
		if got := int16(uint16(dst[2*i]) | uint16(dst[2*i+1])<<8); got != want {
			t.Fatalf("element %d widened to %d, want %d", i, got, want)
		}
	}
}

// TestTranspose8x8 checks the AVX transpose against its Go twin, strides
// wider than the block and a guard around it.
func TestTranspose8x8(t *testing.T) {
	src := make([]float32, 8*11)
	for i := range src {
		src[i] = float32(i) + 0.5
	}
	got, want := make([]float32, 8*13+1), make([]float32, 8*13+1)
	for i := range got {
		got[i], want[i] = -1, -1
	}
	transpose8x8Vec(got[1:], 13, src, 11)
	transpose8x8Generic(want[1:], 13, src, 11)
	if !slices.Equal(got, want) {
		t.Fatalf("transpose8x8: %v, want %v", got, want)
	}
}

// TestPackMovers checks the AVX2 byte movers of the int8 packers against
// their Go twins on every length up to 70 (vector bodies and tails), with
// guard bytes after each output that must stay.
func TestPackMovers(t *testing.T) {
	const g = 0x55
	rows := make([][]int8, 4)
	for r := range rows {
		rows[r] = make([]int8, 70)
		for i := range rows[r] {
			rows[r][i] = int8(i*37 + r*101 - 128)
		}
	}
	fill := func(n int) []int8 {
		x := make([]int8, n+8)
		for i := range x {
			x[i] = g
		}
		return x
	}
	for n := range 71 {
		got, want := fill(4*n), fill(4*n)
		interleave4Vec(got[:4*n], rows[0][:n], rows[1][:n], rows[2][:n], rows[3][:n])
		interleave4Generic(want[:4*n], rows[0][:n], rows[1][:n], rows[2][:n], rows[3][:n])
		if !slices.Equal(got, want) {
			t.Fatalf("interleave4 n=%d: %v, want %v", n, got, want)
		}
		const stride = 12
		got, want = fill(stride*n), fill(stride*n)
		copyWordsAVX(got, stride, rows[0][:n])
		copyWordsGeneric(want, stride, rows[0][:n])
		if !slices.Equal(got, want) {
			t.Fatalf("copyWords n=%d: %v, want %v", n, got, want)
		}
		if s, w := sumI8Vec(rows[1][:n]), sumI8Generic(rows[1][:n]); s != w {
			t.Fatalf("sumI8 n=%d: %d, want %d", n, s, w)
		}
		sums, twin := make([]int32, n+3), make([]int32, n+3)
		for i := range sums {
			sums[i], twin[i] = int32(i)-7, int32(i)-7
		}
		addI8Vec(sums[:n], rows[2][:n])
		addI8Generic(twin[:n], rows[2][:n])
		if !slices.Equal(sums, twin) {
			t.Fatalf("addI8 n=%d: %v, want %v", n, sums, twin)
		}
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

// TestRowSumsMatchTwins checks the LayerNorm sums against their Go twins on
// every multiple of 8 up to 200 (the assembly's share): addSum exactly, as
// both keep the same 32 partial sums, sqDevSum to rounding (the assembly
// fuses its multiply-add), and maxAVX exactly.
func TestRowSumsMatchTwins(t *testing.T) {
	for n := 8; n <= 200; n += 8 {
		x, resid := make([]float32, n), make([]float32, n)
		for i := range x {
			x[i], resid[i] = float32(i%13)*0.37-2, float32(i%7)*0.11
		}
		x2 := slices.Clone(x)
		got, want := addSumAVX2(&x[0], &resid[0], n), addSumGeneric(x2, resid)
		if got != want || !slices.Equal(x, x2) {
			t.Fatalf("n=%d: addSum %v, Go twin %v", n, got, want)
		}
		mean := want / float32(n)
		if got, want := sqDevSumAVX2(&x[0], n, mean), sqDevSumGeneric(x, mean); math.Abs(float64(got-want)) > 1e-5*float64(want) {
			t.Fatalf("n=%d: sqDevSum %v, Go twin %v", n, got, want)
		}
		if got, want := maxAVX2(&x[0], n), maxGeneric(x); got != want {
			t.Fatalf("n=%d: max %v, Go twin %v", n, got, want)
		}
	}
}

// TestSoftmaxQuantizeAVX checks the AVX2 composition (what an AVX2-only CPU
// runs) against the Go twin: numerators within a step, sums to rounding.
func TestSoftmaxQuantizeAVX(t *testing.T) {
	const rows, w = 3, 37
	x := make([]float32, rows*w)
	for i := range x {
		x[i] = float32(i*7%23) - 11.5
	}
	q, twin := make([]int8, rows*w), make([]int8, rows*w)
	sums, twinSums := make([]float32, rows), make([]float32, rows)
	softmaxQuantizeGeneric(twin, twinSums, x, rows, w, 0.3)
	softmaxQuantizeAVX(q, sums, slices.Clone(x), rows, w, 0.3)
	for i := range q {
		if d := int(q[i]) - int(twin[i]); d < -1 || d > 1 {
			t.Fatalf("q[%d] = %d, Go twin %d", i, q[i], twin[i])
		}
	}
	for r := range sums {
		if math.Abs(float64(sums[r]-twinSums[r])) > 1e-6*float64(twinSums[r]) {
			t.Fatalf("sum[%d] = %v, Go twin %v", r, sums[r], twinSums[r])
		}
	}
}
