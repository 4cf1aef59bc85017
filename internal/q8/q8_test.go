package q8

import (
	"math"
	"testing"
)

func TestRound(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want int8
	}{
		{0.5, 0}, {1.5, 2}, {2.5, 2}, {-0.5, 0}, {-1.5, -2}, {-2.5, -2}, // ties to even
		{126.5, 126}, {126.6, 127}, {127.4, 127}, {1000, 127}, {-127.6, -127}, {-1000, -127},
		{math.Inf(1), 127}, {math.Inf(-1), -127}, {math.NaN(), 0},
	} {
		if got := Round(c.v); got != c.want {
			t.Errorf("Round(%v) = %d, want %d", c.v, got, c.want)
		}
	}
}
