package kernels

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/albertq/albertq/internal/cputime"
)

// The vector functions of every available set are checked on every length
// from 0 to 40 (the SIMD bodies and the Go tails) against float64 maths and
// against the generic set, with guard elements after the slice that must
// stay.

const guard = 12345.5

func randomRow(rng *rand.Rand, n int, spread float32) []float32 {
	x := make([]float32, n+4)
	for i := range x {
		x[i] = guard
	}
	for i := range n {
		x[i] = (rng.Float32()*2 - 1) * spread
	}
	return x
}

func checkGuard(t *testing.T, x []float32, n int) {
	t.Helper()
	for _, v := range x[n:] {
		if v != guard {
			t.Fatalf("n=%d: guard overwritten: %v", n, x[n:])
		}
	}
}

// forEachSet runs test as a subtest for every set this CPU can run.
func forEachSet(t *testing.T, test func(t *testing.T, s *Set)) {
	for _, s := range Available() {
		t.Run(s.Name, func(t *testing.T) { test(t, s) })
	}
}

// genericSet is the generic tier's set, the reference.
func genericSet() *Set { return sets[len(sets)-1] }

// checkPastRows fails if a function of rows rows of width w wrote past
// them: into the four guard bytes after q's rows or the float after f's.
func checkPastRows(t *testing.T, q []int8, f []float32, rows, w int) {
	t.Helper()
	if f[rows] != 0 || !slices.Equal(q[rows*w:], make([]int8, 4)) {
		t.Fatalf("w=%d rows=%d: wrote past the last row", w, rows)
	}
}

func relErr(got, want float64) float64 {
	return math.Abs(got-want) / max(math.Abs(want), 1e-30)
}

func TestExp32(t *testing.T) {
	for x := float32(-87); x < 88; x += 0.0137 {
		if e := relErr(float64(exp32(x)), math.Exp(float64(x))); e > 5e-7 {
			t.Fatalf("exp32(%v) relative error %g", x, e)
		}
	}
}

// TestGELU checks both GELUs of every set against float64 formulas, and
// against their generic twins.
func TestGELU(t *testing.T) {
	gelus := []struct {
		name  string
		apply func(s *Set, x []float32)
		exact func(x float64) float64
		// The error bounds: against the formula 1e-6 relative to
		// max(|want|, floor); against the twin twinErr relative to
		// max(|twin|, twinFloor).
		floor, twinErr, twinFloor float64
	}{
		// The tanh form's twins round the exponent's argument differently
		// (FMA), and exp amplifies that by the argument's size: a few 1e-6.
		{"tanh", (*Set).GELUTanh, func(f float64) float64 {
			return 0.5 * f * (1 + math.Tanh(0.7978845608028654*(f+0.044715*f*f*f)))
		}, 1e-3, 4e-6, 2.5e-7},
		// The erf form loses to cancellation in 1 + erf for negative x:
		// absolute errors.
		{"erf", (*Set).GELUErf, func(f float64) float64 { return 0.5 * f * (1 + math.Erf(f/math.Sqrt2)) }, 1, 1e-6, 1},
	}
	for _, g := range gelus {
		forEachSet(t, func(t *testing.T, s *Set) {
			rng := rand.New(rand.NewPCG(1, 2))
			for n := range 41 {
				x := randomRow(rng, n, 12)
				want := make([]float64, n)
				for i, v := range x[:n] {
					want[i] = g.exact(float64(v))
				}
				twin := append([]float32(nil), x...)
				g.apply(s, x[:n])
				g.apply(genericSet(), twin[:n])
				checkGuard(t, x, n)
				for i := range n {
					if e := math.Abs(float64(x[i]) - want[i]); e > 1e-6*max(math.Abs(want[i]), g.floor) {
						t.Fatalf("%s n=%d: gelu(%v) = %v, want %v", g.name, n, twin[i], x[i], want[i])
					}
					if e := math.Abs(float64(x[i] - twin[i])); e > g.twinErr*max(math.Abs(float64(twin[i])), g.twinFloor) {
						t.Fatalf("%s n=%d: %v, generic %v", g.name, n, x[i], twin[i])
					}
				}
			}
		})
	}
}

func TestSoftmax(t *testing.T) {
	forEachSet(t, func(t *testing.T, s *Set) {
		rng := rand.New(rand.NewPCG(3, 4))
		for n := 1; n <= 40; n++ {
			x := randomRow(rng, n, 30)
			want := make([]float64, n)
			peak, sum := math.Inf(-1), 0.0
			for _, v := range x[:n] {
				peak = max(peak, float64(v)*0.125)
			}
			for i, v := range x[:n] {
				want[i] = math.Exp(float64(v)*0.125 - peak)
				sum += want[i]
			}
			s.Softmax(x[:n], 0.125)
			checkGuard(t, x, n)
			for i := range n {
				if e := math.Abs(float64(x[i]) - want[i]/sum); e > 1e-6 {
					t.Fatalf("n=%d: softmax[%d] = %v, want %v", n, i, x[i], want[i]/sum)
				}
			}
		}
	})
}

// SoftmaxQuantize must give each row's numerators as round(127·e) (to one
// step, where the float exp and the exact one round differently) and their
// sum, like the generic set's, for widths the SIMD versions take and others.
func TestSoftmaxQuantize(t *testing.T) {
	forEachSet(t, func(t *testing.T, s *Set) {
		rng := rand.New(rand.NewPCG(11, 12))
		for _, w := range []int{16, 20, 48, 128} {
			for _, rows := range []int{0, 1, 3} {
				x := randomRow(rng, rows*w, 20)
				q, twin := make([]int8, rows*w+4), make([]int8, rows*w)
				sums, twinSums := make([]float32, rows+1), make([]float32, rows)
				scratch := slices.Clone(x)
				s.SoftmaxQuantize(q, sums, scratch, rows, w, 0.125)
				checkGuard(t, scratch, rows*w)
				genericSet().SoftmaxQuantize(twin, twinSums, slices.Clone(x), rows, w, 0.125)
				for r := range rows {
					row := x[r*w : (r+1)*w]
					peak := math.Inf(-1)
					for _, v := range row {
						peak = max(peak, float64(v)*0.125)
					}
					var sum float64
					for j, v := range row {
						e := math.Exp(float64(v)*0.125 - peak)
						sum += e
						for _, got := range []int8{q[r*w+j], twin[r*w+j]} {
							if d := float64(got) - 127*e; math.Abs(d) > 0.5+1e-4 {
								t.Fatalf("w=%d row %d: q[%d] = %d, want %.4f", w, r, j, got, 127*e)
							}
						}
					}
					if relErr(float64(sums[r]), sum) > 1e-6 || relErr(float64(twinSums[r]), sum) > 1e-6 {
						t.Fatalf("w=%d row %d: sum %v (generic %v), want %v", w, r, sums[r], twinSums[r], sum)
					}
				}
				checkPastRows(t, q, sums, rows, w)
			}
		}
	})
}

func TestQuantizeRow(t *testing.T) {
	forEachSet(t, func(t *testing.T, s *Set) {
		rng := rand.New(rand.NewPCG(5, 6))
		for n := range 41 {
			x := randomRow(rng, n, 3)
			if n > 2 {
				x[1] = 2.5 / 127 * 3 // a tie, rounded to even
			}
			dst := make([]int8, n+4)
			twin := make([]int8, n)
			scale := s.QuantizeRow(dst[:n], x[:n])
			peak := maxAbsGeneric(x[:n])
			if scale != peak/127 {
				t.Fatalf("n=%d: scale %v, want %v", n, scale, peak/127)
			}
			if n > 0 && peak > 0 {
				quantizeGeneric(twin, x[:n], 1/scale)
			}
			for i := range n {
				if dst[i] != twin[i] {
					t.Fatalf("n=%d: q[%d] = %d, generic %d (x=%v)", n, i, dst[i], twin[i], x[i])
				}
			}
			for _, g := range dst[n:] {
				if g != 0 {
					t.Fatalf("n=%d: wrote past the row", n)
				}
			}
			// A static scale that the row exceeds saturates at ±127.
			s.QuantizeRowWithScale(dst[:n], x[:n], 1e-3)
			for i := range n {
				if want := int8(max(-127, min(127, math.RoundToEven(float64(x[i]*1e3))))); dst[i] != want {
					t.Fatalf("n=%d: saturated q[%d] = %d, want %d", n, i, dst[i], want)
				}
			}
		}
	})
}

// QuantizeRows must equal QuantizeRow on every row, including zero rows,
// for widths the SIMD version takes and widths it hands back, leaving the
// bytes after the last row alone.
func TestQuantizeRows(t *testing.T) {
	forEachSet(t, func(t *testing.T, s *Set) {
		rng := rand.New(rand.NewPCG(9, 10))
		for _, w := range []int{1, 16, 20, 32, 64, 80} {
			for _, rows := range []int{0, 1, 3, 8} {
				ld := w + 5
				src := randomRow(rng, rows*ld, 4)
				if rows > 1 {
					clear(src[ld : ld+w]) // a zero row
				}
				dst, scales := make([]int8, rows*w+4), make([]float32, rows+1)
				s.QuantizeRows(dst, scales, src, ld, rows, w)
				for r := range rows {
					want := make([]int8, w)
					scale := s.QuantizeRow(want, src[r*ld:r*ld+w])
					if scales[r] != scale || !slices.Equal(dst[r*w:(r+1)*w], want) {
						t.Fatalf("w=%d rows=%d: row %d scale %v %v, want %v %v", w, rows, r, scales[r], dst[r*w:(r+1)*w], scale, want)
					}
				}
				checkPastRows(t, dst, scales, rows, w)
			}
		}
	})
}

// QuantizeColumns quantizes a whole matrix column by column: checked against
// the generic set and the definition on every width up to 67 and several row
// counts, the gaps between rows (ld > width) holding NaN that must not reach
// a peak, nothing written past the scales or q's rows.
func TestQuantizeColumnsMatrix(t *testing.T) {
	forEachSet(t, func(t *testing.T, s *Set) {
		rng := rand.New(rand.NewPCG(9, 10))
		for w := range 68 {
			for _, rows := range []int{1, 2, 7} {
				ld := w + 3
				x := make([]float32, rows*ld)
				for i := range x {
					x[i] = float32(math.NaN())
					if i%ld < w {
						x[i] = (rng.Float32()*2 - 1) * float32(1+i%5)
					}
				}
				if w > 1 {
					x[1] = 0 // column 1 is all zero
					for r := 1; r < rows; r++ {
						x[r*ld+1] = 0
					}
				}
				q, scales, inv := make([]int8, rows*w+4), randomRow(rng, w, 1), make([]float32, w)
				s.QuantizeColumns(q[:rows*w], scales[:w], inv, x, ld, rows)
				checkGuard(t, scales, w)
				if !slices.Equal(q[rows*w:], make([]int8, 4)) {
					t.Fatalf("w=%d rows=%d: wrote past the last row", w, rows)
				}
				wantQ, wantS := make([]int8, rows*w), make([]float32, w)
				genericSet().QuantizeColumns(wantQ, wantS, make([]float32, w), x, ld, rows)
				for c := range w {
					var peak float32
					for r := range rows {
						peak = max(peak, abs32(x[r*ld+c]))
					}
					if scales[c] != wantS[c] || scales[c] != peak/127 {
						t.Fatalf("w=%d rows=%d: scale[%d] = %v, generic %v, want %v", w, rows, c, scales[c], wantS[c], peak/127)
					}
					for r := range rows {
						def := int8(0)
						if peak > 0 {
							def = int8(max(-127, min(127, math.RoundToEven(float64(x[r*ld+c]*(127/peak))))))
						}
						if got := q[r*w+c]; got != wantQ[r*w+c] || got != def {
							t.Fatalf("w=%d rows=%d: q[%d][%d] = %d, generic %d, want %d", w, rows, r, c, got, wantQ[r*w+c], def)
						}
					}
				}
			}
		}
	})
}

// ColumnPeaks and QuantizeRowScaled quantize a matrix column by column:
// checked against the generic set and against the definition, with ties
// and saturation, on every row length up to 40.
func TestQuantizeColumns(t *testing.T) {
	forEachSet(t, func(t *testing.T, s *Set) {
		rng := rand.New(rand.NewPCG(7, 8))
		for n := range 41 {
			rows := [][]float32{randomRow(rng, n, 3), randomRow(rng, n, 0.5), randomRow(rng, n, 9)}
			peaks, twin := randomRow(rng, n, 0), make([]float32, n)
			clear(peaks[:n])
			for _, r := range rows {
				s.ColumnPeaks(peaks[:n], r)
				genericSet().ColumnPeaks(twin, r[:n])
			}
			checkGuard(t, peaks, n)
			inv := make([]float32, n+1)
			for c := range n {
				want := max(abs32(rows[0][c]), abs32(rows[1][c]), abs32(rows[2][c]))
				if peaks[c] != want || twin[c] != want {
					t.Fatalf("n=%d: peak[%d] = %v (generic %v), want %v", n, c, peaks[c], twin[c], want)
				}
				inv[c] = 127 / want * float32(c%3) // 0: a zero column; 2: saturates
			}
			if n > 2 {
				rows[0][1], inv[1] = 2.5, 1 // a tie, rounded to even
			}
			for _, r := range rows {
				dst, want := make([]int8, n+4), make([]int8, n)
				s.QuantizeRowScaled(dst[:n], r[:n], inv[:n])
				genericSet().QuantizeRowScaled(want, r[:n], inv[:n])
				for c := range n {
					def := int8(max(-127, min(127, math.RoundToEven(float64(r[c]*inv[c])))))
					if dst[c] != want[c] || dst[c] != def {
						t.Fatalf("n=%d: q[%d] = %d, generic %d, want %d", n, c, dst[c], want[c], def)
					}
				}
				for _, g := range dst[n:] {
					if g != 0 {
						t.Fatalf("n=%d: wrote past the row", n)
					}
				}
			}
		}
	})
}

func TestLayerNorm(t *testing.T) {
	forEachSet(t, func(t *testing.T, s *Set) {
		rng := rand.New(rand.NewPCG(7, 8))
		for n := 1; n <= 40; n++ {
			for _, withResid := range []bool{false, true} {
				x := randomRow(rng, n, 4)
				resid, gamma, beta := randomRow(rng, n, 4), randomRow(rng, n, 2), randomRow(rng, n, 1)
				sum := make([]float64, n)
				var mean, variance float64
				for i := range n {
					sum[i] = float64(x[i])
					if withResid {
						sum[i] += float64(resid[i])
					}
					mean += sum[i] / float64(n)
				}
				for i := range n {
					variance += (sum[i] - mean) * (sum[i] - mean) / float64(n)
				}
				r := resid[:n]
				if !withResid {
					r = nil
				}
				s.LayerNorm(x[:n], r, gamma[:n], beta[:n], 1e-12)
				checkGuard(t, x, n)
				for i := range n {
					want := (sum[i]-mean)/math.Sqrt(variance+1e-12)*float64(gamma[i]) + float64(beta[i])
					if e := math.Abs(float64(x[i]) - want); e > 1e-5 {
						t.Fatalf("n=%d resid=%v: x[%d] = %v, want %v", n, withResid, i, x[i], want)
					}
				}
			}
		}
	})
}

// TestRowSumsMatchGeneric checks LayerNorm's and softmax's row reductions
// against the generic set on every multiple of 8 up to 200 (the share that
// SIMD versions take whole): AddSum exactly, as every set keeps the same 32
// partial sums, SqDevSum to rounding (a fused multiply-add may round
// once less), Max exactly.
func TestRowSumsMatchGeneric(t *testing.T) {
	generic := genericSet()
	forEachSet(t, func(t *testing.T, s *Set) {
		for n := 8; n <= 200; n += 8 {
			x, resid := make([]float32, n), make([]float32, n)
			for i := range x {
				x[i], resid[i] = float32(i%13)*0.37-2, float32(i%7)*0.11
			}
			x2 := slices.Clone(x)
			got, want := s.ops.AddSum(x, resid), generic.ops.AddSum(x2, resid)
			if got != want || !slices.Equal(x, x2) {
				t.Fatalf("n=%d: addSum %v, generic %v", n, got, want)
			}
			mean := want / float32(n)
			if got, want := s.ops.SqDevSum(x, mean), generic.ops.SqDevSum(x, mean); math.Abs(float64(got-want)) > 1e-5*float64(want) {
				t.Fatalf("n=%d: sqDevSum %v, generic %v", n, got, want)
			}
			if got, want := s.ops.Max(x), generic.ops.Max(x); got != want {
				t.Fatalf("n=%d: max %v, generic %v", n, got, want)
			}
		}
	})
}

func TestErf32(t *testing.T) {
	for x := float32(-6); x < 6; x += 0.00093 {
		if e := math.Abs(float64(erf32(x)) - math.Erf(float64(x))); e > 1e-6 {
			t.Fatalf("erf32(%v) error %g", x, e)
		}
	}
}

// BenchmarkVector times each vector op of every available set on a row of
// albert-base's hidden width, reporting ns per element in thread CPU time.
func BenchmarkVector(b *testing.B) {
	rng := rand.New(rand.NewPCG(13, 14))
	const n = 768
	x, resid, gamma, beta := randomRow(rng, n, 3)[:n], randomRow(rng, n, 3)[:n], randomRow(rng, n, 1)[:n], randomRow(rng, n, 1)[:n]
	work, q := make([]float32, n), make([]int8, n)
	inv := make([]float32, n)
	for i := range inv {
		inv[i] = 127 / (1 + float32(i%7))
	}
	for _, s := range Available() {
		for _, op := range []struct {
			name string
			run  func()
		}{
			{"maxAbs", func() { s.ops.MaxAbs(x) }},
			{"quantize", func() { s.ops.Quantize(q, x, 40) }},
			{"quantizeScaled", func() { s.ops.QuantizeScaled(q, x, inv) }},
			{"columnPeaks", func() { s.ops.ColumnPeaks(work, x) }},
			{"max", func() { s.ops.Max(x) }},
			{"expScaleSum", func() { copy(work, x); s.ops.ExpScaleSum(work, 0.5, 1) }},
			{"multiply", func() { s.ops.Multiply(work, 1) }},
			{"geluTanh", func() { copy(work, x); s.ops.GELUTanh(work) }},
			{"geluErf", func() { copy(work, x); s.ops.GELUErf(work) }},
			{"addSum", func() { copy(work, x); s.ops.AddSum(work, resid) }},
			{"sqDevSum", func() { s.ops.SqDevSum(x, 0.25) }},
			{"normalize", func() { copy(work, x); s.ops.Normalize(work, gamma, beta, 0.25, 0.5) }},
		} {
			b.Run(op.name+"/"+s.Name, func(b *testing.B) {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				sw := cputime.Start()
				for b.Loop() {
					op.run()
				}
				b.ReportMetric(float64(sw.Elapsed().Nanoseconds())/float64(b.N)/n, "cpu-ns/elem")
			})
		}
	}
}

// TestPortableMatchesGeneric checks every vector op the portable tier
// implements against the generic one bit for bit (see matchesGeneric).
func TestPortableMatchesGeneric(t *testing.T) {
	p := sets[len(sets)-2]
	if p.Name != "portable" {
		t.Fatalf("the set before generic is %s, want portable", p.Name)
	}
	matchesGeneric(t, p, true)
}

// matchesGeneric checks the vector ops of p against the generic ones bit
// for bit (a NaN against a NaN) on every length from 0 to 70, on rows that
// mix ordinary values with zeros of both signs, infinities, NaNs, rounding
// ties and values past ±127; expScaleSum's sum only to 1e-6 unless
// sumExact (a SIMD version adds in lanes).
func matchesGeneric(t *testing.T, p *Set, sumExact bool) {
	g := genericSet()
	rng := rand.New(rand.NewPCG(15, 16))
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 2.5, -0.5, 127.5, -300, 88.5, -90}
	row := func(n int, withSpecial bool) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = (rng.Float32()*2 - 1) * 20
			if withSpecial && rng.IntN(4) == 0 {
				x[i] = special[rng.IntN(len(special))]
			}
		}
		return x
	}
	same := func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b }
	sameRows := func(a, b []float32) bool {
		for i := range a {
			if !same(a[i], b[i]) {
				return false
			}
		}
		return true
	}
	for n := range 71 {
		for _, withSpecial := range []bool{false, true} {
			x, y := row(n, withSpecial), row(n, false)
			inv := row(n, false)
			fail := func(op string, got, want any) {
				t.Fatalf("n=%d special=%v: %s: portable %v, generic %v (x=%v)", n, withSpecial, op, got, want, x)
			}
			if a, b := p.ops.MaxAbs(x), g.ops.MaxAbs(x); !same(a, b) {
				fail("maxAbs", a, b)
			}
			if n > 0 {
				if a, b := p.ops.Max(x), g.ops.Max(x); !same(a, b) {
					fail("max", a, b)
				}
			}
			q1, q2 := make([]int8, n), make([]int8, n)
			p.ops.Quantize(q1, x, 3.5)
			g.ops.Quantize(q2, x, 3.5)
			if !slices.Equal(q1, q2) {
				fail("quantize", q1, q2)
			}
			p.ops.QuantizeScaled(q1, x, inv)
			g.ops.QuantizeScaled(q2, x, inv)
			if !slices.Equal(q1, q2) {
				fail("quantizeScaled", q1, q2)
			}
			pk1, pk2 := slices.Clone(y), slices.Clone(y)
			for i := range pk1 {
				pk1[i], pk2[i] = abs32(pk1[i]), abs32(pk2[i])
			}
			p.ops.ColumnPeaks(pk1, x)
			g.ops.ColumnPeaks(pk2, x)
			if !sameRows(pk1, pk2) {
				fail("columnPeaks", pk1, pk2)
			}
			e1, e2 := slices.Clone(x), slices.Clone(x)
			a, b := p.ops.ExpScaleSum(e1, 0.7, 1.5), g.ops.ExpScaleSum(e2, 0.7, 1.5)
			if !sameRows(e1, e2) || !same(a, b) && (sumExact || !(relErr(float64(a), float64(b)) <= 1e-6)) {
				fail("expScaleSum", e1, e2)
			}
			e1, e2 = slices.Clone(x), slices.Clone(x)
			p.ops.GELUTanh(e1)
			g.ops.GELUTanh(e2)
			if !sameRows(e1, e2) {
				fail("geluTanh", e1, e2)
			}
			e1, e2 = slices.Clone(x), slices.Clone(x)
			p.ops.GELUErf(e1)
			g.ops.GELUErf(e2)
			if !sameRows(e1, e2) {
				fail("geluErf", e1, e2)
			}
			for _, resid := range [][]float32{nil, y} {
				e1, e2 = slices.Clone(x), slices.Clone(x)
				if a, b := p.ops.AddSum(e1, resid), g.ops.AddSum(e2, resid); !same(a, b) || !sameRows(e1, e2) {
					fail("addSum", a, b)
				}
			}
			if a, b := p.ops.SqDevSum(x, 0.3), g.ops.SqDevSum(x, 0.3); !same(a, b) {
				fail("sqDevSum", a, b)
			}
			e1, e2 = slices.Clone(x), slices.Clone(x)
			p.ops.Normalize(e1, y, inv, 0.3, 1.7)
			g.ops.Normalize(e2, y, inv, 0.3, 1.7)
			if !sameRows(e1, e2) {
				fail("normalize", e1, e2)
			}
		}
	}
}
