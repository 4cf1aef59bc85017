package main

import (
	"errors"
	"flag"
	"os"

	"github.com/albertq/albertq"
	"github.com/albertq/albertq/engine"
)

// modelFlags are the flags every command that runs a model shares.
type modelFlags struct {
	path       *string
	threads    *int
	kernels    *string
	noTruncate *bool
	fallback   defaultModel
}

// addEngineFlags adds --model (defaulting to an embedded model), --threads
// and --kernels.
func addEngineFlags(fs *flag.FlagSet, fallback defaultModel) *modelFlags {
	return &modelFlags{
		path:       fs.String("model", "", "an .albq file or a Hugging Face checkpoint directory (ALBERT or BERT family) (default: "+fallback.name+")"),
		threads:    fs.Int("threads", 0, "threads to use (0: all cores)"),
		kernels:    fs.String("kernels", "", "force a kernel set by name (see 'albertq info'); default: the best this CPU has"),
		noTruncate: new(bool),
		fallback:   fallback,
	}
}

// addModelFlags adds the engine's flags and --no-truncate, for the
// commands that run texts.
func addModelFlags(fs *flag.FlagSet, fallback defaultModel) *modelFlags {
	f := addEngineFlags(fs, fallback)
	f.noTruncate = fs.Bool("no-truncate", false, "fail on text longer than the model's maximum length instead of truncating it")
	return f
}

// open loads the model the flags name, or the embedded default.
func (f *modelFlags) open() (*engine.Model, error) {
	opts := engine.Options{Threads: *f.threads, Kernels: *f.kernels, NoTruncate: *f.noTruncate}
	if *f.path == "" && f.fallback.data == nil {
		return nil, usagef("give --model: no embedded model has this head")
	}
	if *f.path == "" {
		return engine.OpenBytes(f.fallback.data, opts)
	}
	if _, err := os.Stat(*f.path); errors.Is(err, os.ErrNotExist) {
		return nil, usagef("--model %s: no such file or directory", *f.path)
	}
	return albertq.Open(*f.path, opts)
}
