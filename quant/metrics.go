package quant

import "math"

// Cosine is the cosine similarity of a and b, computed in float64. Two zero
// vectors are identical (1); one zero vector against a non-zero one gives 0.
// Vectors of different lengths give NaN.
func Cosine(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.NaN()
	}
	var dot, na, nb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
	}
	switch {
	case na == 0 && nb == 0:
		return 1
	case na == 0 || nb == 0:
		return 0
	}
	return dot / (math.Sqrt(na) * math.Sqrt(nb))
}

// MaxAbsError is max |a[i]-b[i]|, or NaN if the lengths differ.
func MaxAbsError(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.NaN()
	}
	var m float64
	for i := range a {
		d := math.Abs(float64(a[i]) - float64(b[i]))
		if d > m || d != d {
			m = d
		}
	}
	return m
}

// SNRdB is the signal-to-noise ratio of got against the reference ref in
// decibels, 10·log10(Σref² / Σ(ref-got)²): +Inf when got equals ref, NaN if
// the lengths differ. Each bit of a uniform quantizer adds about 6 dB.
func SNRdB(ref, got []float32) float64 {
	if len(ref) != len(got) {
		return math.NaN()
	}
	var signal, noise float64
	for i := range ref {
		r := float64(ref[i])
		d := r - float64(got[i])
		signal += r * r
		noise += d * d
	}
	if noise == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(signal/noise)
}
