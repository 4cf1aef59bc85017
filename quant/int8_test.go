package quant

import (
	"math"
	"math/rand/v2"
	"testing"
)

func randomMatrix(rows, cols int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, rows*cols)
	for i := range x {
		// Rows of very different magnitude, as in real weights.
		x[i] = float32(r.NormFloat64()) * float32(1+i/cols)
	}
	return x
}

// Every element comes back within half a quantization step of its row's scale.
func TestQuantizeMatrixRoundTrip(t *testing.T) {
	const rows, cols = 17, 33
	x := randomMatrix(rows, cols, 1)
	for _, perTensor := range []bool{false, true} {
		q, scales := QuantizeMatrix(x, rows, perTensor)
		if want := map[bool]int{false: rows, true: 1}[perTensor]; len(scales) != want {
			t.Fatalf("perTensor=%v: %d scales, want %d", perTensor, len(scales), want)
		}
		got := DequantizeMatrix(q, scales)
		for i := range x {
			s := scales[0]
			if !perTensor {
				s = scales[i/cols]
			}
			if err := math.Abs(float64(x[i] - got[i])); err > float64(s)/2*(1+1e-6) {
				t.Fatalf("perTensor=%v: element %d: %g -> %g, error %g > scale/2 = %g", perTensor, i, x[i], got[i], err, s/2)
			}
			if q[i] == -128 {
				t.Fatalf("element %d quantized to -128", i)
			}
		}
	}
}

// The largest magnitude of each row maps to exactly ±127.
func TestQuantizePeakIs127(t *testing.T) {
	x := []float32{0.5, -3, 1, 2, 7, -1}
	q, scales := QuantizeMatrix(x, 2, false)
	if q[1] != -127 || q[4] != 127 {
		t.Fatalf("q = %v, want -127 at 1 and 127 at 4", q)
	}
	if scales[0] != 3.0/127 || scales[1] != 7.0/127 {
		t.Fatalf("scales = %v", scales)
	}
}

// A scale smaller than max|x|/127 (a static activation scale) clamps to ±127.
func TestQuantizeWithScaleClamps(t *testing.T) {
	x := []float32{1000, -1000, 127.4, -127.6, float32(math.Inf(1)), float32(math.Inf(-1))}
	q := make([]int8, len(x))
	QuantizeWithScale(q, x, 1)
	want := []int8{127, -127, 127, -127, 127, -127}
	for i := range want {
		if q[i] != want[i] {
			t.Fatalf("q = %v, want %v", q, want)
		}
	}
}

func TestQuantizeRoundsHalfToEven(t *testing.T) {
	x := []float32{0.5, 1.5, 2.5, -0.5, -1.5, -2.5}
	q := make([]int8, len(x))
	QuantizeWithScale(q, x, 1)
	want := []int8{0, 2, 2, 0, -2, -2}
	for i := range want {
		if q[i] != want[i] {
			t.Fatalf("q = %v, want %v", q, want)
		}
	}
}

// Zero rows, rows whose scale underflows and tiny subnormal rows give finite
// results.
func TestQuantizeZeroAndTinyRows(t *testing.T) {
	tiny := math.Float32frombits(1) // smallest subnormal: max/127 underflows to 0
	x := []float32{0, 0, 0, tiny, -tiny, 0, 1e-40, -1e-40, 5e-41}
	q, scales := QuantizeMatrix(x, 3, false)
	if scales[0] != 0 || scales[1] != 0 {
		t.Fatalf("scales = %v, want 0 for the zero and underflowing rows", scales)
	}
	for i := range 6 {
		if q[i] != 0 {
			t.Fatalf("q = %v, want zeros in the first two rows", q)
		}
	}
	if q[6] != 127 || q[7] != -127 {
		t.Fatalf("subnormal row quantized to %v", q[6:])
	}
	for i, v := range DequantizeMatrix(q, scales) {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("dequantized element %d is %v", i, v)
		}
	}
	q = make([]int8, 2)
	QuantizeWithScale(q, []float32{1, float32(math.NaN())}, float32(math.NaN()))
	if q[0] != 0 || q[1] != 0 {
		t.Fatalf("NaN scale gave %v, want zeros", q)
	}
}

// Per-channel scales keep small rows accurate where one scale per tensor
// flattens them.
func TestPerChannelBeatsPerTensor(t *testing.T) {
	const rows, cols = 8, 64
	x := randomMatrix(rows, cols, 2)
	for i := range cols { // row 0 tiny next to the others
		x[i] *= 1e-3
	}
	q, s := QuantizeMatrix(x, rows, false)
	perChannel := SNRdB(x[:cols], DequantizeMatrix(q, s)[:cols])
	q, s = QuantizeMatrix(x, rows, true)
	perTensor := SNRdB(x[:cols], DequantizeMatrix(q, s)[:cols])
	if perChannel < 35 || perTensor > perChannel-20 {
		t.Fatalf("small row SNR: per-channel %.1f dB, per-tensor %.1f dB", perChannel, perTensor)
	}
}
