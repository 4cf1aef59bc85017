// Command albertq-beam embeds or classifies a corpus with albertq on Apache
// Beam: in this process on Beam's prism runner, or on Flink, Spark or Google
// Dataflow through their Beam runners. See the README beside this file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/albertq/albertq/engine"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

const usageText = `Usage: albertq-beam --input GLOB --output DIR --task classify|embed [flags] [Beam flags]

Reads every file GLOB matches, runs the model on each text and writes sharded
JSON Lines to DIR:
  labels-SSSSS-of-NNNNN.jsonl         {"id": ..., "label": "games", "score": 0.97}
  embeddings-SSSSS-of-NNNNN.jsonl     {"id": ..., "embedding": [...]}
  dead-letters-00000-of-00001.jsonl   {"source": "FILE:LINE", "reason": "..."}
Files named *.jsonl, *.ndjson or *.json hold {"id": ..., "text": "..."} per line
(the id is optional: FILE:LINE by default); other files hold one text per line;
*.gz files are read as gzip. Records that cannot be used go to the dead letters,
with the reason; they never fail the job.

It runs on Beam's prism runner in this process unless --runner says otherwise:
--runner flink|spark with --endpoint HOST:PORT of a job server, or --runner
dataflow with --project, --region and --staging_location (see the README).

Flags:
`

// addFlags defines the command's flags on fs and returns the config they fill.
func addFlags(fs *flag.FlagSet) *config {
	c := &config{}
	fs.StringVar(&c.input, "input", "", "the files to read: a path or a glob, local or a Beam file system URL (gs://...)")
	fs.StringVar(&c.output, "output", "", "the directory to write to, local or a Beam file system URL")
	fs.StringVar((*string)(&c.task), "task", "", "classify (the most probable label) or embed (one vector per text)")
	fs.StringVar(&c.model.Path, "model", "", "an .albq file or a checkpoint directory every worker can read, or an .albq URL (gs://...) (default: the embedded debsec classifier)")
	fs.IntVar(&c.batchTokens, "batch-tokens", 4096, "the most tokens run in one forward pass")
	fs.IntVar(&c.model.Threads, "threads", 0, "threads for each forward pass (0: all cores)")
	fs.BoolVar(&c.model.NoTruncate, "no-truncate", false, "send texts longer than the model takes to the dead letters instead of truncating them")
	fs.StringVar((*string)(&c.pool), "pool", string(engine.PoolMean), "embed: how token vectors become one: mean, cls or pooler")
	fs.BoolVar(&c.normalize, "normalize", false, "embed: scale each vector to unit length")
	fs.IntVar(&c.shards, "shards", 4, "how many files the output is split into")
	return c
}

// ownFlags are the flags addFlags defines, in the order the usage lists them.
var ownFlags = []string{"input", "output", "task", "model", "batch-tokens", "threads", "no-truncate", "pool", "normalize", "shards"}

// printUsage prints the usage and the command's own flags (Beam's runner
// flags are many and documented by Beam).
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, usageText)
	for _, name := range ownFlags {
		f := fs.Lookup(name)
		kind, help := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  --%s %s\n    \t%s", name, kind, help)
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	}
}

// usageError is a mistake in how the command was called: it exits with 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func main() {
	fs := flag.CommandLine // where Beam's packages define the runner flags
	c := addFlags(fs)
	fs.Usage = func() { printUsage(fs.Output(), fs) }
	fs.Parse(os.Args[1:]) // a flag mistake exits with 2, --help with 0
	beam.Init()           // a worker binary started by a runner runs its harness here
	var err error
	if fs.NArg() > 0 {
		err = usagef("unexpected argument %q: the texts come from --input", fs.Arg(0))
	} else {
		var n *tally
		n, err = run(context.Background(), c)
		switch {
		case err != nil:
		case n == nil:
			fmt.Printf("albertq-beam: job submitted; its output goes to %s\n", c.output)
		default:
			fmt.Printf("albertq-beam: %d texts (%d tokens, %d truncated), %d dead letters; output in %s\n",
				n.Texts, n.Tokens, n.Truncated, n.DeadLetters, c.output)
		}
	}
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode reports err on stderr in one line and returns the exit code: 0
// on success, 2 for a usage mistake, 1 for a failure.
func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "albertq-beam: %v (see 'albertq-beam --help')\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "albertq-beam: %s\n", strings.TrimSpace(err.Error()))
		return 1
	}
}
