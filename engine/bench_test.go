package engine

import (
	"fmt"
	"testing"

	"github.com/albertq/albertq/convert"
	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

// BenchmarkForward times albert-base (random weights) per dtype and shape,
// single-threaded, reporting tokens/s.
func BenchmarkForward(b *testing.B) {
	cfg, _ := convert.Preset("base")
	src := convert.Random(cfg, 1)
	for _, dt := range []modelfile.DType{modelfile.I8, modelfile.F16, modelfile.F32} {
		q, err := quant.QuantizeModel(src, dt, false)
		if err != nil {
			b.Fatal(err)
		}
		mod, err := New(q, Options{Threads: 1})
		if err != nil {
			b.Fatal(err)
		}
		for _, shape := range [][2]int{{1, 16}, {1, 128}, {8, 128}} {
			seqs := make([]Sequence, shape[0])
			for i := range seqs {
				seqs[i].IDs = make([]int, shape[1])
				for j := range seqs[i].IDs {
					seqs[i].IDs[j] = (i*131 + j*7) % cfg.VocabSize
				}
			}
			b.Run(fmt.Sprintf("%v/%dx%d", dt, shape[0], shape[1]), func(b *testing.B) {
				for b.Loop() {
					if _, err := mod.Run(seqs); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(shape[0]*shape[1])*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
			})
		}
		mod.Close()
	}
}
