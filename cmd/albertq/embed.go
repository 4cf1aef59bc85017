package main

import (
	"io"
	"strconv"
	"strings"

	"github.com/albertq/albertq/engine"
)

const embedUsage = `[--model PATH] [--pool POOLING] [--normalize] [--json] TEXT... | - | --jsonl

Prints one vector per text: space-separated numbers, one text per line, or JSON.
Without --pool, the model's own sentence embedding: a sentence-transformers
directory's pooling and normalization, mean pooling for other models.
--jsonl reads one JSON object {"text": ...} per line and prints one object per
line. An input that cannot be run (not valid UTF-8, or too long with
--no-truncate) gets an error in its place, {"line": N, "error": ...} in JSON,
an empty line otherwise; every other input is still printed, and the command
fails at the end.`

func embedCmd(args []string, stdout, stderr io.Writer) error {
	cmd := newTextCommand("embed", embedUsage, classifierDefault, stdout)
	pool := cmd.flags.String("pool", "", "how token vectors become one: mean, cls, pooler, max, mean-sqrt-len or lasttoken (default: the model's own)")
	normalize := cmd.flags.Bool("normalize", false, "scale each vector to unit length (a sentence-transformers model with a Normalize module always is, without --pool)")
	inputs, mod, err := cmd.start(args, func() error {
		switch engine.Pooling(*pool) {
		case engine.PoolModel, engine.PoolMean, engine.PoolCLS, engine.PoolPooler, engine.PoolMax, engine.PoolMeanSqrtLen, engine.PoolLastToken:
			return nil
		}
		return usagef("--pool must be mean, cls, pooler, max, mean-sqrt-len or lasttoken, not %q", *pool)
	}, 0)
	if err != nil {
		return err
	}
	defer mod.Close()
	embeddings, errs, err := batchErrors(inputs, func(good []input) ([]engine.Embedding, error) {
		return mod.Embed(texts(good), engine.Pooling(*pool), *normalize)
	})
	if err != nil {
		return err
	}
	warnTruncated(stderr, len(embeddings), func(i int) bool { return embeddings[i].Truncated })
	return writeResults(stdout, stderr, "embed", *cmd.asJSON, inputs, errs, func(i int) error {
		e := embeddings[i]
		if *cmd.asJSON {
			return writeJSONLine(stdout, struct {
				Text string `json:"text"`
				engine.Embedding
			}{inputs[i].Text, e})
		}
		fields := make([]string, len(e.Vector))
		for j, x := range e.Vector {
			fields[j] = strconv.FormatFloat(float64(x), 'g', 7, 32)
		}
		_, err := io.WriteString(stdout, strings.Join(fields, " ")+"\n")
		return err
	})
}
