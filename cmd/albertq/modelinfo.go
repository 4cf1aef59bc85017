package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/albertq/albertq"
	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

// modelDoc is what `albertq info --model PATH` prints.
type modelDoc struct {
	Path         string `json:"path"`
	Family       string `json:"model_type"`
	Architecture string `json:"architecture"`
	Layers       int    `json:"layers"`
	SharedLayers bool   `json:"shared_layers"` // ALBERT: one set of weights runs every layer
	Hidden       int    `json:"hidden_size"`
	Embedding    int    `json:"embedding_size"`
	Bottleneck   int    `json:"bottleneck_size,omitempty"` // MobileBERT's true_hidden_size
	Heads        int    `json:"heads"`
	HeadSize     int    `json:"head_size"`
	Intermediate int    `json:"intermediate_size"`
	Activation   string `json:"hidden_act"`
	Vocab        int    `json:"vocab_size"`
	MaxTokens    int    `json:"max_tokens"`
	Parameters   int    `json:"parameters"`
	// Weights counts the stored tensors' bytes by type (f32, f16, i8),
	// scales included.
	Weights    map[string]int `json:"weight_bytes"`
	Calibrated bool           `json:"calibrated"`
	// Precision is the accuracy target an int8 conversion was held to, if
	// any; FP16Matrices counts the matrices it kept in fp16 for it.
	Precision    *modelfile.Precision `json:"precision,omitempty"`
	FP16Matrices int                  `json:"fp16_matrices,omitempty"`
	Tokenizer    string               `json:"tokenizer"` // sentencepiece, wordpiece or none
	Pooling      string               `json:"pooling"`
	Normalize    bool                 `json:"normalize"`
}

// modelInfo describes the model at path without preparing it to run.
func modelInfo(path string, asJSON bool, stdout io.Writer) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return usagef("--model %s: no such file or directory", path)
	}
	m, err := albertq.Read(path)
	if err != nil {
		return err
	}
	defer m.Close()
	c := &m.Config
	doc := modelDoc{
		Path: path, Family: c.ModelType, Architecture: c.Architecture(), Layers: c.NumHiddenLayers,
		SharedLayers: c.ModelType == modelfile.ALBERT, Hidden: c.HiddenSize, Embedding: c.EmbeddingSize,
		Heads: c.NumAttentionHeads, HeadSize: c.HiddenSize / c.NumAttentionHeads, Intermediate: c.IntermediateSize,
		Activation: c.HiddenAct, Vocab: c.VocabSize, MaxTokens: c.MaxTokens(), Weights: map[string]int{},
		Calibrated: len(m.ActScales) > 0, Tokenizer: "none", Pooling: c.Pooling, Normalize: c.Normalize,
		Precision: c.Precision, FP16Matrices: fp16Matrices(m),
	}
	if mb := c.MobileBERT; mb != nil {
		doc.Bottleneck, doc.HeadSize = mb.TrueHiddenSize, mb.TrueHiddenSize/c.NumAttentionHeads
	}
	if doc.Pooling == "" {
		doc.Pooling = "mean"
	}
	switch {
	case len(m.Tokenizer) == 0:
	case c.WordPiece != nil:
		doc.Tokenizer = "wordpiece"
	default:
		doc.Tokenizer = "sentencepiece"
	}
	for _, t := range m.Tensors {
		n := t.Elements()
		doc.Parameters += n
		doc.Weights[t.DType.String()] += n*map[modelfile.DType]int{modelfile.F32: 4, modelfile.F16: 2, modelfile.I8: 1}[t.DType] + 4*len(t.Scales)
	}
	if asJSON {
		return writeJSON(stdout, doc)
	}
	layers := fmt.Sprintf("%d layers", doc.Layers)
	if doc.SharedLayers {
		layers += " sharing one set of weights"
	}
	var storage []string
	for _, d := range []string{"i8", "f16", "f32"} {
		if b := doc.Weights[d]; b > 0 {
			storage = append(storage, fmt.Sprintf("%s %.2f MB", d, float64(b)/1e6))
		}
	}
	w := &errWriter{w: stdout}
	w.printf("model:      %s (%s, %s)\n", doc.Path, doc.Family, doc.Architecture)
	w.printf("encoder:    %s; hidden %d, embedding %d, %d heads of %d, FFN %d (%s)\n", layers, doc.Hidden, doc.Embedding, doc.Heads, doc.HeadSize, doc.Intermediate, doc.Activation)
	if doc.Bottleneck > 0 {
		w.printf("bottleneck: %d (MobileBERT's attention and FFN width), %d FFNs per layer\n", doc.Bottleneck, c.MobileBERT.NumFeedforwardNetworks)
	}
	w.printf("input:      %s tokenizer, vocabulary %d, at most %d tokens\n", doc.Tokenizer, doc.Vocab, doc.MaxTokens)
	w.printf("weights:    %.1fM parameters; %s", float64(doc.Parameters)/1e6, strings.Join(storage, ", "))
	if doc.Calibrated {
		w.printf("; static int8 activation scales")
	}
	if p := doc.Precision; p != nil {
		w.printf("\nprecision:  %s", precisionNote(p, doc.FP16Matrices))
	}
	w.printf("\nembedding:  %s pooling", doc.Pooling)
	if doc.Normalize {
		w.printf(", normalized")
	}
	w.printf("\n")
	return w.err
}

// errWriter keeps the first write error, so a run of prints is checked once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// precisionNote says what an accuracy-aware int8 conversion measured.
func precisionNote(p *modelfile.Precision, fp16 int) string {
	return fmt.Sprintf("int8 with %d matrices kept in fp16, so that %d probe texts keep cosine ≥ %g with fp32 (worst %.6f)",
		fp16, p.Probes, p.MinCosine, p.Cosine)
}

// fp16Matrices counts the quantizable matrices stored in fp16.
func fp16Matrices(m *modelfile.Model) int {
	n := 0
	for name, t := range m.Tensors {
		if t.DType == modelfile.F16 && quant.Quantizable(name, t.Shape) {
			n++
		}
	}
	return n
}
