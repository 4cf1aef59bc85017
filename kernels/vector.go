package kernels

import (
	"math"

	"github.com/albertq/albertq/internal/q8"
)

// The vector work between the GEMMs: row quantization, softmax, GELU and
// LayerNorm, as methods of a Set made of its ops, and the ops' pure-Go
// versions (the generic tier's).

// QuantizeRow writes src as symmetric int8 into dst (q = round(x·127/max|x|),
// in [-127, 127]) and returns the scale max|x|/127 that maps q back to x. A
// row of zeros gets scale 0 and zeros.
func (s *Set) QuantizeRow(dst []int8, src []float32) float32 {
	peak := s.ops.MaxAbs(src)
	if peak == 0 {
		clear(dst[:len(src)])
		return 0
	}
	s.QuantizeRowWithScale(dst, src, peak/127)
	return peak / 127
}

// QuantizeRows is QuantizeRow on each of rows rows of width w, row r at
// src[r*ld:], into dst[r*w:] with its scale in scales[r]: one call for the
// many short rows of attention's queries and keys.
func (s *Set) QuantizeRows(dst []int8, scales, src []float32, ld, rows, w int) {
	s.ops.QuantizeRows(s, dst, scales, src, ld, rows, w)
}

// quantizeRowsGeneric is QuantizeRows row by row.
func quantizeRowsGeneric(s *Set, dst []int8, scales, src []float32, ld, rows, w int) {
	for r := range rows {
		scales[r] = s.QuantizeRow(dst[r*w:(r+1)*w], src[r*ld:r*ld+w])
	}
}

// QuantizeRowWithScale writes round(x/scale) (to nearest, ties to even)
// clamped to [-127, 127] (a static, calibrated scale may be exceeded);
// scale must be > 0.
func (s *Set) QuantizeRowWithScale(dst []int8, src []float32, scale float32) {
	s.ops.Quantize(dst[:len(src)], src, 1/scale)
}

// ColumnPeaks sets peaks[c] = max(peaks[c], |x[c]|) for every c of peaks:
// run on each row of a matrix (peaks zeroed first), it leaves each column's
// largest magnitude, for QuantizeRowScaled.
func (s *Set) ColumnPeaks(peaks, x []float32) { s.ops.ColumnPeaks(peaks, x[:len(peaks)]) }

// QuantizeRowScaled writes round(x[c]·inv[c]) (to nearest, ties to even)
// clamped to [-127, 127]: a row of a matrix quantized with one scale per
// column, inv[c] = 1/scale[c].
func (s *Set) QuantizeRowScaled(dst []int8, x, inv []float32) {
	s.ops.QuantizeScaled(dst[:len(x)], x, inv[:len(x)])
}

// QuantizeColumns quantizes the rows×len(scales) matrix x (row r at
// x[r*ld:]) into q (row r at q[r*len(scales):]) with one scale per column,
// max|column|/127, set in scales; inv, as long as scales, is scratch. It is
// ColumnPeaks and QuantizeRowScaled on every row, in one call for the whole
// matrix (attention's values: 64 columns, one call per row would cost as
// much as the work).
func (s *Set) QuantizeColumns(q []int8, scales, inv, x []float32, ld, rows int) {
	if rows > 0 {
		s.ops.QuantizeColumns(s, q[:rows*len(scales)], scales, inv[:len(scales)], x[:(rows-1)*ld+len(scales)], ld, rows)
	}
}

// quantizeColumnsGeneric is QuantizeColumns row by row.
func quantizeColumnsGeneric(s *Set, q []int8, scales, inv, x []float32, ld, rows int) {
	w := len(scales)
	clear(scales)
	for r := range rows {
		s.ops.ColumnPeaks(scales, x[r*ld:r*ld+w])
	}
	columnScales(scales, inv)
	for r := range rows {
		s.ops.QuantizeScaled(q[r*w:(r+1)*w], x[r*ld:r*ld+w], inv)
	}
}

// columnScales turns each column's peak into its scale, peak/127, and sets
// inv to the scales' inverses (0 for an all-zero column).
func columnScales(scales, inv []float32) {
	for c, peak := range scales {
		scales[c], inv[c] = peak/127, 0
		if peak > 0 {
			inv[c] = 127 / peak
		}
	}
}

// Softmax turns row into softmax(scale·row) in place.
func (s *Set) Softmax(row []float32, scale float32) {
	if len(row) == 0 {
		return
	}
	s.ops.Multiply(row, 1/s.SoftmaxNumerators(row, scale))
}

// SoftmaxNumerators sets row[i] = exp(scale·(row[i] - max(row))) and returns
// their sum: softmax without the division, for a caller that divides
// something smaller (attention divides each context row instead of each
// row of scores). The row must not be empty.
func (s *Set) SoftmaxNumerators(row []float32, scale float32) float32 {
	return s.ops.ExpScaleSum(row, scale, s.ops.Max(row)*scale)
}

// SoftmaxQuantize is SoftmaxNumerators on each of rows rows of x (width w)
// with the numerators, which peak at exactly 1, written as int8 on the
// fixed scale 1/127 into q (q = round(127·e)); sums gets each row's sum of
// the numerators. It feeds attention's probabilities to the int8 kernel
// without a float pass between where it can (AVX-512); x is scratch, its
// contents afterwards unspecified.
func (s *Set) SoftmaxQuantize(q []int8, sums, x []float32, rows, w int, scale float32) {
	s.ops.SoftmaxQuantize(s, q, sums, x, rows, w, scale)
}

// softmaxQuantizeGeneric is SoftmaxQuantize row by row: the numerators over
// x, then quantized.
func softmaxQuantizeGeneric(s *Set, q []int8, sums, x []float32, rows, w int, scale float32) {
	for r := range rows {
		row := x[r*w : (r+1)*w]
		sums[r] = s.SoftmaxNumerators(row, scale)
		s.ops.Quantize(q[r*w:(r+1)*w], row, 127)
	}
}

// Multiply multiplies x by the factor by in place.
func (s *Set) Multiply(x []float32, by float32) { s.ops.Multiply(x, by) }

// GELUTanh applies gelu_new, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), in
// place, computed as x·sigmoid(2u) = x / (1 + exp(-2u)) with a float32 exp
// (relative error a few ulp, and no cancellation for negative x).
func (s *Set) GELUTanh(x []float32) { s.ops.GELUTanh(x) }

// GELUErf applies gelu, the exact form 0.5·x·(1 + erf(x/√2)), in place,
// with a float32 erf (a rational function of x, absolute error below 1e-6:
// see erf32).
func (s *Set) GELUErf(x []float32) { s.ops.GELUErf(x) }

// LayerNorm sets x = (x + resid - mean)/√(var + eps)·gamma + beta over the
// row x, mean and variance taken of x + resid (post-LN's residual add and
// norm in one pass over the row while it is in cache); resid may be nil.
// Sums are float32 in 32 lanes, two-pass for the variance.
func (s *Set) LayerNorm(x, resid, gamma, beta []float32, eps float32) {
	n := len(x)
	if n == 0 {
		return
	}
	if resid != nil {
		resid = resid[:n]
	}
	gamma, beta = gamma[:n], beta[:n]
	mean := s.ops.AddSum(x, resid) / float32(n)
	variance := s.ops.SqDevSum(x, mean) / float32(n)
	inv := float32(1 / math.Sqrt(float64(variance+eps)))
	s.ops.Normalize(x, gamma, beta, mean, inv)
}

// addSumGeneric adds resid (if not nil) into x and returns the sum of x,
// element i in partial sum i%32 as the SIMD version keeps them.
func addSumGeneric(x, resid []float32) float32 {
	var lanes [32]float32
	for i := range x {
		if resid != nil {
			x[i] += resid[i]
		}
		lanes[i%32] += x[i]
	}
	return sumLanes32(&lanes)
}

// sqDevSumGeneric is Σ (x - mean)², in partial sums like addSumGeneric.
func sqDevSumGeneric(x []float32, mean float32) float32 {
	var lanes [32]float32
	for i, v := range x {
		d := v - mean
		lanes[i%32] += d * d
	}
	return sumLanes32(&lanes)
}

// sumLanes32 folds 32 partial sums in the SIMD version's order: four
// vectors of eight as (v0+v2)+(v1+v3), then the eight lanes.
func sumLanes32(l *[32]float32) float32 {
	var l8 [8]float32
	for j := range l8 {
		l8[j] = (l[j] + l[j+16]) + (l[j+8] + l[j+24])
	}
	return sumLanes(&l8)
}

func sumLanes(l *[8]float32) float32 {
	return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]))
}

// normalizeGeneric sets x = (x - mean)·inv·gamma + beta.
func normalizeGeneric(x, gamma, beta []float32, mean, inv float32) {
	for i, v := range x {
		x[i] = (v-mean)*inv*gamma[i] + beta[i]
	}
}

// maxGeneric is the largest element of a non-empty x.
func maxGeneric(x []float32) float32 {
	peak := x[0]
	for _, v := range x {
		peak = max(peak, v)
	}
	return peak
}

// maxAbsGeneric is max |x| over x (0 for an empty x).
func maxAbsGeneric(x []float32) float32 {
	var peak float32
	for _, v := range x {
		peak = max(peak, abs32(v))
	}
	return peak
}

// quantizeGeneric writes round(x·inv) clamped to [-127, 127].
func quantizeGeneric(dst []int8, src []float32, inv float32) {
	for i, x := range src {
		dst[i] = q8.Round(float64(x * inv))
	}
}

// quantizeScaledGeneric is QuantizeRowScaled in pure Go.
func quantizeScaledGeneric(dst []int8, src, inv []float32) {
	for i, x := range src {
		dst[i] = q8.Round(float64(x * inv[i]))
	}
}

// columnPeaksGeneric is ColumnPeaks in pure Go.
func columnPeaksGeneric(peaks, x []float32) {
	for i, v := range x {
		peaks[i] = max(peaks[i], abs32(v))
	}
}

// expScaleSumGeneric sets x[i] = exp(x[i]·scale - shift) and returns the sum.
func expScaleSumGeneric(x []float32, scale, shift float32) float32 {
	var sum float32
	for i, v := range x {
		e := exp32(v*scale - shift)
		x[i] = e
		sum += e
	}
	return sum
}

// geluTanhGeneric is GELUTanh in pure Go.
func geluTanhGeneric(x []float32) {
	for i, v := range x {
		x[i] = v / (1 + exp32(v*(geluA+geluB*v*v)))
	}
}

// geluErfGeneric is GELUErf in pure Go.
func geluErfGeneric(x []float32) {
	for i, v := range x {
		x[i] = 0.5 * v * (1 + erf32(v*(1/math.Sqrt2)))
	}
}

// erf32 is erf in float32: x clamped to [-4, 4] (erf is ±1 in float32
// beyond), then erfRational.
func erf32(x float32) float32 { return erfRational(min(max(x, -4), 4)) }

// erfRational is x·P(x²)/Q(x²) for x in [-4, 4], P of degree 6 and Q of
// degree 4, the rational approximation Eigen and XLA use for float32
// (absolute error below 1e-6, TestErf32).
func erfRational(x float32) float32 {
	x2 := x * x
	p := x2*erfA13 + erfA11
	p = p*x2 + erfA9
	p = p*x2 + erfA7
	p = p*x2 + erfA5
	p = p*x2 + erfA3
	p = p*x2 + erfA1
	q := x2*erfB8 + erfB6
	q = q*x2 + erfB4
	q = q*x2 + erfB2
	q = q*x2 + erfB0
	return x * p / q
}

// erf32's coefficients: P's (of x, x³, ... x¹³) and Q's (of 1, x², ... x⁸).
const (
	erfA1  = -1.60960333262415e-02
	erfA3  = -2.95459980854025e-03
	erfA5  = -7.34990630326855e-04
	erfA7  = -5.69250639462346e-05
	erfA9  = -2.10102402082508e-06
	erfA11 = 2.77068142495902e-08
	erfA13 = -2.72614225801306e-10
	erfB0  = -1.42647390514189e-02
	erfB2  = -7.37332916720468e-03
	erfB4  = -1.68282697438203e-03
	erfB6  = -2.13374055278905e-04
	erfB8  = -1.45660718464996e-05
)

// multiplyGeneric multiplies x by the factor by.
func multiplyGeneric(x []float32, by float32) {
	for i := range x {
		x[i] *= by
	}
}

// The GELU exponent: -2u = x·(geluA + geluB·x²), u = √(2/π)·(x + 0.044715·x³).
const (
	geluA = -2 * 0.7978845608028654
	geluB = -2 * 0.7978845608028654 * 0.044715
)

// The float32 exp: x = n·ln2 + r with |r| ≤ ln2/2, exp(r) by a degree-6
// polynomial (Cephes expf's coefficients), times 2ⁿ built in the exponent
// bits. Arguments are clamped to [expLo, expHi] so 2ⁿ stays a normal float.
const (
	expLo    = -87.3
	expHi    = 88.0
	log2e    = 1.44269504088896341
	ln2Hi    = 0.693359375
	ln2Lo    = -2.12194440e-4
	expPoly0 = 1.9875691500e-4
	expPoly1 = 1.3981999507e-3
	expPoly2 = 8.3334519073e-3
	expPoly3 = 4.1665795894e-2
	expPoly4 = 1.6666665459e-1
	expPoly5 = 5.0000001201e-1
)

// exp32 is the float32 exp the SIMD versions compute, step for step. The
// clamp lets NaN through; n = x·log2e rounded to an integer, ties to even,
// by the roundMagic addition (|x·log2e| < 128), which needs no float64 call;
// the explicit conversion keeps the product from being fused into that
// addition where the compiler fuses (arm64 and others).
func exp32(x float32) float32 {
	if x < expLo {
		x = expLo
	} else if x > expHi {
		x = expHi
	}
	t := float32(x * log2e)
	return expReduced(x, (t+roundMagic)-roundMagic)
}

// roundMagic is 1.5·2²³: for |t| < 2²², (t + roundMagic) - roundMagic is t
// rounded to an integer, ties to even, as float32 addition rounds (the
// integers past 2²³ are one apart).
const roundMagic = 12582912

// expReduced is exp32 of a clamped x given n = round(x·log2e): exp(r) for
// r = x - n·ln2 by the polynomial, times 2ⁿ.
func expReduced(x, n float32) float32 {
	r := x - n*ln2Hi
	r -= n * ln2Lo
	p := float32(expPoly0)
	p = p*r + expPoly1
	p = p*r + expPoly2
	p = p*r + expPoly3
	p = p*r + expPoly4
	p = p*r + expPoly5
	p = p*r*r + r + 1
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }
