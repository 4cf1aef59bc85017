// Package albertq runs ALBERT and BERT-family encoders on CPUs with int8, fp16 and fp32 SIMD
// kernels, in pure Go. Open is the way in: it loads a model from an .albq
// file or from a Hugging Face checkpoint directory as downloaded, and
// returns an engine.Model whose methods classify, embed, fill masks and run
// the encoder.
//
// The packages behind it each do one thing: convert reads checkpoints,
// modelfile holds a model and its .albq file, engine runs models (it reads
// .albq files and in-memory models, never checkpoints: a program that only
// runs converted files needs nothing else).
package albertq

import (
	"fmt"
	"os"

	"github.com/albertq/albertq/convert"
	"github.com/albertq/albertq/engine"
	"github.com/albertq/albertq/modelfile"
)

// Open loads the model at path, ready to run: an .albq file (memory-mapped,
// its weights used in place) or a Hugging Face checkpoint directory (read
// and run in fp32). Errors name the path.
func Open(path string, opts engine.Options) (*engine.Model, error) {
	if !isDir(path) {
		return engine.Open(path, opts)
	}
	m, err := convert.ReadCheckpoint(path)
	if err != nil {
		return nil, err
	}
	mod, err := engine.New(m, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return mod, nil
}

// Read reads the model at path, a checkpoint directory or an .albq file,
// without preparing it to run: for programs that quantize, compare or time
// it (engine.New runs it). Close releases an .albq file's mapping.
func Read(path string) (*modelfile.Model, error) {
	if !isDir(path) {
		return modelfile.Open(path)
	}
	return convert.ReadCheckpoint(path)
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}
