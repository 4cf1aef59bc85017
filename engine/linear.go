package engine

import (
	"github.com/albertq/albertq/kernels"
	"github.com/albertq/albertq/modelfile"
)

// linear is one Linear module, y = x·Wᵀ + b, with W packed once at load for
// the kernel of its stored type: fp32, fp16 (kept half) or int8.
type linear struct {
	name    string
	in, out int
	bias    []float32
	f32     *kernels.PackedF32
	f16     *kernels.PackedF16
	i8      *kernels.PackedI8
	// static holds calibrated int8 input scales, one per application of
	// this Linear in a forward pass; nil means a scale per row at run time.
	static []float32
}

// loadLinear packs the Linear called name (its weight [out][in] and bias [out]).
func (w *weights) loadLinear(name string, in, out int, actScales map[string][]float32) (*linear, error) {
	t, err := w.tensor(name+".weight", out, in)
	if err != nil {
		return nil, err
	}
	bias, err := w.vector(name+".bias", out)
	if err != nil {
		return nil, err
	}
	l := packLinear(w.kern, t, in, out)
	l.name, l.bias, l.static = name, bias, actScales[name]
	return l, nil
}

// packLinear packs an [out][in] weight tensor for the kernel of its type.
func packLinear(kern kernels.Set, t *modelfile.Tensor, in, out int) *linear {
	l := &linear{in: in, out: out}
	src := kernels.Transposed(in)
	switch t.DType {
	case modelfile.I8:
		l.i8 = kern.I8.Pack(t.I8, src, in, out, rowScales(t))
	case modelfile.F16:
		l.f16 = kern.F16.PackHalf(t.F16, src, in, out)
	default:
		l.f32 = kern.F32.Pack(t.F32, src, in, out)
	}
	return l
}

// apply computes dst = x·Wᵀ + b for rows rows of x; app numbers this use of
// the Linear within the forward pass (for static int8 scales).
func (l *linear) apply(r *runner, dst, x []float32, rows, app int) {
	if r.observe != nil {
		r.observe(l.name, app, x[:rows*l.in])
	}
	switch {
	case l.i8 != nil:
		q, scales := r.quantize(x, rows, l.in, l.staticScale(app))
		r.kern.I8.GEMM(r.pool, dst, l.out, q, l.in, scales, rows, l.i8, l.bias)
	case l.f16 != nil:
		r.kern.F16.GEMM(r.pool, dst, l.out, x, l.in, rows, l.f16, l.bias)
	default:
		r.kern.F32.GEMM(r.pool, dst, l.out, x, l.in, rows, l.f32, l.bias)
	}
}

// staticScale is the calibrated input scale of application app, or 0 for
// dynamic quantization.
func (l *linear) staticScale(app int) float32 {
	if app < len(l.static) {
		return l.static[app]
	}
	return 0
}
