package engine

import (
	"fmt"
	"slices"

	"github.com/albertq/albertq/kernels"
	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

// weights looks tensors up by name and checks them against the shapes the
// config implies, so a checkpoint that does not fit fails at load with a
// message naming the tensor, not later with an index out of range.
type weights struct {
	tensors map[string]*modelfile.Tensor
	// staticScales are the calibrated int8 input scales of each Linear,
	// one per application (modelfile.Model.ActScales).
	staticScales map[string][]float32
	kern         *kernels.Set
}

func (w *weights) has(name string) bool { return w.tensors[name] != nil }

// tensor returns the tensor called name, which must have the given shape
// and hold what its type and shape say (modelfile.Tensor.Validate).
func (w *weights) tensor(name string, shape ...int) (*modelfile.Tensor, error) {
	t := w.tensors[name]
	if t == nil {
		return nil, fmt.Errorf("missing tensor %q", name)
	}
	if !slices.Equal(t.Shape, shape) {
		return nil, fmt.Errorf("tensor %q has shape %v, the config wants %v", name, t.Shape, shape)
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("tensor %q: %w", name, err)
	}
	return t, nil
}

// vector returns a 1-D tensor of length n (biases, LayerNorm) in fp32.
func (w *weights) vector(name string, n int) ([]float32, error) {
	t, err := w.tensor(name, n)
	if err != nil {
		return nil, err
	}
	return quant.Float32s(t)
}

// norm returns the LayerNorm (or, with noNorm, NoNorm) called name, of
// width n.
func (w *weights) norm(name string, n int, noNorm bool) (norm, error) {
	g, err := w.vector(name+".weight", n)
	if err != nil {
		return norm{}, err
	}
	b, err := w.vector(name+".bias", n)
	return norm{gamma: g, beta: b, noNorm: noNorm}, err
}

// scaleOfRow is the int8 scale of row r: per channel, or the tensor's one.
func scaleOfRow(t *modelfile.Tensor, r int) float32 {
	if len(t.Scales) == 1 {
		return t.Scales[0]
	}
	return t.Scales[r]
}

// rowScales expands an int8 tensor's scales to one per row.
func rowScales(t *modelfile.Tensor) []float32 {
	out := make([]float32, t.Shape[0])
	for r := range out {
		out[r] = scaleOfRow(t, r)
	}
	return out
}
