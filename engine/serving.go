package engine

import (
	"fmt"
	"math"

	"github.com/albertq/albertq/modelfile"
)

// CheckPooling reports whether the model can pool its sequences so: every
// model has mean and CLS pooling, only a model with a pooler has pooler.
func (mod *Model) CheckPooling(pooling Pooling) error {
	switch pooling {
	case PoolMean, PoolCLS:
		return nil
	case PoolPooler:
		if mod.pooler == nil {
			return fmt.Errorf("this model has no pooler: use mean or cls pooling")
		}
		return nil
	}
	return fmt.Errorf("unknown pooling %q (want mean, cls or pooler)", pooling)
}

// PoolSequence returns sequence s of a Run's output as one new vector,
// pooled as asked (which CheckPooling must have accepted). Embed does this
// for each text; a caller that forms its own batches, such as a server
// running the texts of many requests in one Run, calls it for each row.
func (mod *Model) PoolSequence(o *Output, s int, pooling Pooling) []float32 {
	h := mod.cfg.HiddenSize
	switch pooling {
	case PoolPooler:
		return append([]float32(nil), o.Pooled[s*h:(s+1)*h]...)
	case PoolCLS:
		return append([]float32(nil), o.Hidden[o.Offsets[s]*h:][:h]...)
	}
	return meanRows(o.Hidden[o.Offsets[s]*h:o.Offsets[s+1]*h], h)
}

// Normalize scales v to unit length (a zero vector stays zero).
func Normalize(v []float32) {
	var sq float64
	for _, x := range v {
		sq += float64(x) * float64(x)
	}
	if sq == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(sq))
	for i := range v {
		v[i] *= inv
	}
}

// DType is the storage type of the shared block's weights: what the
// encoder's matrix products run in.
func (mod *Model) DType() modelfile.DType {
	switch l := mod.groups[0][0].qkv; {
	case l.i8 != nil:
		return modelfile.I8
	case l.f16 != nil:
		return modelfile.F16
	}
	return modelfile.F32
}
