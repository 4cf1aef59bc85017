package engine

import (
	"errors"
	"fmt"

	"github.com/albertq/albertq/modelfile"
)

// mobileLayer is a MobileBERT layer. The hidden states (H wide) enter a
// bottleneck T wide; attention and a stack of FFNs run there, each with a
// residual and a norm (NoNorm, x·w + b, in the released models); an output
// bottleneck brings the result back to H with a residual from the layer's
// input. Without use_bottleneck, T = H and the bottlenecks are left out.
type mobileLayer struct {
	heads int
	// bottleneck: the layer's input to T (the attention's residual);
	// sharedQK: key_query_shared_bottleneck's own H→T projection, which the
	// queries and keys read. Both nil without use_bottleneck.
	bottleneck, sharedQK *dense
	// Query and key share an input, so they are one Linear; the value
	// reads the layer's input (or, with use_bottleneck_attention, the
	// bottleneck). Without bottlenecks all three read the same input and
	// qk computes all three.
	qk, v    *linear
	attnOut  *dense
	ffns     []mobileFFN // num_feedforward_networks − 1 extra FFNs
	last     mobileFFN   // the layer's own FFN ("intermediate" and "output")
	output   *dense      // output bottleneck T→H, nil without use_bottleneck
	qkShared bool        // queries and keys read sharedQK's output
	vFromBn  bool        // use_bottleneck_attention: everything reads the bottleneck
}

// dense is a Linear followed by a norm of its output, with or without a
// residual added first.
type dense struct {
	lin  *linear
	norm norm
}

// mobileFFN is act(x·W₁ + b₁)·W₂ + b₂, then norm(· + x).
type mobileFFN struct {
	in         *linear
	activation activation
	out        *dense
}

func loadMobileLayer(w *weights, c *modelfile.Config, prefix string, act activation) (*mobileLayer, error) {
	m := c.MobileBERT
	h, t, i := c.HiddenSize, m.TrueHiddenSize, c.IntermediateSize
	noNorm := m.NormalizationType == "no_norm"
	var errs []error
	linear := func(name string, in, out int) *linear {
		l, err := w.loadLinear(prefix+name, in, out)
		errs = append(errs, err)
		return l
	}
	withNorm := func(name string, in, out int) *dense {
		d := &dense{lin: linear(name+".dense", in, out)}
		var err error
		d.norm, err = w.norm(prefix+name+".LayerNorm", out, noNorm)
		errs = append(errs, err)
		return d
	}
	ffn := func(inner, output string) mobileFFN {
		return mobileFFN{in: linear(inner, t, i), activation: act, out: withNorm(output, i, t)}
	}
	lay := &mobileLayer{heads: c.NumAttentionHeads, vFromBn: m.UseBottleneck && m.UseBottleneckAttention}
	if m.UseBottleneck {
		lay.bottleneck = withNorm("bottleneck.input", h, t)
		if m.KeyQuerySharedBottleneck && !m.UseBottleneckAttention {
			lay.sharedQK = withNorm("bottleneck.attention", h, t)
			lay.qkShared = true
		}
	}
	q, k, v := prefix+"attention.self.query", prefix+"attention.self.key", prefix+"attention.self.value"
	var err error
	if lay.qkShared {
		lay.qk, err = w.loadFused([]string{q, k}, t, t)
		errs = append(errs, err)
		lay.v = linear("attention.self.value", h, t)
	} else {
		lay.qk, err = w.loadFused([]string{q, k, v}, t, t)
		errs = append(errs, err)
	}
	lay.attnOut = &dense{lin: linear("attention.output.dense", t, t)}
	lay.attnOut.norm, err = w.norm(prefix+"attention.output.LayerNorm", t, noNorm)
	errs = append(errs, err)
	for f := range m.NumFeedforwardNetworks - 1 {
		p := fmt.Sprintf("ffn.%d.", f)
		lay.ffns = append(lay.ffns, ffn(p+"intermediate.dense", p+"output"))
	}
	lay.last = ffn("intermediate.dense", "output")
	if m.UseBottleneck {
		lay.output = withNorm("output.bottleneck", t, h)
	}
	return lay, errors.Join(errs...)
}

// forward applies the layer to h (tokens × H) in place.
func (lay *mobileLayer) forward(r *runner, b *batch, h []float32, app int) {
	n := b.tokens
	t := lay.attnOut.lin.out
	// The bottleneck: the attention's input and residual, T wide.
	input, qkIn, vIn := h, h, h
	if lay.bottleneck != nil {
		input = grow(&r.ws.bottleneck, n*t)
		lay.bottleneck.apply(r, input, h, nil, n, app)
		qkIn = input
		if lay.qkShared {
			qkIn = grow(&r.ws.shared, n*t)
			lay.sharedQK.apply(r, qkIn, h, nil, n, app)
		}
		if lay.vFromBn {
			vIn = input
		}
	}
	// Self-attention, T wide: queries and keys from one GEMM, values from
	// their own when they read another input.
	qkv := grow(&r.ws.qkv, n*3*t)
	if lay.v == nil {
		lay.qk.apply(r, qkv, qkIn, n, app)
	} else {
		lay.qk.applyTo(r, qkv, 3*t, qkIn, n, app)
		lay.v.applyTo(r, qkv[2*t:], 3*t, vIn, n, app)
	}
	ctx := grow(&r.ws.ctx, n*t)
	r.attention(b, qkv, ctx, lay.heads, lay.attnOut.lin.i8 != nil)
	// Output projection, residual + norm: attn = norm(ctx·W + b + input).
	attn := grow(&r.ws.attn, n*t)
	lay.attnOut.apply(r, attn, ctx, input, n, app)
	// The FFNs, each attn = norm(FFN(attn) + attn).
	for _, f := range lay.ffns {
		f.apply(r, attn, n, app)
	}
	lay.last.apply(r, attn, n, app)
	if lay.output == nil {
		copy(h, attn)
		return
	}
	// The output bottleneck back to H, residual + norm: h = norm(attn·W + b + h).
	out := grow(&r.ws.ffnOut, len(h))
	lay.output.apply(r, out, attn, h, n, app)
	copy(h, out)
}

// apply sets dst = norm(x·W + b + resid) (resid may be nil).
func (d *dense) apply(r *runner, dst, x, resid []float32, rows, app int) {
	d.lin.apply(r, dst, x, rows, app)
	r.layerNorm(dst[:rows*d.lin.out], resid, d.lin.out, d.norm)
}

// apply sets x = norm(act(x·W₁ + b₁)·W₂ + b₂ + x) in place.
func (f mobileFFN) apply(r *runner, x []float32, rows, app int) {
	inner := grow(&r.ws.inner, rows*f.in.out)
	f.in.apply(r, inner, x, rows, app)
	r.activate(inner, f.in.out, f.activation)
	out := grow(&r.ws.ffnOut, rows*f.out.lin.out)
	f.out.apply(r, out, inner, x, rows, app)
	copy(x, out)
}
