package main

import (
	"io"
	"strconv"
	"strings"

	"github.com/albertq/albertq/engine"
)

const embedUsage = `[--model PATH] [--pool mean|cls|pooler] [--normalize] [--json] TEXT... | -

Prints one vector per text: space-separated numbers, one text per line, or JSON.`

func embedCmd(args []string, stdout, stderr io.Writer) error {
	cmd := newTextCommand("embed", embedUsage, classifierDefault, stdout)
	pool := cmd.flags.String("pool", "mean", "how token vectors become one: mean, cls or pooler")
	normalize := cmd.flags.Bool("normalize", false, "scale each vector to unit length")
	texts, mod, err := cmd.start(args, func() error {
		switch engine.Pooling(*pool) {
		case engine.PoolMean, engine.PoolCLS, engine.PoolPooler:
			return nil
		}
		return usagef("--pool must be mean, cls or pooler, not %q", *pool)
	})
	if err != nil {
		return err
	}
	defer mod.Close()
	embeddings, err := mod.Embed(texts, engine.Pooling(*pool), *normalize)
	if err != nil {
		return err
	}
	warnTruncated(stderr, len(embeddings), func(i int) bool { return embeddings[i].Truncated })
	for i, e := range embeddings {
		if *cmd.asJSON {
			if err := writeJSONLine(stdout, struct {
				Text string `json:"text"`
				engine.Embedding
			}{texts[i], e}); err != nil {
				return err
			}
			continue
		}
		fields := make([]string, len(e.Vector))
		for j, x := range e.Vector {
			fields[j] = strconv.FormatFloat(float64(x), 'g', 7, 32)
		}
		if _, err := io.WriteString(stdout, strings.Join(fields, " ")+"\n"); err != nil {
			return err
		}
	}
	return nil
}
