package modelfile

import (
	"fmt"
	"math"
)

// maxDims bounds the rank of a tensor; ALBERT needs at most 2.
const maxDims = 8

// Validate checks that the tensor is self-consistent: a known dtype, a
// shape of positive dimensions whose product does not overflow, exactly
// the element slice of its dtype with that many elements, and scales only
// on I8 tensors (one, or one per row).
func (t *Tensor) Validate() error {
	if len(t.Shape) == 0 || len(t.Shape) > maxDims {
		return fmt.Errorf("rank %d not in [1, %d]", len(t.Shape), maxDims)
	}
	n, err := elementCount(t.Shape, math.MaxInt)
	if err != nil {
		return err
	}
	lens := map[DType]int{F32: len(t.F32), F16: len(t.F16), I8: len(t.I8)}
	want, ok := lens[t.DType]
	if !ok {
		return fmt.Errorf("unknown %v", t.DType)
	}
	if want != n {
		return fmt.Errorf("%v tensor of shape %v holds %d elements, want %d", t.DType, t.Shape, want, n)
	}
	for d, l := range lens {
		if d != t.DType && l != 0 {
			return fmt.Errorf("%v tensor also holds %d %v elements", t.DType, l, d)
		}
	}
	switch {
	case t.DType != I8 && len(t.Scales) != 0:
		return fmt.Errorf("%v tensor has %d scales, want none", t.DType, len(t.Scales))
	case t.DType == I8 && len(t.Scales) != 1 && len(t.Scales) != t.Shape[0]:
		return fmt.Errorf("i8 tensor of shape %v has %d scales, want 1 or %d", t.Shape, len(t.Scales), t.Shape[0])
	}
	return nil
}

// Validate checks every tensor (see Tensor.Validate) and the activation
// scales; errors name the tensor.
func (m *Model) Validate() error {
	for _, name := range m.Names() {
		t := m.Tensors[name]
		if t == nil {
			return fmt.Errorf("tensor %q is nil", name)
		}
		if name == "" {
			return fmt.Errorf("tensor with an empty name")
		}
		if err := t.Validate(); err != nil {
			return fmt.Errorf("tensor %q: %w", name, err)
		}
	}
	for name := range m.ActScales {
		if name == "" {
			return fmt.Errorf("activation scales with an empty name")
		}
	}
	return nil
}

// elementCount multiplies the dimensions, failing on a non-positive
// dimension or a product above limit (which also rules out overflow).
func elementCount(shape []int, limit int) (int, error) {
	n := 1
	for _, d := range shape {
		if d <= 0 {
			return 0, fmt.Errorf("shape %v has a dimension < 1", shape)
		}
		if n > limit/d {
			return 0, fmt.Errorf("shape %v has more than %d elements", shape, limit)
		}
		n *= d
	}
	return n, nil
}
