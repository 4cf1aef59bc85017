package main

import (
	"context"
	"encoding/json"
	"math"
	"slices"

	"github.com/albertq/albertq/engine"
	"github.com/albertq/albertq/kernels"
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
	h := fn.mod.Config().HiddenSize
	t := tally{Texts: int64(len(fn.batch)), Tokens: int64(fn.tokens)}
	for s, e := range fn.batch {
		id := json.RawMessage(e.id)
		switch fn.Task {
		case taskClassify:
			label, score := mostProbable(out, s)
			emit(jsonLine(labelLine{id, fn.labels[label], score, e.truncated}))
		case taskEmbed:
			emit(jsonLine(embeddingLine{id, pooled(out, s, h, fn.Pool, fn.Normalize), e.truncated}))
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
func mostProbable(out *engine.Output, s int) (class int, prob float32) {
	probs := slices.Clone(out.Logits[s*out.LogitsWidth : (s+1)*out.LogitsWidth])
	kernels.Softmax(probs, 1)
	for i, p := range probs {
		if p > probs[class] {
			class = i
		}
	}
	return class, probs[class]
}

// pooled returns sequence s's vector of width h, pooled and normalized as
// engine.Model.Embed does it: the same float32 operations in the same order.
func pooled(out *engine.Output, s, h int, pool engine.Pooling, normalize bool) []float32 {
	rows := out.Hidden[out.Offsets[s]*h : out.Offsets[s+1]*h]
	var v []float32
	switch pool {
	case engine.PoolPooler:
		v = slices.Clone(out.Pooled[s*h : (s+1)*h])
	case engine.PoolCLS:
		v = slices.Clone(rows[:h])
	case engine.PoolMean:
		v = make([]float32, h)
		for r := 0; r < len(rows); r += h {
			for i, x := range rows[r : r+h] {
				v[i] += x
			}
		}
		n := float32(len(rows) / h)
		for i := range v {
			v[i] /= n
		}
	}
	if normalize {
		var sq float64
		for _, x := range v {
			sq += float64(x) * float64(x)
		}
		if sq > 0 {
			inv := float32(1 / math.Sqrt(sq))
			for i := range v {
				v[i] *= inv
			}
		}
	}
	return v
}
