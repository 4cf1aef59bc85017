package engine

import (
	"github.com/albertq/albertq/kernels"
	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

// linear is one Linear module, y = x·Wᵀ + b, with W packed once at load for
// the kernel of its stored type: fp32, fp16 (kept half) or int8.
type linear struct {
	// names are the Linear's name, or the names of the Linears fused into
	// it (q, k and v), each reported to observe.
	names   []string
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
func (w *weights) loadLinear(name string, in, out int) (*linear, error) {
	return w.loadFused([]string{name}, in, out)
}

// loadFused loads Linears that share their input (a layer's query, key and
// value) as one, their output channels one after another, so one GEMM
// computes them all. Their weights are concatenated before packing: int8
// keeps each output channel's scale; the static input scales, one per
// application, are the largest of the parts' (calibration sees the same
// input for each, so they agree). Parts stored in different types are
// widened to fp32.
func (w *weights) loadFused(names []string, in, out int) (*linear, error) {
	var ts []*modelfile.Tensor
	var bias []float32
	for _, name := range names {
		t, err := w.tensor(name+".weight", out, in)
		if err != nil {
			return nil, err
		}
		b, err := w.vector(name+".bias", out)
		if err != nil {
			return nil, err
		}
		ts, bias = append(ts, t), append(bias, b...)
	}
	joined, err := concatRows(ts, len(names)*out, in)
	if err != nil {
		return nil, err
	}
	l := packLinear(w.kern, joined, in, len(names)*out)
	l.names, l.bias = names, bias
	for _, name := range names {
		for app, s := range w.staticScales[name] {
			if app == len(l.static) {
				l.static = append(l.static, s)
			}
			l.static[app] = max(l.static[app], s)
		}
	}
	return l, nil
}

// concatRows stacks [out][in] tensors into one [rows][in] tensor of their
// common type (fp32 if they differ), int8 scales expanded per row; one
// tensor is returned as it is.
func concatRows(ts []*modelfile.Tensor, rows, in int) (*modelfile.Tensor, error) {
	if len(ts) == 1 {
		return ts[0], nil
	}
	c := &modelfile.Tensor{DType: ts[0].DType, Shape: []int{rows, in}}
	for _, t := range ts {
		if t.DType != c.DType {
			c.DType = modelfile.F32
		}
	}
	for _, t := range ts {
		switch c.DType {
		case modelfile.I8:
			c.I8 = append(c.I8, t.I8...)
			c.Scales = append(c.Scales, rowScales(t)...)
		case modelfile.F16:
			c.F16 = append(c.F16, t.F16...)
		default:
			x, err := quant.Float32s(t)
			if err != nil {
				return nil, err
			}
			c.F32 = append(c.F32, x...)
		}
	}
	return c, nil
}

// packLinear packs an [out][in] weight tensor for the kernel of its type.
func packLinear(kern *kernels.Set, t *modelfile.Tensor, in, out int) *linear {
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
// the Linear within the forward pass (for static int8 scales). An int8
// Linear quantizes x into the workspace first, rows in parallel.
func (l *linear) apply(r *runner, dst, x []float32, rows, app int) {
	l.applyAfter(r, dst, x, rows, app, nil)
}

// applyAfter is apply on x after op has run on each of its rows (nil: no
// op), in place. This is the int8 fusion: for an int8 Linear op runs inside
// the quantization pass, so each row is read once while it is in cache
// rather than once by op and again, from further out (a batch of FFN rows
// does not fit in L2), by the quantizer. Otherwise, and when the inputs are
// observed (they must be seen after op), op runs as a pass of its own.
func (l *linear) applyAfter(r *runner, dst, x []float32, rows, app int, op rowOp) {
	l.applyInto(r, dst, l.out, x, l.in, rows, app, op)
}

// applyTo is apply writing row i of the result at dst[i*ldd:], so that
// Linears that read different inputs can fill the columns of one matrix
// side by side (MobileBERT's query and key beside its value).
func (l *linear) applyTo(r *runner, dst []float32, ldd int, x []float32, rows, app int) {
	l.applyInto(r, dst, ldd, x, l.in, rows, app, nil)
}

// applyInto is applyAfter with the leading dimensions of the result (ldd)
// and of x (ldx). An x wider than the Linear's input (ldx > l.in: the
// int8 FFN's padded inner rows) must go to an int8 Linear whose inputs are
// not observed: op's pass of its own and the observers take x dense.
func (l *linear) applyInto(r *runner, dst []float32, ldd int, x []float32, ldx, rows, app int, op rowOp) {
	x = x[:rows*ldx]
	if op != nil && (l.i8 == nil || r.observe != nil) {
		r.eachRow(x, l.in, op)
		op = nil
	}
	if r.observe != nil {
		for _, name := range l.names {
			r.observe(name, app, x)
		}
	}
	switch {
	case l.i8 != nil:
		q, scales := grow(&r.ws.q8, rows*l.in), grow(&r.ws.qs, rows)
		r.quantize(q, scales, x, ldx, l.in, l.staticScale(app), op)
		r.kern.I8.GEMM(r.workers, dst, ldd, q, l.in, scales, rows, l.i8, l.bias)
	case l.f16 != nil:
		r.kern.F16.GEMM(r.workers, dst, ldd, x, ldx, rows, l.f16, l.bias)
	default:
		r.kern.F32.GEMM(r.workers, dst, ldd, x, ldx, rows, l.f32, l.bias)
	}
}

// quantize turns the rows of x (width w, row i at x[i*ldx:]) into int8 q
// (dense) with row scales: with a static (calibrated) scale when one is
// given, else each row by its own max. op, if not nil, runs on each row of
// x first.
func (r *runner) quantize(q []int8, scales, x []float32, ldx, w int, static float32, op rowOp) {
	r.rows(len(x)/ldx, w, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			src, dst := x[i*ldx:i*ldx+w], q[i*w:(i+1)*w]
			if op != nil {
				op(i, src)
			}
			if static > 0 {
				r.kern.QuantizeRowWithScale(dst, src, static)
				scales[i] = static
			} else {
				scales[i] = r.kern.QuantizeRow(dst, src)
			}
		}
	})
}

// staticScale is the calibrated input scale of application app, or 0 for
// dynamic quantization.
func (l *linear) staticScale(app int) float32 {
	if app < len(l.static) {
		return l.static[app]
	}
	return 0
}
