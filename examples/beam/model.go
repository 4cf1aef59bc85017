package main

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/albertq/albertq"
	"github.com/albertq/albertq/cmd/albertq/models"
	"github.com/albertq/albertq/engine"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
)

// modelSpec says which model the workers open and how. It is part of the
// inference DoFn, so Beam serializes it to every worker.
type modelSpec struct {
	// Path is empty for the embedded default, a path every worker can read
	// (an .albq file or a checkpoint directory on shared storage), or a URL of
	// a Beam file system (gs://bucket/model.albq) for an .albq file.
	Path       string
	Threads    int  // threads per forward pass (0: all cores)
	NoTruncate bool // refuse texts longer than the model takes
}

// openModel opens the model spec names.
func openModel(ctx context.Context, spec modelSpec) (*engine.Model, error) {
	opts := engine.Options{Threads: spec.Threads, NoTruncate: spec.NoTruncate}
	switch {
	case spec.Path == "":
		return engine.OpenBytes(models.Debsec, opts) // the CLI's default, compiled into the worker binary
	case strings.Contains(spec.Path, "://"):
		data, err := readURL(ctx, spec.Path)
		if err != nil {
			return nil, err
		}
		return engine.OpenBytes(data, opts)
	default:
		return albertq.Open(spec.Path, opts)
	}
}

// readURL reads a whole file through the Beam file system its scheme names.
func readURL(ctx context.Context, url string) ([]byte, error) {
	fs, err := filesystem.New(ctx, url)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	data, err := filesystem.Read(ctx, fs, url)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", url, err)
	}
	return data, nil
}

// workerModel is a model shared by every DoFn instance of a worker process.
// A worker runs many DoFn instances (one per bundle it processes at once) and
// an engine.Model is safe for concurrent use, so they all share one: the
// model is read and packed once per worker, and its packed weights stay in
// the caches every instance runs on.
type workerModel struct {
	*engine.Model
	passes chan struct{} // a token for each forward pass running
}

// run runs one forward pass as soon as the worker has cores for it. A pass
// already spreads over the model's threads (all cores by default), so more
// passes at once than the cores hold would only make them take turns on the
// cores and evict each other's weights and activations from the caches.
func (m *workerModel) run(seqs []engine.Sequence) (*engine.Output, error) {
	m.passes <- struct{}{}
	defer func() { <-m.passes }()
	return m.Run(seqs)
}

// opened holds the models this process has opened, by spec.
var opened struct {
	sync.Mutex
	open map[modelSpec]*workerModel
}

// sharedModel returns this process's model for spec, opening it on first use.
// The model stays open for the life of the process, as long as the worker.
func sharedModel(ctx context.Context, spec modelSpec) (*workerModel, error) {
	opened.Lock()
	defer opened.Unlock()
	if m, ok := opened.open[spec]; ok {
		return m, nil
	}
	mod, err := openModel(ctx, spec)
	if err != nil {
		return nil, err
	}
	threads := spec.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	m := &workerModel{mod, make(chan struct{}, max(1, runtime.NumCPU()/threads))}
	if opened.open == nil {
		opened.open = make(map[modelSpec]*workerModel)
	}
	opened.open[spec] = m
	return m, nil
}
