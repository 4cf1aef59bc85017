package engine

import (
	"fmt"
	"math"

	"github.com/albertq/albertq/kernels"
)

// The vector work between the GEMMs, all in fp32 as Q8BERT keeps it.

// minParallelFloats is the row work below which a vector pass stays on the
// calling thread: handing it to the workers would cost more than it saves.
const minParallelFloats = 1 << 14

// rows runs f over [0, n) rows of width w, split over the workers when
// there is enough work.
func (r *runner) rows(n, w int, f func(lo, hi int)) {
	if r.workers.Threads() == 1 || n*w < minParallelFloats {
		f(0, n)
		return
	}
	r.workers.For(n, f)
}

// rowOp is work on row i of a matrix, in place.
type rowOp func(i int, row []float32)

// eachRow runs op on every row of x (width w).
func (r *runner) eachRow(x []float32, w int, op rowOp) {
	r.rows(len(x)/w, w, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			op(i, x[i*w:(i+1)*w])
		}
	})
}

// layerNorm sets each row of x (width w) to LayerNorm(x + resid): post-LN's
// residual connection and normalisation in one pass over the row (resid may
// be nil: no residual).
func (r *runner) layerNorm(x, resid []float32, w int, nm norm) {
	r.eachRow(x, w, r.layerNormRow(resid, nm))
}

// layerNormRow is layerNorm as a row operation, for a Linear to run in its
// quantization pass (see linear.applyAfter).
func (r *runner) layerNormRow(resid []float32, nm norm) rowOp {
	return func(i int, row []float32) {
		var res []float32
		if resid != nil {
			res = resid[i*len(row) : (i+1)*len(row)]
		}
		if nm.noNorm {
			noNorm(row, res, nm)
			return
		}
		r.kern.LayerNorm(row, res, nm.gamma, nm.beta, r.eps)
	}
}

// noNorm is MobileBERT's NoNorm of x + resid (resid may be nil):
// (x + resid)·gamma + beta, element by element.
func noNorm(x, resid []float32, nm norm) {
	for i := range x {
		v := x[i]
		if resid != nil {
			v += resid[i]
		}
		x[i] = v*nm.gamma[i] + nm.beta[i]
	}
}

// activate applies act to each row of x (width w).
func (r *runner) activate(x []float32, w int, act activation) { r.eachRow(x, w, act.row) }

// addInto adds src to dst element by element.
func addInto(dst, src []float32) {
	for i, v := range src {
		dst[i] += v
	}
}

// activation is an elementwise non-linearity applied in place.
type activation func(x []float32)

// row is the activation as a row operation.
func (act activation) row(_ int, x []float32) { act(x) }

// activationByName maps config.json's hidden_act to its function, with the
// formulas transformers uses; gelu and gelu_new run on the kernel set kern.
func activationByName(name string, kern *kernels.Set) (activation, error) {
	switch name {
	case "gelu_new":
		return kern.GELUTanh, nil
	case "gelu":
		return kern.GELUErf, nil
	case "gelu_fast":
		return geluFast, nil
	case "relu":
		return relu, nil
	}
	return nil, fmt.Errorf("unsupported hidden_act %q (want gelu_new, gelu, gelu_fast or relu)", name)
}

// geluFast is transformers' gelu_fast: 0.5·x·(1 + tanh(0.7978845608·x·(1 + 0.044715·x²))).
func geluFast(x []float32) {
	for i, v := range x {
		f := float64(v)
		x[i] = float32(0.5 * f * (1 + math.Tanh(0.7978845608*f*(1+0.044715*f*f))))
	}
}

func relu(x []float32) {
	for i, v := range x {
		x[i] = max(v, 0)
	}
}

func tanhInPlace(x []float32) {
	for i, v := range x {
		x[i] = float32(math.Tanh(float64(v)))
	}
}
