package main

import (
	"io"
	"strconv"
	"strings"

	"github.com/albertq/albertq/engine"
)

const embedUsage = `[--model PATH] [--pool mean|cls|pooler] [--normalize] [--json] TEXT... | -

Prints one vector per text: space-separated numbers, one text per line, or JSON.`

func embedCmd(args []string, stdout io.Writer) error {
	fs := newFlags("embed", embedUsage, stdout)
	mf := addModelFlags(fs, classifierDefault)
	pool := fs.String("pool", "mean", "how token vectors become one: mean, cls or pooler")
	normalize := fs.Bool("normalize", false, "scale each vector to unit length")
	asJSON := fs.Bool("json", false, "print JSON, one object per text")
	texts, mod, err := textsAndModel(fs, mf, args, func() error {
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
	vectors, err := mod.Embed(texts, engine.Pooling(*pool), *normalize)
	if err != nil {
		return err
	}
	warnTruncated(truncatedTexts(mod, texts))
	for i, v := range vectors {
		if *asJSON {
			if err := writeJSONLine(stdout, map[string]any{"text": texts[i], "embedding": v}); err != nil {
				return err
			}
			continue
		}
		fields := make([]string, len(v))
		for j, x := range v {
			fields[j] = strconv.FormatFloat(float64(x), 'g', 7, 32)
		}
		if _, err := io.WriteString(stdout, strings.Join(fields, " ")+"\n"); err != nil {
			return err
		}
	}
	return nil
}
