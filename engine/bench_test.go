package engine

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/albertq/albertq/convert"
	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

// benchShapes are the batch×sequence shapes at which
// scripts/bench-vs-onnxruntime.sh times ONNX Runtime too, plus "mixed": 8
// sequences of 16, 32, …, 128 tokens.
var benchShapes = []string{"1x16", "1x64", "1x128", "1x256", "8x128", "mixed"}

// benchBatch builds the sequences of a shape with deterministic ids.
func benchBatch(shape string, vocab int) []Sequence {
	var lens []int
	if shape == "mixed" {
		for i := range 8 {
			lens = append(lens, 16*(i+1))
		}
	} else {
		var b, s int
		fmt.Sscanf(shape, "%dx%d", &b, &s)
		for range b {
			lens = append(lens, s)
		}
	}
	seqs := make([]Sequence, len(lens))
	for i, n := range lens {
		seqs[i].IDs = make([]int, n)
		for j := range n {
			seqs[i].IDs[j] = (i*131 + j*7) % vocab
		}
	}
	return seqs
}

// benchPreset is the model size BenchmarkForward times.
var benchPreset = flag.String("preset", "base", "the size BenchmarkForward times (a convert.Preset name: base, bert-base, minilm-l6, ...)")

// BenchmarkForward times a model of -preset's size (albert-base unless
// told; random weights) per dtype, shape and thread count, reporting
// tokens/s, the fastest and the median call and the process CPU time per op
// (less sensitive than the mean to other jobs on a shared machine; the
// median is what ONNX Runtime's anchors report).
func BenchmarkForward(b *testing.B) {
	cfg, err := convert.Preset(*benchPreset)
	if err != nil {
		b.Fatal(err)
	}
	src := convert.Random(cfg, 1)
	for _, dt := range []modelfile.DType{modelfile.I8, modelfile.F16, modelfile.F32} {
		q, err := quant.QuantizeModel(src, dt, false)
		if err != nil {
			b.Fatal(err)
		}
		for _, threads := range []int{1, 2} {
			mod, err := New(q, Options{Threads: threads})
			if err != nil {
				b.Fatal(err)
			}
			for _, shape := range benchShapes {
				seqs := benchBatch(shape, cfg.VocabSize)
				tokens := 0
				for _, s := range seqs {
					tokens += len(s.IDs)
				}
				b.Run(fmt.Sprintf("%v/%s/t%d", dt, shape, threads), func(b *testing.B) {
					if _, err := mod.Run(seqs); err != nil { // warm the workspace
						b.Fatal(err)
					}
					cpu0 := cpuTime()
					var calls []time.Duration
					b.ResetTimer()
					for b.Loop() {
						t0 := time.Now()
						if _, err := mod.Run(seqs); err != nil {
							b.Fatal(err)
						}
						calls = append(calls, time.Since(t0))
					}
					slices.Sort(calls)
					b.ReportMetric(float64(calls[0])/float64(time.Millisecond), "min-ms")
					b.ReportMetric(float64(calls[len(calls)/2])/float64(time.Millisecond), "median-ms")
					b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
					b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
				})
			}
			mod.Close()
		}
	}
}

// loadTestTexts are the texts scripts/loadtest-server.sh sends, one a
// request (testdata/loadtest-texts.txt, one a line): 4 to 9 tokens each with
// [CLS] and [SEP].
func loadTestTexts(b *testing.B) []string {
	data, err := os.ReadFile("../testdata/loadtest-texts.txt")
	if err != nil {
		b.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

// BenchmarkShortTexts times the server's default model (the CLI's embedded
// int8 debsec) on what its load test sends: 1, 8 and 64 short texts in one
// forward pass, on 1 and 2 threads. With texts this short the fixed cost of
// a pass (hand-offs to the workers, quantizing, packing, allocation)
// outweighs its arithmetic, and this is where it shows: cpu-ms/text is what
// the server's batching can save per text.
func BenchmarkShortTexts(b *testing.B) {
	shortTexts := loadTestTexts(b)
	for _, threads := range []int{1, 2} {
		mod, err := Open("../cmd/albertq/models/debsec.albq", Options{Threads: threads})
		if err != nil {
			b.Fatal(err)
		}
		for _, texts := range []int{1, 8, 64} {
			seqs := make([]Sequence, texts)
			for i := range seqs {
				enc, err := mod.Encode(shortTexts[i%len(shortTexts)], "")
				if err != nil {
					b.Fatal(err)
				}
				seqs[i] = Sequence{IDs: enc.IDs, TypeIDs: enc.TypeIDs}
			}
			b.Run(fmt.Sprintf("texts%d/t%d", texts, threads), func(b *testing.B) {
				if _, err := mod.Run(seqs); err != nil { // warm the workspace
					b.Fatal(err)
				}
				cpu0 := cpuTime()
				for b.Loop() {
					if _, err := mod.Run(seqs); err != nil {
						b.Fatal(err)
					}
				}
				cpu := float64(cpuTime()-cpu0) / float64(time.Millisecond) / float64(b.N)
				b.ReportMetric(cpu, "cpu-ms/op")
				b.ReportMetric(cpu/float64(texts), "cpu-ms/text")
			})
		}
		mod.Close()
	}
}
