package engine

import (
	"fmt"
	"math"

	"github.com/albertq/albertq/kernels"
)

// The vector work between the GEMMs, all in fp32 as Q8BERT keeps it.

// minParallelFloats is the row work below which a vector pass stays on the
// calling thread: handing it to the pool would cost more than it saves.
const minParallelFloats = 1 << 14

// rows runs f over [0, n) rows of width w, split over the pool's threads
// when there is enough work.
func (r *runner) rows(n, w int, f func(lo, hi int)) {
	if r.pool.Threads() == 1 || n*w < minParallelFloats {
		f(0, n)
		return
	}
	r.pool.For(n, f)
}

// layerNorm normalises each row of x (width w, in place) to zero mean and
// unit variance, then scales by gamma and shifts by beta; with resid, it
// normalises x + resid (post-LN's residual connection).
func (r *runner) layerNorm(x, resid []float32, w int, nm norm) {
	r.rows(len(x)/w, w, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var res []float32
			if resid != nil {
				res = resid[i*w : (i+1)*w]
			}
			r.kern.LayerNorm(x[i*w:(i+1)*w], res, nm.gamma, nm.beta, r.eps)
		}
	})
}

// addInto adds src to dst element by element (a residual connection).
func addInto(dst, src []float32) {
	for i, v := range src {
		dst[i] += v
	}
}

// activation is an elementwise non-linearity applied in place.
type activation func(x []float32)

// activationByName maps config.json's hidden_act to its function, with the
// formulas transformers uses; gelu_new runs on the kernel set kern.
func activationByName(name string, kern *kernels.Set) (activation, error) {
	switch name {
	case "gelu_new":
		return kern.GELUTanh, nil
	case "gelu":
		return geluErf, nil
	case "gelu_fast":
		return geluFast, nil
	case "relu":
		return relu, nil
	}
	return nil, fmt.Errorf("unsupported hidden_act %q (want gelu_new, gelu, gelu_fast or relu)", name)
}

// geluErf is the exact gelu: 0.5·x·(1 + erf(x/√2)).
func geluErf(x []float32) {
	for i, v := range x {
		f := float64(v)
		x[i] = float32(0.5 * f * (1 + math.Erf(f/math.Sqrt2)))
	}
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
