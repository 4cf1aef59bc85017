package convert

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/albertq/albertq/internal/half"
	"github.com/albertq/albertq/modelfile"
)

// elemKind is a stored element type, as both checkpoint formats know it.
type elemKind uint8

const (
	kindF32 elemKind = iota + 1
	kindF16
	kindBF16
	kindF64
	kindInt // any integer or boolean type: its size is checked, its data never decoded
	kindF8  // 8-bit floats: known but not supported
)

// isFloat reports whether tensors of this kind become float32 weights.
func (k elemKind) isFloat() bool {
	return k == kindF32 || k == kindF16 || k == kindBF16 || k == kindF64
}

// elements multiplies out a shape, failing on a negative dimension or a
// product above limit (which also rules out integer overflow).
func elements(shape []int64, limit int64) (int64, error) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if d != 0 && n > limit/d {
			return 0, fmt.Errorf("shape %v has more than %d elements", shape, limit)
		}
		n *= d
	}
	return n, nil
}

// decodeFloats converts n little-endian elements of kind k from raw (which
// holds at least n elements) to float32.
func decodeFloats(k elemKind, raw []byte, n int) []float32 {
	out := make([]float32, n)
	le := binary.LittleEndian
	switch k {
	case kindF32:
		for i := range out {
			out[i] = math.Float32frombits(le.Uint32(raw[4*i:]))
		}
	case kindF16:
		for i := range out {
			out[i] = half.ToFloat32(le.Uint16(raw[2*i:]))
		}
	case kindBF16:
		for i := range out {
			out[i] = math.Float32frombits(uint32(le.Uint16(raw[2*i:])) << 16)
		}
	case kindF64:
		for i := range out {
			out[i] = float32(math.Float64frombits(le.Uint64(raw[8*i:])))
		}
	}
	return out
}

// newTensor builds a float32 tensor from its shape and elements.
func newTensor(shape []int64, data []float32) *modelfile.Tensor {
	s := make([]int, len(shape))
	for i, d := range shape {
		s[i] = int(d)
	}
	return &modelfile.Tensor{DType: modelfile.F32, Shape: s, F32: data}
}
