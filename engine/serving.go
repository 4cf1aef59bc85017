package engine

import (
	"fmt"
	"math"

	"github.com/albertq/albertq/modelfile"
)

// CheckPooling reports whether the model can pool its sequences so: every
// model has the poolings over its hidden states, only a model with a pooler
// has pooler.
func (mod *Model) CheckPooling(pooling Pooling) error {
	switch pooling {
	case PoolModel, PoolMean, PoolCLS, PoolMax, PoolMeanSqrtLen, PoolLastToken:
		return nil
	case PoolPooler:
		if mod.pooler == nil && !mod.firstIsPooled() {
			return fmt.Errorf("this model has no pooler: use mean or cls pooling")
		}
		return nil
	}
	return fmt.Errorf("unknown pooling %q (want mean, cls, pooler, max, mean-sqrt-len or lasttoken)", pooling)
}

// SentencePooling is the model's own pooling: a sentence-transformers
// model's, mean for any other. Whether it normalizes is
// Config().Normalize.
func (mod *Model) SentencePooling() Pooling {
	if mod.cfg.Pooling != "" {
		return Pooling(mod.cfg.Pooling)
	}
	return PoolMean
}

// PoolSequence returns sequence s of a Run's output as one new vector,
// pooled as asked (which CheckPooling must have accepted; PoolModel is
// SentencePooling). Embed does this for each text; a caller that forms its
// own batches, such as a server running the texts of many requests in one
// Run, calls it for each row.
func (mod *Model) PoolSequence(o *Output, s int, pooling Pooling) []float32 {
	h := mod.cfg.HiddenSize
	rows := o.Hidden[o.Offsets[s]*h : o.Offsets[s+1]*h]
	n := len(rows) / h
	switch pooling {
	case PoolModel:
		return mod.PoolSequence(o, s, mod.SentencePooling())
	case PoolPooler:
		return append([]float32(nil), o.Pooled[s*h:(s+1)*h]...)
	case PoolCLS:
		return append([]float32(nil), rows[:h]...)
	case PoolLastToken:
		return append([]float32(nil), rows[(n-1)*h:]...)
	case PoolMax:
		v := append([]float32(nil), rows[:h]...)
		for r := 1; r < n; r++ {
			for i, x := range rows[r*h : (r+1)*h] {
				v[i] = max(v[i], x)
			}
		}
		return v
	case PoolMeanSqrtLen:
		v := meanRows(rows, h)
		mod.kern.Multiply(v, float32(math.Sqrt(float64(n))))
		return v
	}
	return meanRows(rows, h)
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

// DType is the storage type of the encoder layers' weights: what its
// matrix products run in.
func (mod *Model) DType() modelfile.DType { return mod.dtype }
