//go:build !purego

package kernels

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The NEON movers write exactly what their definitions (pack_arm64.s) say,
// for 1 to 5 chunks, odd source strides and destination strides, and leave
// every other byte of dst alone.
func TestNEONMovers(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, tc := range []struct {
		name   string
		move   mover[int8]
		groups int // k groups a chunk of 16 bytes holds
	}{
		{"packWordsNEON", packWordsNEON, 4},
		{"packPairsNEON", packPairsNEON, 2},
		{"packRows16NEON", packRows16NEON, 1},
	} {
		kg := 16 / tc.groups
		for chunks := 1; chunks <= 5; chunks++ {
			for _, lds := range []int{16 * chunks, 16*chunks + 7} {
				for _, stride := range []int{4 * kg, 12 * kg} {
					src := make([]int8, 3*lds+16*chunks)
					for i := range src {
						src[i] = int8(rng.IntN(256))
					}
					n := tc.groups * chunks * stride
					got, want := make([]int8, n+8), make([]int8, n+8)
					for i := range got {
						got[i], want[i] = 99, 99
					}
					tc.move(&got[0], &src[0], lds, stride, chunks)
					for g := range tc.groups * chunks {
						for r := range 4 {
							copy(want[g*stride+r*kg:][:kg], src[r*lds+g*kg:][:kg])
						}
					}
					if !slices.Equal(got, want) {
						t.Fatalf("%s: %d chunks, lds %d, stride %d: wrong bytes", tc.name, chunks, lds, stride)
					}
				}
			}
		}
	}
	for chunks := 1; chunks <= 5; chunks++ {
		lds, stride := 4*chunks+3, 12
		src := make([]float32, 3*lds+4*chunks)
		for i := range src {
			src[i] = rng.Float32()
		}
		got, want := make([]float32, 4*chunks*stride+4), make([]float32, 4*chunks*stride+4)
		packFloatsNEON(&got[0], &src[0], lds, stride, chunks)
		for k := range 4 * chunks {
			for r := range 4 {
				want[k*stride+r] = src[r*lds+k]
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("packFloatsNEON: %d chunks: wrong values", chunks)
		}
	}
	for _, ld := range []int{8, 13} {
		src := make([]float32, 7*ld+8)
		for i := range src {
			src[i] = rng.Float32()
		}
		got, want := make([]float32, 7*ld+9), make([]float32, 7*ld+9)
		transpose8x8NEON(&got[0], ld, &src[0], ld)
		transpose8x8Generic(want, ld, src, ld)
		if !slices.Equal(got, want) {
			t.Fatalf("transpose8x8NEON: ld %d: wrong values", ld)
		}
	}
}
