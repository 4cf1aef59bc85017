package kernels

import (
	"math"
	"slices"
	"testing"
)

// FuzzGEMM runs every available kernel of every kind on shapes and values
// taken from the fuzzer's bytes and compares it with the naive sum: int8
// exactly, fp32 and fp16 within 1e-5 of the magnitude.
func FuzzGEMM(f *testing.F) {
	f.Add([]byte{3, 5, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{17, 64, 33, 0x7f, 0x81, 0x7f, 0x81})
	f.Add([]byte{1, 1, 1, 0x80})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 4 {
			return
		}
		s := shape{m: 1 + int(data[0])%40, k: 1 + int(data[1])%80, n: 1 + int(data[2])%70}
		vals := data[3:]
		byteAt := func(i int) byte { return vals[i%len(vals)] ^ byte(i*31) }
		// int8 operands in [-127, 127], fp32 operands small integers over 8.
		a8, w8 := make([]int8, s.m*s.k), make([]int8, s.n*s.k)
		a, w := make([]float32, s.m*s.k), make([]float32, s.n*s.k)
		for i := range a8 {
			a8[i] = int8(max(-127, int(int8(byteAt(i)))))
			a[i] = float32(a8[i]) / 8
		}
		for i := range w8 {
			w8[i] = int8(max(-127, int(int8(byteAt(len(a8)+i)))))
			w[i] = float32(w8[i]) / 8
		}
		ones := make([]float32, max(s.m, s.n))
		for i := range ones {
			ones[i] = 1
		}
		for _, tc := range i8Cases() {
			a8 := slices.Clone(a8)
			mapA(a8, tc.a)
			c := guarded(s.m, s.n, sentinel)
			tc.kn.GEMM(nil, c, s.n, a8, s.k, ones, s.m, tc.kn.Pack(w8, Transposed(s.k), s.k, s.n, ones[:s.n]), nil)
			for i := range s.m {
				for j := range s.n {
					var sum int32
					for kk := range s.k {
						sum += int32(a8[i*s.k+kk]) * int32(w8[j*s.k+kk])
					}
					if c[i*s.n+j] != float32(sum) {
						t.Fatalf("%s int8 %v: C[%d][%d] = %g, want %d", tc.name, s, i, j, c[i*s.n+j], sum)
					}
				}
			}
			checkGuards(t, c, s.n, s.m, s.n)
		}
		check := func(name string, c []float32) {
			for i := range s.m {
				for j := range s.n {
					var sum, mag float64
					for kk := range s.k {
						p := float64(a[i*s.k+kk]) * float64(w[j*s.k+kk])
						sum, mag = sum+p, mag+math.Abs(p)
					}
					if math.Abs(float64(c[i*s.n+j])-sum) > 1e-5*mag {
						t.Fatalf("%s %v: C[%d][%d] = %g, want %g", name, s, i, j, c[i*s.n+j], sum)
					}
				}
			}
			checkGuards(t, c, s.n, s.m, s.n)
		}
		for _, kn := range f32Kernels() {
			c := guarded(s.m, s.n, sentinel)
			kn.GEMM(nil, c, s.n, a, s.k, s.m, kn.Pack(w, Transposed(s.k), s.k, s.n), nil)
			check(kn.Name+" fp32", c)
		}
		for _, kn := range f16Kernels() { // values over 8 are exact in half precision
			c := guarded(s.m, s.n, sentinel)
			kn.GEMM(nil, c, s.n, a, s.k, s.m, kn.Pack(w, Transposed(s.k), s.k, s.n), nil)
			check(kn.Name+" fp16", c)
		}
	})
}
