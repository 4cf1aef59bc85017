package engine

import (
	"fmt"

	"github.com/albertq/albertq/quant"
)

// Calibrate runs each sequence through the model on its own and returns,
// for every Linear, the static int8 input scale of each of its applications
// in the forward pass: the average over the sequences of max|x|, divided by
// 127 (Q8BERT's EMA statistic, see quant.EMA). A shared Linear gets one scale
// per application, since layer 1's inputs and layer 12's differ. Run it on
// the fp32 model.
func (mod *Model) Calibrate(seqs []Sequence) (map[string][]float32, error) {
	stats := map[string][]*quant.EMA{}
	observe := func(name string, app int, x []float32) {
		for len(stats[name]) <= app {
			stats[name] = append(stats[name], &quant.EMA{})
		}
		stats[name][app].Observe(x)
	}
	for i, seq := range seqs {
		if _, err := mod.Observe([]Sequence{seq}, observe); err != nil {
			return nil, fmt.Errorf("calibration sequence %d: %w", i, err)
		}
	}
	scales := make(map[string][]float32, len(stats))
	for name, emas := range stats {
		for _, e := range emas {
			scales[name] = append(scales[name], e.Scale())
		}
	}
	return scales, nil
}

// Observe runs seqs as Run does and calls f with the input of every Linear
// application, in order: the Linear's name, which application of it this is
// (0 for the first), and its input rows. x is only valid during the call.
func (mod *Model) Observe(seqs []Sequence, f func(linear string, app int, x []float32)) (*Output, error) {
	return mod.run(seqs, mod.workers, false, f)
}
