package half

import (
	"math"
	"testing"
)

// Every half value must survive ToFloat32 then FromFloat32 unchanged.
func TestHalfRoundTripAllValues(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		f := ToFloat32(uint16(h))
		if math.IsNaN(float64(f)) {
			continue
		}
		if got := FromFloat32(f); got != uint16(h) {
			t.Fatalf("half %#04x -> %g -> %#04x", h, f, got)
		}
	}
}

func TestFromFloat32Rounding(t *testing.T) {
	cases := []struct {
		x    float32
		want uint16
	}{
		{1, 0x3c00},
		{-2, 0xc000},
		{65504, 0x7bff},
		{65520, 0x7c00},                 // rounds up to Inf
		{1 + 1.0/2048, 0x3c00},          // tie, even stays
		{1 + 3.0/2048, 0x3c02},          // tie, odd rounds up
		{5.960464477539063e-08, 0x0001}, // smallest subnormal
		{2.98e-08, 0x0000},              // below half of it
		{float32(math.Inf(-1)), 0xfc00},
	}
	for _, c := range cases {
		if got := FromFloat32(c.x); got != c.want {
			t.Errorf("FromFloat32(%g) = %#04x, want %#04x", c.x, got, c.want)
		}
	}
	if !math.IsNaN(float64(ToFloat32(FromFloat32(float32(math.NaN()))))) {
		t.Error("NaN did not stay NaN")
	}
}
