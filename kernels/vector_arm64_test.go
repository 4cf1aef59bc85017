//go:build !purego

package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The NEON vector functions mirror what the Go compiler emits for their
// twins on arm64, fused multiply-adds included, so they must agree with the
// twins bit for bit: on every length from 0 to 100 and the BERT widths (the
// NEON bodies and the Go tails), with ties, saturation, zeros, both
// zeros' signs and exp's clamps in the data.

var neonLengths = append(rangeInts(101), 128, 768, 3072)

func rangeInts(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// awkwardRow is a random row of n values of the given spread with special
// values mixed in: zeros of both signs, exact ties of x·127/spread, and
// values far outside the spread.
func awkwardRow(rng *rand.Rand, n int, spread float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		switch rng.IntN(12) {
		case 0:
			x[i] = 0
		case 1:
			x[i] = float32(math.Copysign(0, -1))
		case 2:
			x[i] = (float32(rng.IntN(254)-127) + 0.5) * spread / 127 // a tie of round(x·127/spread)
		case 3:
			x[i] = (rng.Float32()*2 - 1) * spread * 1000
		default:
			x[i] = (rng.Float32()*2 - 1) * spread
		}
	}
	return x
}

func sameBits(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	return -1
}

// neonSet is the neon tier's set; every arm64 set shares its vector ops.
func neonSet(t *testing.T) *Set {
	s, err := Select("neon")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func neonOps(t *testing.T) *ops { return &neonSet(t).ops }

func TestNEONVectorMatchesTwinsBitForBit(t *testing.T) {
	o := neonOps(t)
	rng := rand.New(rand.NewPCG(21, 22))
	for _, n := range neonLengths {
		x := awkwardRow(rng, n, 3)
		if got, want := o.MaxAbs(x), maxAbsGeneric(x); math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("n=%d: maxAbs %v, twin %v", n, got, want)
		}
		if n > 0 {
			if got, want := o.Max(x), maxGeneric(x); math.Float32bits(got) != math.Float32bits(want) {
				t.Fatalf("n=%d: max %v, twin %v", n, got, want)
			}
		}
		for _, inv := range []float32{127 / 3.0, 1e3, 0.5} {
			q, qt := make([]int8, n+3), make([]int8, n+3)
			o.Quantize(q[:n], x, inv)
			quantizeGeneric(qt[:n], x, inv)
			if !slices.Equal(q, qt) {
				t.Fatalf("n=%d inv=%v: quantize %v, twin %v", n, inv, q, qt)
			}
		}
		invs := awkwardRow(rng, n, 60)
		for i := range invs {
			invs[i] = float32(math.Abs(float64(invs[i])))
		}
		q, qt := make([]int8, n+3), make([]int8, n+3)
		o.QuantizeScaled(q[:n], x, invs)
		quantizeScaledGeneric(qt[:n], x, invs)
		if !slices.Equal(q, qt) {
			t.Fatalf("n=%d: quantizeScaled %v, twin %v", n, q, qt)
		}
		peaks, peaksT := awkwardRow(rng, n, 2), make([]float32, n)
		for i := range peaks {
			peaks[i] = abs32(peaks[i])
		}
		copy(peaksT, peaks)
		o.ColumnPeaks(peaks, x)
		columnPeaksGeneric(peaksT, x)
		if i := sameBits(peaks, peaksT); i >= 0 {
			t.Fatalf("n=%d: columnPeaks[%d] %v, twin %v", n, i, peaks[i], peaksT[i])
		}
		checkSame := func(name string, f, twin func(x []float32)) {
			t.Helper()
			a, b := slices.Clone(x), slices.Clone(x)
			f(a)
			twin(b)
			if i := sameBits(a, b); i >= 0 {
				t.Fatalf("n=%d: %s(%v)[%d] = %v, twin %v", n, name, x[i], i, a[i], b[i])
			}
		}
		checkSame("multiply", func(x []float32) { o.Multiply(x, 0.37) }, func(x []float32) { multiplyGeneric(x, 0.37) })
		wide := awkwardRow(rng, n, 20) // GELU's exp argument crosses both clamps
		x = wide
		checkSame("geluTanh", o.GELUTanh, geluTanhGeneric)
		checkSame("geluErf", o.GELUErf, geluErfGeneric) // x/√2 crosses erf32's clamps at ±4
		if n > 2 {
			x = slices.Clone(wide)
			x[0], x[n/2], x[n-1] = float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())
			checkSame("geluErf", o.GELUErf, geluErfGeneric)
			x = wide
		}
		gamma, beta := awkwardRow(rng, n, 2), awkwardRow(rng, n, 1)
		checkSame("normalize", func(x []float32) { o.Normalize(x, gamma, beta, 0.3, 1.7) },
			func(x []float32) { normalizeGeneric(x, gamma, beta, 0.3, 1.7) })
		for _, resid := range [][]float32{nil, awkwardRow(rng, n, 3)} {
			a, b := slices.Clone(x), slices.Clone(x)
			sa, sb := o.AddSum(a, resid), addSumGeneric(b, resid)
			if i := sameBits(a, b); i >= 0 || math.Float32bits(sa) != math.Float32bits(sb) {
				t.Fatalf("n=%d resid=%v: addSum %v, twin %v", n, resid != nil, sa, sb)
			}
		}
		if got, want := o.SqDevSum(x, 0.7), sqDevSumGeneric(x, 0.7); math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("n=%d: sqDevSum %v, twin %v", n, got, want)
		}
		// exp's argument x·scale - shift, in the softmax range (shift the
		// largest x·scale) and beyond both clamps.
		for _, shift := range []float32{maxGeneric(append([]float32{0}, x...)) * 4, -100, 100} {
			a, b := slices.Clone(x), slices.Clone(x)
			o.ExpScaleSum(a, 4, shift)
			expScaleSumGeneric(b, 4, shift)
			if i := sameBits(a, b); i >= 0 {
				t.Fatalf("n=%d shift=%v: exp(%v·4 - shift) = %v, twin %v", n, shift, x[i], a[i], b[i])
			}
		}
	}
}

// SoftmaxQuantize and QuantizeRows: the quantized rows bit for bit; the
// softmax sums add the same w positive terms in another order (four lanes
// against the twin's one), which bounds their difference by 2(w-1) units
// of float32 rounding (2⁻²⁴) of the sum.
func TestNEONRowsMatchTwins(t *testing.T) {
	neon, generic := neonSet(t), genericSet()
	rng := rand.New(rand.NewPCG(23, 24))
	for _, w := range []int{16, 17, 48, 64, 128, 131} {
		for _, rows := range []int{0, 1, 5} {
			x := awkwardRow(rng, rows*w, 9)
			q, qt := make([]int8, rows*w+4), make([]int8, rows*w+4)
			sums, sumsT := make([]float32, rows+1), make([]float32, rows+1)
			neon.SoftmaxQuantize(q, sums, slices.Clone(x), rows, w, 0.3)
			generic.SoftmaxQuantize(qt, sumsT, slices.Clone(x), rows, w, 0.3)
			if !slices.Equal(q, qt) {
				t.Fatalf("w=%d rows=%d: softmaxQuantize %v, twin %v", w, rows, q, qt)
			}
			for r := range rows + 1 {
				if relErr(float64(sums[r]), float64(sumsT[r])) > 2*float64(w-1)*0x1p-24 {
					t.Fatalf("w=%d rows=%d: sum[%d] %v, twin %v", w, rows, r, sums[r], sumsT[r])
				}
			}
			ld := w + 3
			src := awkwardRow(rng, rows*ld, 5)
			if rows > 1 {
				clear(src[ld : ld+w])
			}
			scales, scalesT := make([]float32, rows+1), make([]float32, rows+1)
			neon.QuantizeRows(q, scales, src, ld, rows, w)
			generic.QuantizeRows(qt, scalesT, src, ld, rows, w)
			if !slices.Equal(q, qt) || sameBits(scales, scalesT) >= 0 {
				t.Fatalf("w=%d rows=%d: quantizeRows %v %v, twin %v %v", w, rows, scales, q, scalesT, qt)
			}
		}
	}
}
