package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/albertq/albertq/internal/parallel"
)

// shape is one GEMM problem: C (m×n) = A (m×k) · B (k×n).
type shape struct{ m, k, n int }

// sweepShapes has every M, N and K from 1 to 67, each against a spread of
// values for the other two (multiples of every register tile and their tails).
func sweepShapes() []shape {
	others := []int{1, 6, 17, 67}
	var out []shape
	for v := 1; v <= 67; v++ {
		for _, x := range others {
			for _, y := range others {
				out = append(out, shape{v, x, y}, shape{x, v, y}, shape{x, y, v})
			}
		}
	}
	return out
}

// bertShapes are the Linear shapes of a BERT-base layer (M rows of tokens).
func bertShapes(m int) []shape {
	return []shape{{m, 768, 768}, {m, 768, 3072}, {m, 3072, 768}}
}

// bertRows keeps the BERT shapes affordable for the naive reference (and
// under emulation) while still crossing every row tile with a tail.
func bertRows() int {
	if testing.Short() {
		return 3
	}
	return 29
}

// guarded allocates rows×ld values with every element set to fill, then the
// test checks that only the m×n corner was written.
func guarded[T any](rows, ld int, fill T) []T {
	s := make([]T, rows*ld+ld) // one more row of guard band
	for i := range s {
		s[i] = fill
	}
	return s
}

// The sentinel around C: a NaN whose bits a kernel would not produce.
var sentinel = math.Float32frombits(0x7fc0dead)

// checkGuards fails if any element of c outside the m×n corner changed.
func checkGuards(t *testing.T, c []float32, ldc, m, n int) {
	t.Helper()
	for idx, v := range c {
		i, j := idx/ldc, idx%ldc
		if (i >= m || j >= n) && math.Float32bits(v) != math.Float32bits(sentinel) {
			t.Fatalf("guard band at row %d col %d overwritten with %g", i, j, v)
		}
	}
}

// operands is one random problem: A with garbage in its padding, B as a
// PyTorch weight (N×K) plus scales and bias.
type operands struct {
	s        shape
	lda, ldc int
	a        []float32
	a8       []int8
	sa       []float32
	w        []float32
	w8       []int8
	sb, bias []float32
}

func newOperands(rng *rand.Rand, s shape, int8Fill func() int8) *operands {
	o := &operands{s: s, lda: s.k + 3, ldc: s.n + 5}
	// A starts one element in (odd alignment); its row padding holds values
	// that would show up in the result if a kernel read past K.
	o.a = make([]float32, 1+s.m*o.lda)[1:]
	o.a8 = make([]int8, 1+s.m*o.lda)[1:]
	for i := range o.a {
		if i%o.lda >= s.k {
			o.a[i], o.a8[i] = float32(math.NaN()), 127
			continue
		}
		o.a[i] = rng.Float32()*2 - 1
		o.a8[i] = int8Fill()
	}
	o.w = make([]float32, s.n*s.k)
	o.w8 = make([]int8, s.n*s.k)
	for i := range o.w {
		o.w[i] = rng.Float32()*2 - 1
		o.w8[i] = int8Fill()
	}
	o.sa = make([]float32, s.m)
	for i := range o.sa {
		o.sa[i] = 0.5 + rng.Float32()
	}
	o.sb = make([]float32, s.n)
	o.bias = make([]float32, s.n)
	for j := range o.sb {
		o.sb[j] = 0.5 + rng.Float32()
		o.bias[j] = rng.Float32() - 0.5
	}
	return o
}

// wantF32 is the naive triple loop in float64, with the magnitude Σ|a·b|
// that bounds its rounding error.
func (o *operands) wantF32(b func(j, kk int) float32) (want, scale []float64) {
	s := o.s
	want, scale = make([]float64, s.m*s.n), make([]float64, s.m*s.n)
	for i := range s.m {
		for j := range s.n {
			var sum, mag float64
			for kk := range s.k {
				p := float64(o.a[i*o.lda+kk]) * float64(b(j, kk))
				sum += p
				mag += math.Abs(p)
			}
			want[i*s.n+j] = sum + float64(o.bias[j])
			scale[i*s.n+j] = mag + math.Abs(float64(o.bias[j]))
		}
	}
	return want, scale
}

func checkClose(t *testing.T, c []float32, ldc int, want, scale []float64, s shape) {
	t.Helper()
	for i := range s.m {
		for j := range s.n {
			got, w := float64(c[i*ldc+j]), want[i*s.n+j]
			if math.Abs(got-w) > 1e-5*(scale[i*s.n+j]+1e-30) {
				t.Fatalf("%v: C[%d][%d] = %g, want %g", s, i, j, got, w)
			}
		}
	}
	checkGuards(t, c, ldc, s.m, s.n)
}

func forShapes(t *testing.T, shapes []shape, run func(t *testing.T, s shape)) {
	for _, s := range shapes {
		run(t, s)
		if t.Failed() {
			return
		}
	}
}

func allShapes() []shape {
	// N = 64 and 80 leave last panels of 16 and 32 columns (narrow tiles), and
	// K = 3072 is cut into blocks that they accumulate over.
	m := bertRows()
	return append(append(sweepShapes(), longKShapes()...), append(bertShapes(m), shape{m, 3072, 64}, shape{m, 3072, 80})...)
}

// longKShapes has every K from 129 to 192: 17 to 24 groups of 8, so a k
// loop of eight groups an iteration runs twice before each of its tails (1
// to 8 groups), and one of four groups runs four to five times.
func longKShapes() []shape {
	var out []shape
	for k := 129; k <= 192; k++ {
		out = append(out, shape{9, k, 9})
	}
	return out
}

// ownSets lists the available sets whose tier implements op itself. The
// GEMM tests run each kernel once, with the set of the tier that owns it
// (a tier's fallback kernels are tested with the tier that owns them).
func ownSets(op string) []*Set {
	var out []*Set
	for _, s := range Available() {
		if s.source(op) == s.Name {
			out = append(out, s)
		}
	}
	return out
}

func f32Kernels() (out []*F32Kernel) {
	for _, s := range ownSets("fp32") {
		out = append(out, s.F32)
	}
	return out
}

func f16Kernels() (out []*F16Kernel) {
	for _, s := range ownSets("fp16") {
		out = append(out, s.F16)
	}
	return out
}

func i8Kernels() (out []*I8Kernel) {
	for _, s := range ownSets("int8") {
		out = append(out, s.I8)
	}
	return out
}

// i8Case is an int8 kernel under test with the A its contract accepts:
// every kernel of i8Kernels takes any A in [-127, 127]; a set's own
// I8NonNeg (where it is not its I8) takes the magnitudes of the same
// values, so the tests' ±127 operands give A = 127 against B = ±127.
type i8Case struct {
	name string
	kn   *I8Kernel
	a    func(int8) int8
}

func i8Cases() []i8Case {
	var out []i8Case
	for _, kn := range i8Kernels() {
		out = append(out, i8Case{kn.Name, kn, func(a int8) int8 { return a }})
	}
	for _, s := range ownSets("int8NonNeg") {
		if s.I8NonNeg != s.I8 {
			out = append(out, i8Case{s.I8NonNeg.Name + "-nonneg", s.I8NonNeg, func(a int8) int8 { return max(a, -a) }})
		}
	}
	return out
}

// mapA applies f to every element of a (its row padding too).
func mapA(a []int8, f func(int8) int8) {
	for i, v := range a {
		a[i] = f(v)
	}
}

// TestFloatKernelsMatchReference runs every fp32 and fp16 kernel on every
// shape against the float64 sum: fp16 with the half-rounded weights its
// kernel holds.
func TestFloatKernelsMatchReference(t *testing.T) {
	type floatKernel struct {
		name, kind string
		seed       uint64
		weight     func(float32) float32 // the weight the kernel holds
		gemm       func(o *operands, c []float32)
	}
	var all []floatKernel
	for _, kn := range f32Kernels() {
		all = append(all, floatKernel{kn.Name, "fp32", 1, func(x float32) float32 { return x }, func(o *operands, c []float32) {
			kn.GEMM(nil, c, o.ldc, o.a, o.lda, o.s.m, kn.Pack(o.w, Transposed(o.s.k), o.s.k, o.s.n), o.bias)
		}})
	}
	for _, kn := range f16Kernels() {
		all = append(all, floatKernel{kn.Name, "fp16", 3, roundHalf, func(o *operands, c []float32) {
			kn.GEMM(nil, c, o.ldc, o.a, o.lda, o.s.m, kn.Pack(o.w, Transposed(o.s.k), o.s.k, o.s.n), o.bias)
		}})
	}
	for _, kn := range all {
		t.Run(kn.name+"/"+kn.kind, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(kn.seed, kn.seed+1))
			forShapes(t, allShapes(), func(t *testing.T, s shape) {
				o := newOperands(rng, s, func() int8 { return 0 })
				c := guarded(s.m, o.ldc, sentinel)
				kn.gemm(o, c)
				want, scale := o.wantF32(func(j, kk int) float32 { return kn.weight(o.w[j*s.k+kk]) })
				checkClose(t, c, o.ldc, want, scale, s)
			})
		})
	}
}

// TestI8KernelsExact checks the int32 sums bit for bit: with unit scales and
// no bias every kernel must write float32(Σ a·b) exactly, including the
// all-+127 and all--127 operands that break int16 saturating tricks.
func TestI8KernelsExact(t *testing.T) {
	fills := map[string]func(*rand.Rand) func() int8{
		"random": func(r *rand.Rand) func() int8 { return func() int8 { return int8(r.IntN(255) - 127) } },
		"+127":   func(*rand.Rand) func() int8 { return func() int8 { return 127 } },
		"-127":   func(*rand.Rand) func() int8 { return func() int8 { return -127 } },
		"mixed": func(r *rand.Rand) func() int8 {
			return func() int8 { return []int8{127, -127}[r.IntN(2)] }
		},
	}
	for _, tc := range i8Cases() {
		kn := tc.kn
		for fillName, fill := range fills {
			t.Run(tc.name+"/"+fillName, func(t *testing.T) {
				rng := rand.New(rand.NewPCG(5, 6))
				forShapes(t, allShapes(), func(t *testing.T, s shape) {
					o := newOperands(rng, s, fill(rng))
					mapA(o.a8, tc.a)
					ones := func(n int) []float32 {
						v := make([]float32, n)
						for i := range v {
							v[i] = 1
						}
						return v
					}
					b := kn.Pack(o.w8, Transposed(s.k), s.k, s.n, ones(s.n))
					c := guarded(s.m, o.ldc, sentinel)
					kn.GEMM(nil, c, o.ldc, o.a8, o.lda, ones(s.m), s.m, b, nil)
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
				})
			})
		}
	}
}

// TestI8KernelsScaled checks the epilogue: sa·sb·sum + bias.
func TestI8KernelsScaled(t *testing.T) {
	for _, tc := range i8Cases() {
		kn := tc.kn
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, 8))
			forShapes(t, sweepShapes(), func(t *testing.T, s shape) {
				o := newOperands(rng, s, func() int8 { return int8(rng.IntN(255) - 127) })
				mapA(o.a8, tc.a)
				b := kn.Pack(o.w8, Transposed(s.k), s.k, s.n, o.sb)
				c := guarded(s.m, o.ldc, sentinel)
				kn.GEMM(nil, c, o.ldc, o.a8, o.lda, o.sa, s.m, b, o.bias)
				for i := range s.m {
					for j := range s.n {
						var sum int64
						for kk := range s.k {
							sum += int64(o.a8[i*o.lda+kk]) * int64(o.w8[j*s.k+kk])
						}
						want := float64(o.sa[i])*float64(o.sb[j])*float64(sum) + float64(o.bias[j])
						tol := 1e-6 * (math.Abs(float64(o.sa[i])*float64(o.sb[j])*float64(sum)) + 1)
						if got := float64(c[i*o.ldc+j]); math.Abs(got-want) > tol {
							t.Fatalf("%v: C[%d][%d] = %g, want %g", s, i, j, got, want)
						}
					}
				}
				checkGuards(t, c, o.ldc, s.m, s.n)
			})
		})
	}
}

// TestThreadedGEMMMatchesSerial splits by panels and by rows: of the shapes
// over minParallelMACs, 2100×256×8 (one panel) splits by rows, the others
// by panels.
func TestThreadedGEMMMatchesSerial(t *testing.T) {
	pool := parallel.NewPool(3)
	defer pool.Close()
	kn := Best().F32
	rng := rand.New(rand.NewPCG(9, 10))
	for _, s := range []shape{{64, 96, 8}, {7, 64, 300}, {128, 256, 256}, {2100, 256, 8}, {7, 1024, 600}} {
		o := newOperands(rng, s, func() int8 { return 0 })
		b := kn.Pack(o.w, Transposed(s.k), s.k, s.n)
		serial, threaded := guarded(s.m, o.ldc, sentinel), guarded(s.m, o.ldc, sentinel)
		kn.GEMM(nil, serial, o.ldc, o.a, o.lda, s.m, b, o.bias)
		kn.GEMM(pool, threaded, o.ldc, o.a, o.lda, s.m, b, o.bias)
		for i := range serial {
			if math.Float32bits(serial[i]) != math.Float32bits(threaded[i]) {
				t.Fatalf("%v: element %d: serial %g, threaded %g", s, i, serial[i], threaded[i])
			}
		}
	}
}

func TestPackRowMajorEqualsTransposed(t *testing.T) {
	const k, n = 13, 21
	src := make([]float32, k*n)
	tr := make([]float32, k*n)
	for kk := range k {
		for j := range n {
			src[kk*n+j] = float32(kk*100 + j)
			tr[j*k+kk] = float32(kk*100 + j)
		}
	}
	for _, s := range Available() {
		a, b := s.F32.Pack(src, RowMajor(n), k, n), s.F32.Pack(tr, Transposed(k), k, n)
		for i := range a.Data {
			if a.Data[i] != b.Data[i] {
				t.Fatalf("%s: packed element %d differs", s.Name, i)
			}
		}
	}
}

// TestSerialGEMMDoesNotAllocate: a single-threaded GEMM call costs no
// allocation (the engine makes thousands of them per forward pass).
func TestSerialGEMMDoesNotAllocate(t *testing.T) {
	s := shape{16, 64, 96}
	o := newOperands(rand.New(rand.NewPCG(11, 12)), s, func() int8 { return 3 })
	c := make([]float32, s.m*o.ldc)
	for _, kn := range f32Kernels() {
		b := kn.Pack(o.w, Transposed(s.k), s.k, s.n)
		kn.GEMM(nil, c, o.ldc, o.a, o.lda, s.m, b, o.bias) // warm the scratch pool
		if n := testing.AllocsPerRun(20, func() { kn.GEMM(nil, c, o.ldc, o.a, o.lda, s.m, b, o.bias) }); n != 0 {
			t.Errorf("fp32 %s: %v allocations per call", kn.Name, n)
		}
	}
	for _, tc := range i8Cases() {
		kn := tc.kn
		b := kn.Pack(o.w8, Transposed(s.k), s.k, s.n, o.sb)
		kn.GEMM(nil, c, o.ldc, o.a8, o.lda, o.sa, s.m, b, o.bias)
		if n := testing.AllocsPerRun(20, func() { kn.GEMM(nil, c, o.ldc, o.a8, o.lda, o.sa, s.m, b, o.bias) }); n != 0 {
			t.Errorf("int8 %s: %v allocations per call", tc.name, n)
		}
	}
}

// BenchmarkAttentionContext times attention's context product of one head
// as the engine runs it (p·v: n×n softmax numerators in [0, 127] times the
// n×64 values, packed per call) on the default set's int8 GEMM (the one
// ALBERTQ_KERNELS names, else the best) and on its GEMM for non-negative A:
// the pair shows what I8NonNeg saves.
func BenchmarkAttentionContext(b *testing.B) {
	const d = 64
	s, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{128, 256} {
		rng := rand.New(rand.NewPCG(13, 14))
		p, v := make([]int8, n*n), make([]int8, n*d)
		for i := range p {
			p[i] = int8(rng.IntN(128))
		}
		for i := range v {
			v[i] = int8(rng.IntN(255) - 127)
		}
		sa, sb, out := make([]float32, n), make([]float32, d), make([]float32, n*d)
		for name, kn := range map[string]*I8Kernel{"int8": s.I8, "int8NonNeg": s.I8NonNeg} {
			b.Run(fmt.Sprintf("%s/%s/%d", s.Name, name, n), func(b *testing.B) {
				var packed PackedI8
				for b.Loop() {
					kn.PackInto(&packed, v, RowMajor(d), n, d, sb)
					kn.GEMM(nil, out, d, p, n, sa, n, &packed, nil)
				}
				b.ReportMetric(2*float64(n*n*d)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOPS")
			})
		}
	}
}
