//go:build !purego

package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAVX2RowsMatchRowByRow checks the avx2 set's one-call SoftmaxQuantize
// and QuantizeRows against the same set's ops row by row (softmaxQuantizeGeneric
// and quantizeRowsGeneric on it) bit for bit, sums and scales included, for
// widths the assembly takes (multiples of 8) and widths it hands back, with
// zero rows and NaN past a row's stride, writing nothing past the
// last row.
func TestAVX2RowsMatchRowByRow(t *testing.T) {
	s, err := Select("avx2")
	if err != nil {
		t.Skip("no AVX2 here")
	}
	rng := rand.New(rand.NewPCG(31, 32))
	for _, w := range []int{1, 8, 16, 17, 24, 40, 64, 128, 131, 256} {
		for _, rows := range []int{0, 1, 2, 5} {
			x := randomRow(rng, rows*w, 9)
			if rows > 1 {
				x[w] = x[0] // a row whose max comes twice
			}
			q, qt := make([]int8, rows*w+4), make([]int8, rows*w+4)
			sums, sumsT := make([]float32, rows+1), make([]float32, rows+1)
			s.SoftmaxQuantize(q, sums, slices.Clone(x), rows, w, 0.3)
			softmaxQuantizeGeneric(s, qt, sumsT, slices.Clone(x), rows, w, 0.3)
			if !slices.Equal(q, qt) || !sameFloats(sums, sumsT) {
				t.Fatalf("w=%d rows=%d: softmaxQuantize %v %v, row by row %v %v", w, rows, sums, q, sumsT, qt)
			}
			checkPastRows(t, q, sums, rows, w)

			ld := w + 3
			src := randomRow(rng, rows*ld, 5)
			for i := w; i < len(src); i += ld {
				src[i] = float32(math.NaN()) // between rows: must not reach a scale
			}
			if rows > 1 {
				clear(src[ld : ld+w]) // a zero row
			}
			scales, scalesT := make([]float32, rows+1), make([]float32, rows+1)
			s.QuantizeRows(q, scales, src, ld, rows, w)
			quantizeRowsGeneric(s, qt, scalesT, src, ld, rows, w)
			if !slices.Equal(q, qt) || !sameFloats(scales, scalesT) {
				t.Fatalf("w=%d rows=%d: quantizeRows %v %v, row by row %v %v", w, rows, scales, q, scalesT, qt)
			}
			checkPastRows(t, q, scales, rows, w)
		}
	}
}

// sameFloats reports whether a and b hold the same bits.
func sameFloats(a, b []float32) bool {
	return slices.EqualFunc(a, b, func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) })
}
