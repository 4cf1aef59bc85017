package main

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// The pipeline's Beam metrics, in the namespace "albertq".
var (
	textsRun       = beam.NewCounter("albertq", "texts")           // texts the model ran on
	tokensRun      = beam.NewCounter("albertq", "tokens")          // their tokens, [CLS] and [SEP] included
	truncatedTexts = beam.NewCounter("albertq", "truncated_texts") // texts cut to the model's length
	deadLetters    = beam.NewCounter("albertq", "dead_letters")    // records sent to the dead letters
)

// tally is what the pipeline counts. The counts travel as data and are summed
// over the whole job before they reach the counters, in one step that runs
// once: so the counters are exact on every runner, whatever bundles were
// retried (a runner that reports only attempted metrics would count a retried
// bundle twice), and they do not depend on how a runner merges the metrics of
// concurrent bundles (prism v2.78.0 can drop a bundle's counters when two
// bundles that first use them finish together).
type tally struct {
	Texts, Tokens, Truncated, DeadLetters int64
}

// addTallies is the sum of two tallies.
func addTallies(a, b tally) tally {
	return tally{a.Texts + b.Texts, a.Tokens + b.Tokens, a.Truncated + b.Truncated, a.DeadLetters + b.DeadLetters}
}

// deadLetterTally counts one dead letter.
func deadLetterTally(_ string) tally { return tally{DeadLetters: 1} }

// countTally adds the job's total to the counters.
func countTally(ctx context.Context, t tally) {
	textsRun.Inc(ctx, t.Texts)
	tokensRun.Inc(ctx, t.Tokens)
	truncatedTexts.Inc(ctx, t.Truncated)
	deadLetters.Inc(ctx, t.DeadLetters)
}

// countAll sums the tallies of the whole job into the counters.
func countAll(s beam.Scope, tallies ...beam.PCollection) {
	s = s.Scope("count")
	beam.ParDo0(s, countTally, beam.Combine(s, addTallies, beam.Flatten(s, tallies...)))
}

// tallyOf reads the counters of a finished job.
func tallyOf(res beam.PipelineResult) tally {
	var t tally
	for _, m := range res.Metrics().AllMetrics().Counters() {
		if m.Namespace() != "albertq" {
			continue
		}
		switch m.Name() {
		case "texts":
			t.Texts += m.Result()
		case "tokens":
			t.Tokens += m.Result()
		case "truncated_texts":
			t.Truncated += m.Result()
		case "dead_letters":
			t.DeadLetters += m.Result()
		}
	}
	return t
}
