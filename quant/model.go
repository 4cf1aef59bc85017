package quant

import (
	"fmt"
	"math"
	"strings"

	"github.com/albertq/albertq/internal/half"
	"github.com/albertq/albertq/modelfile"
)

// Quantizable reports whether the named tensor is a matrix that Q8BERT
// quantizes: every 2-D "*.weight" that is not a LayerNorm, i.e. the three
// embedding tables, encoder.embedding_hidden_mapping_in, attention
// query/key/value/dense, ffn, ffn_output, pooler, classifier, qa_outputs,
// predictions.dense and predictions.decoder. Biases and LayerNorm
// parameters stay float32, as in Q8BERT.
func Quantizable(name string, shape []int) bool {
	return len(shape) == 2 && strings.HasSuffix(name, ".weight") && !strings.Contains(name, "LayerNorm")
}

// QuantizeModel returns a new model whose quantizable tensors (see
// Quantizable) are stored as dtype: I8 with per-row scales (per-tensor if
// perTensor), F16 (IEEE half, round to nearest even), or F32. Every other
// tensor is float32. Config, Tokenizer and ActScales are copied. The source
// may itself hold F16 or I8 tensors; they are widened first. Non-finite
// weights are an error naming the tensor.
func QuantizeModel(src *modelfile.Model, dtype modelfile.DType, perTensor bool) (*modelfile.Model, error) {
	if dtype != modelfile.F32 && dtype != modelfile.F16 && dtype != modelfile.I8 {
		return nil, fmt.Errorf("quantize: unsupported target %v", dtype)
	}
	dst := &modelfile.Model{
		Config:    src.Config,
		Tokenizer: append([]byte(nil), src.Tokenizer...),
		Tensors:   make(map[string]*modelfile.Tensor, len(src.Tensors)),
		ActScales: make(map[string][]float32, len(src.ActScales)),
	}
	dst.Config.Architectures = append([]string(nil), src.Config.Architectures...)
	if src.Config.ID2Label != nil {
		dst.Config.ID2Label = make(map[string]string, len(src.Config.ID2Label))
		for k, v := range src.Config.ID2Label {
			dst.Config.ID2Label[k] = v
		}
	}
	for name, s := range src.ActScales {
		dst.ActScales[name] = append([]float32(nil), s...)
	}
	for _, name := range src.Names() {
		t := src.Tensors[name]
		if t == nil {
			return nil, fmt.Errorf("quantize: tensor %q is nil", name)
		}
		x, err := Float32s(t)
		if err != nil {
			return nil, fmt.Errorf("quantize: tensor %q: %w", name, err)
		}
		to := modelfile.F32
		if Quantizable(name, t.Shape) {
			to = dtype
			if err := checkFinite(x, t.Shape); err != nil {
				return nil, fmt.Errorf("quantize: tensor %q: %w", name, err)
			}
		}
		dst.Tensors[name] = convert(x, t.Shape, to, perTensor)
	}
	return dst, nil
}

// convert stores the float32 elements x (owned by the caller) as dtype.
func convert(x []float32, shape []int, dtype modelfile.DType, perTensor bool) *modelfile.Tensor {
	t := &modelfile.Tensor{DType: dtype, Shape: append([]int(nil), shape...)}
	switch dtype {
	case modelfile.I8:
		t.I8, t.Scales = QuantizeMatrix(x, shape[0], perTensor)
	case modelfile.F16:
		t.F16 = make([]uint16, len(x))
		for i, v := range x {
			t.F16[i] = half.FromFloat32(v)
		}
	default:
		t.F32 = x
	}
	return t
}

// Float32s returns a fresh float32 copy of the tensor's elements, widening
// F16 and dequantizing I8 (q·scale). The tensor must be valid.
func Float32s(t *modelfile.Tensor) ([]float32, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	switch t.DType {
	case modelfile.F16:
		x := make([]float32, len(t.F16))
		for i, h := range t.F16 {
			x[i] = half.ToFloat32(h)
		}
		return x, nil
	case modelfile.I8:
		return DequantizeMatrix(t.I8, t.Scales), nil
	}
	return append([]float32(nil), t.F32...), nil
}

// checkFinite reports the first NaN or Inf in x, by row and column.
func checkFinite(x []float32, shape []int) error {
	cols := len(x) / shape[0]
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("non-finite value %v at [%d][%d]", v, i/cols, i%cols)
		}
	}
	return nil
}
