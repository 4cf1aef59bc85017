package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/albertq/albertq/engine"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
)

// Every DoFn and element type is registered, so that workers can run them
// and the SDK calls them without reflection.
func init() {
	beam.RegisterType(reflect.TypeFor[record]())
	beam.RegisterType(reflect.TypeFor[tally]())
	register.Function4x1[context.Context, fileio.ReadableFile, func(record), func(string), error](readFileFn)
	register.DoFn4x1[record, func(string), func(string), func(tally), error](&inferFn{})
	register.Function2x1(addTallies)
	register.Function1x1(deadLetterTally)
	register.Function2x0(countTally)
	register.DoFn2x0[string, func(int, string)](&shardKeyFn{})
	register.DoFn2x0[[]byte, func(int, bool)](&shardIDsFn{})
	register.DoFn4x1[context.Context, int, func(*string) bool, func(*bool) bool, error](&writeShardFn{})
	register.Emitter1[record]()
	register.Emitter1[string]()
	register.Emitter1[tally]()
	register.Emitter2[int, string]()
	register.Emitter2[int, bool]()
	register.Iter1[string]()
	register.Iter1[bool]()
}

// config is what the command line asks for.
type config struct {
	input, output string
	task          task
	pool          engine.Pooling
	normalize     bool
	model         modelSpec
	batchTokens   int
	shards        int
}

// maxBatchTokens is the most tokens the engine runs in one forward pass.
const maxBatchTokens = 1 << 16

// deadLettersPrefix names the dead letters' file.
const deadLettersPrefix = "dead-letters"

// outputPrefix names the output files of the task.
func (c *config) outputPrefix() string {
	if c.task == taskEmbed {
		return "embeddings"
	}
	return "labels"
}

// checkFlags refuses flag values that cannot work.
func (c *config) checkFlags() error {
	switch {
	case c.input == "":
		return usagef("--input is required: the files to read, e.g. 'corpus/*.jsonl'")
	case c.output == "":
		return usagef("--output is required: the directory to write to")
	case c.task != taskClassify && c.task != taskEmbed:
		return usagef("--task must be classify or embed, not %q", c.task)
	case c.pool != engine.PoolMean && c.pool != engine.PoolCLS && c.pool != engine.PoolPooler:
		return usagef("--pool must be mean, cls or pooler, not %q", c.pool)
	case c.batchTokens < 1 || c.batchTokens > maxBatchTokens:
		return usagef("--batch-tokens must be from 1 to %d, not %d", maxBatchTokens, c.batchTokens)
	case c.shards < 1:
		return usagef("--shards must be at least 1, not %d", c.shards)
	case c.model.Threads < 0:
		return usagef("--threads must be 0 (all cores) or more, not %d", c.model.Threads)
	}
	return nil
}

// checkWork checks, before the job starts, what would otherwise fail it on
// the workers: input that matches no file, output that would overwrite an
// earlier run's, a model that does not open or cannot do the task.
func (c *config) checkWork(ctx context.Context) error {
	files, err := list(ctx, c.input)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("--input %s matches no file", c.input)
	}
	for _, prefix := range []string{c.outputPrefix(), deadLettersPrefix} {
		earlier, err := list(ctx, inDir(c.output, prefix+"-*"))
		if err != nil {
			return err
		}
		if len(earlier) > 0 {
			return fmt.Errorf("%s already holds the output of a run (%s): nothing is overwritten, choose another --output or remove them", c.output, earlier[0])
		}
	}
	if c.model.Path != "" && !strings.Contains(c.model.Path, "://") {
		if _, err := os.Stat(c.model.Path); errors.Is(err, os.ErrNotExist) {
			return usagef("--model %s: no such file or directory", c.model.Path)
		}
	}
	mod, err := sharedModel(ctx, c.model)
	if err != nil {
		return err
	}
	return checkTask(mod.Model, c.task, c.pool)
}

// list returns the files that match glob, in the Beam file system of its
// scheme.
func list(ctx context.Context, glob string) ([]string, error) {
	fs, err := filesystem.New(ctx, glob)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	return fs.List(ctx, glob)
}

// buildPipeline is the whole job: read the corpus, run the model, write the
// outputs and the dead letters.
func buildPipeline(c *config) *beam.Pipeline {
	p, s := beam.NewPipelineWithRoot()
	records, unreadable := readCorpus(s, c.input)
	// Spread the records over the workers, whichever file they came from.
	records = beam.Reshuffle(s, records)
	results, refused, tallies := beam.ParDo3(s, &inferFn{
		Model:       c.model,
		Task:        c.task,
		Pool:        c.pool,
		Normalize:   c.normalize,
		BatchTokens: c.batchTokens,
	}, records)
	writeShards(s, c.output, c.outputPrefix(), c.shards, results)
	dead := beam.Flatten(s, unreadable, refused)
	writeShards(s, c.output, deadLettersPrefix, 1, dead)
	countAll(s, tallies, beam.ParDo(s, deadLetterTally, dead))
	return p
}

// run checks the config and runs the job on the runner --runner names (prism,
// in this process, by default). It returns the job's counters, or nil when
// the job was only submitted (--async).
func run(ctx context.Context, c *config) (*tally, error) {
	if err := c.checkFlags(); err != nil {
		return nil, err
	}
	if err := c.checkWork(ctx); err != nil {
		return nil, err
	}
	res, err := beamx.RunWithMetrics(ctx, buildPipeline(c))
	if err != nil || *jobopts.Async {
		return nil, err
	}
	t := tallyOf(res)
	return &t, nil
}
