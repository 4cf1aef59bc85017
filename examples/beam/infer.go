package main

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/albertq/albertq/engine"
)

// task is what the pipeline computes for each text.
type task string

const (
	taskClassify task = "classify" // the most probable label and its probability
	taskEmbed    task = "embed"    // one vector
)

// labelLine is a classified text's output line.
type labelLine struct {
	ID        json.RawMessage `json:"id"`
	Label     string          `json:"label"`
	Score     float32         `json:"score"`
	Truncated bool            `json:"truncated,omitempty"`
}

// embeddingLine is an embedded text's output line.
type embeddingLine struct {
	ID        json.RawMessage `json:"id"`
	Embedding []float32       `json:"embedding"`
	Truncated bool            `json:"truncated,omitempty"`
}

// inferFn runs the model over records. It tokenizes each record as it comes,
// gathers the bundle's texts into batches of at most BatchTokens tokens (a
// longer text runs alone) and runs each batch as one padding-free forward
// pass, emitting one JSON line per text and a tally per batch. A text the model refuses (the
// tokenizer's reason: invalid UTF-8, NUL bytes, too long under NoTruncate)
// becomes a dead letter; an error of the engine itself fails the bundle, for
// the runner to retry.
type inferFn struct {
	Model       modelSpec
	Task        task
	Pool        engine.Pooling // embed: how token vectors become one
	Normalize   bool           // embed: scale vectors to unit length
	BatchTokens int

	mod    *workerModel
	labels []string
	batch  []encoded
	tokens int // in batch
}

// encoded is a tokenized text waiting for its batch to run.
type encoded struct {
	id        string
	seq       engine.Sequence
	truncated bool
}

// Setup takes the worker's shared model (opening it if this is the worker's
// first DoFn instance) and checks that it can do the task.
func (fn *inferFn) Setup(ctx context.Context) error {
	mod, err := sharedModel(ctx, fn.Model)
	if err != nil {
		return err
	}
	if err := checkTask(mod.Model, fn.Task, fn.Pool); err != nil {
		return err
	}
	cfg := mod.Config()
	fn.mod, fn.labels = mod, cfg.Labels()
	return nil
}

// checkTask asks the engine to do the task on one short text, so that a model
// that cannot (no classifier head, no pooler, no tokenizer) is refused in the
// engine's words before any record is read.
func checkTask(mod *engine.Model, t task, pool engine.Pooling) error {
	var err error
	switch t {
	case taskClassify:
		_, err = mod.Classify([]string{"a"}, 1)
	case taskEmbed:
		_, err = mod.Embed([]string{"a"}, pool, false)
	}
	return err
}

// ProcessElement tokenizes one record and runs the batch it would overflow.
func (fn *inferFn) ProcessElement(rec record, emit, dead func(string), count func(tally)) error {
	enc, err := fn.mod.Encode(rec.Text, "")
	if err != nil {
		dead(jsonLine(deadLetter{Source: rec.Source, ID: json.RawMessage(rec.ID), Reason: err.Error()}))
		return nil
	}
	if fn.tokens+len(enc.IDs) > fn.BatchTokens {
		if err := fn.runBatch(emit, count); err != nil {
			return err
		}
	}
	fn.batch = append(fn.batch, encoded{rec.ID, engine.Sequence{IDs: enc.IDs, TypeIDs: enc.TypeIDs}, enc.Truncated})
	fn.tokens += len(enc.IDs)
	return nil
}

// FinishBundle runs the bundle's last batch.
func (fn *inferFn) FinishBundle(emit, _ func(string), count func(tally)) error {
	return fn.runBatch(emit, count)
}

// runBatch runs the waiting texts through the model and emits their lines
// and their tally.
func (fn *inferFn) runBatch(emit func(string), count func(tally)) error {
	if len(fn.batch) == 0 {
		return nil
	}
	seqs := make([]engine.Sequence, len(fn.batch))
	for i, e := range fn.batch {
		seqs[i] = e.seq
	}
	out, err := fn.mod.run(seqs)
	if err != nil {
		return err
	}
	t := tally{Texts: int64(len(fn.batch)), Tokens: int64(fn.tokens)}
	for s, e := range fn.batch {
		id := json.RawMessage(e.id)
		switch fn.Task {
		case taskClassify:
			label, score := mostProbable(fn.mod.Model, out, s)
			emit(jsonLine(labelLine{id, fn.labels[label], score, e.truncated}))
		case taskEmbed:
			emit(jsonLine(embeddingLine{id, pooled(fn.mod.Model, out, s, fn.Pool, fn.Normalize), e.truncated}))
		}
		if e.truncated {
			t.Truncated++
		}
	}
	count(t)
	fn.batch, fn.tokens = fn.batch[:0], 0
	return nil
}

// mostProbable returns sequence s's most probable class (the first of equals)
// and its probability, computed as engine.Model.Classify computes them.
func mostProbable(mod *engine.Model, out *engine.Output, s int) (class int, prob float32) {
	probs := slices.Clone(out.Logits[s*out.LogitsWidth : (s+1)*out.LogitsWidth])
	mod.Kernels().Softmax(probs, 1)
	for i, p := range probs {
		if p > probs[class] {
			class = i
		}
	}
	return class, probs[class]
}

// pooled returns sequence s's vector, pooled and normalized as
// engine.Model.Embed does it.
func pooled(mod *engine.Model, out *engine.Output, s int, pool engine.Pooling, normalize bool) []float32 {
	v := mod.PoolSequence(out, s, pool)
	if normalize {
		engine.Normalize(v)
	}
	return v
}
