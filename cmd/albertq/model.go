package main

import (
	"flag"

	"github.com/albertq/albertq/engine"
)

// modelFlags are the flags every command that runs a model shares.
type modelFlags struct {
	path    *string
	threads *int
	kernels *string
}

func addModelFlags(fs *flag.FlagSet) *modelFlags {
	return &modelFlags{
		path:    fs.String("model", "", "an .albq file or a Hugging Face ALBERT checkpoint directory"),
		threads: fs.Int("threads", 0, "threads to use (0: all cores)"),
		kernels: fs.String("kernels", "", "force a kernel by name (see 'albertq info'); default: the best this CPU has"),
	}
}

// open loads the model the flags name.
func (f *modelFlags) open() (*engine.Model, error) {
	if *f.path == "" {
		return nil, usagef("--model is required")
	}
	return engine.Open(*f.path, engine.Options{Threads: *f.threads, Kernels: *f.kernels})
}
