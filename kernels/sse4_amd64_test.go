//go:build !purego

package kernels

import (
	"math"
	"testing"

	"github.com/albertq/albertq/internal/half"
)

// TestSelectSSE4 checks that ALBERTQ_KERNELS=sse4 runs sse4's three GEMMs
// and the portable tier's vector work, and that avx2 sits on top of it.
func TestSelectSSE4(t *testing.T) {
	s, err := Select("sse4")
	if !hasSSE4() {
		if err == nil {
			t.Error("Select(sse4) succeeded on a CPU without SSSE3 and SSE4.1")
		}
		t.Skip("no SSE4.1 here")
	}
	if err != nil || s.F32.Name != "sse4" || s.F16.Name != "sse4" || s.I8.Name != "sse4" || s.source("geluTanh") != "portable" {
		t.Fatalf("Select(sse4) = %s/%s/%s, gelu %s, %v; want sse4/sse4/sse4, gelu portable", s.F32.Name, s.F16.Name, s.I8.Name, s.source("geluTanh"), err)
	}
	if hasAVX2() {
		avx2, _ := Select("avx2")
		if chain := avx2.chain; len(chain) < 2 || chain[1].name != "sse4" {
			t.Errorf("avx2 falls back to %s, want sse4", chain[1].name)
		}
	}
}

// TestWidenHalvesSSE checks the integer conversion on every half value
// (zeros, subnormals, normals, infinities, NaN payloads), bit for bit
// against half.ToFloat32, and that it writes no further than n.
func TestWidenHalvesSSE(t *testing.T) {
	if !hasSSE4() {
		t.Skip("no SSE4.1 here")
	}
	const n = 1 << 16
	src := make([]uint16, n)
	for i := range src {
		src[i] = uint16(i)
	}
	dst := make([]float32, n+8)
	for i := range dst {
		dst[i] = sentinel
	}
	widenHalvesSSE(&dst[0], &src[0], n)
	for i, h := range src {
		if got, want := math.Float32bits(dst[i]), math.Float32bits(half.ToFloat32(h)); got != want {
			t.Fatalf("half %#04x widened to %#08x, want %#08x", h, got, want)
		}
	}
	for _, v := range dst[n:] {
		if math.Float32bits(v) != math.Float32bits(sentinel) {
			t.Fatal("wrote past n")
		}
	}
}
