package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/albertq/albertq/engine"
	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

// trace is the input of every Linear application over a set of texts.
type trace struct {
	order []string // "name#app", in the order of the forward pass
	data  map[string][]float32
}

func traceModel(mod *engine.Model, seqs []engine.Sequence) (*trace, *engine.Output, error) {
	tr := &trace{data: map[string][]float32{}}
	var last *engine.Output
	for _, seq := range seqs {
		out, err := mod.Observe([]engine.Sequence{seq}, func(name string, app int, x []float32) {
			key := fmt.Sprintf("%s#%d", name, app)
			if _, seen := tr.data[key]; !seen {
				tr.order = append(tr.order, key)
			}
			tr.data[key] = append(tr.data[key], x...)
		})
		if err != nil {
			return nil, nil, err
		}
		last = out
	}
	return tr, last, nil
}

// writeReport compares the converted model with fp32 at the input of every
// Linear application (where int8 error accumulates through the shared
// layers) and at the final hidden states.
func writeReport(w io.Writer, src, converted *modelfile.Model, texts []string) error {
	fp32, err := engine.New(src, engine.Options{})
	if err != nil {
		return err
	}
	defer fp32.Close()
	conv, err := engine.New(converted, engine.Options{})
	if err != nil {
		return err
	}
	defer conv.Close()
	seqs, err := fp32.EncodeTexts(texts)
	if err != nil {
		return err
	}
	want, _, err := traceModel(fp32, seqs)
	if err != nil {
		return err
	}
	got, _, err := traceModel(conv, seqs)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nError against fp32 on %d texts, at the input of each Linear application:\n", len(texts))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "linear input\tcosine\tmax abs err\tSNR dB\t")
	for _, key := range want.order {
		a, b := want.data[key], got.data[key]
		if len(a) != len(b) {
			continue
		}
		fmt.Fprintf(tw, "%s\t%.6f\t%.4g\t%.1f\t\n", key, quant.Cosine(a, b), quant.MaxAbsError(a, b), quant.SNRdB(a, b))
	}
	return tw.Flush()
}
