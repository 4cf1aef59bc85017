package quant

import (
	"math"
	"testing"
)

func TestMetrics(t *testing.T) {
	near := func(got, want float64) bool { return math.Abs(got-want) < 1e-9 }
	a := []float32{1, 2, 3}
	if c := Cosine(a, a); !near(c, 1) {
		t.Errorf("Cosine(a, a) = %v", c)
	}
	if c := Cosine(a, []float32{-1, -2, -3}); !near(c, -1) {
		t.Errorf("Cosine(a, -a) = %v", c)
	}
	if c := Cosine([]float32{1, 0}, []float32{0, 5}); !near(c, 0) {
		t.Errorf("orthogonal Cosine = %v", c)
	}
	if c := Cosine([]float32{0, 0}, []float32{0, 0}); c != 1 {
		t.Errorf("Cosine of zero vectors = %v, want 1", c)
	}
	if c := Cosine([]float32{0, 0}, []float32{0, 1}); c != 0 {
		t.Errorf("Cosine of zero and non-zero = %v, want 0", c)
	}
	if e := MaxAbsError(a, []float32{1, 2.5, 2}); !near(e, 1) {
		t.Errorf("MaxAbsError = %v, want 1", e)
	}
	if s := SNRdB([]float32{1, 1}, []float32{1.1, 0.9}); math.Abs(s-20) > 1e-5 {
		t.Errorf("SNRdB = %v, want 20", s)
	}
	if s := SNRdB(a, a); !math.IsInf(s, 1) {
		t.Errorf("SNRdB of identical = %v, want +Inf", s)
	}
	for name, v := range map[string]float64{
		"Cosine":      Cosine(a, a[:2]),
		"MaxAbsError": MaxAbsError(a, a[:2]),
		"SNRdB":       SNRdB(a, a[:2]),
	} {
		if !math.IsNaN(v) {
			t.Errorf("%s of different lengths = %v, want NaN", name, v)
		}
	}
}

// An 8-bit symmetric quantizer of Gaussian data lands near the textbook SNR
// and a cosine very close to 1.
func TestMetricsOnQuantizedData(t *testing.T) {
	x := randomMatrix(1, 4096, 3)
	q, s := QuantizeMatrix(x, 1, true)
	y := DequantizeMatrix(q, s)
	if snr := SNRdB(x, y); snr < 30 || snr > 45 {
		t.Errorf("SNR of int8 Gaussian = %.1f dB, want 30..45", snr)
	}
	if c := Cosine(x, y); c < 0.999 {
		t.Errorf("cosine = %v, want > 0.999", c)
	}
}
