package main

import (
	"bufio"
	"context"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
)

// shardName is the file name of shard i of n: prefix-00002-of-00004.jsonl.
func shardName(prefix string, i, n int) string {
	return fmt.Sprintf("%s-%05d-of-%05d.jsonl", prefix, i, n)
}

// inDir joins a directory (local, or a Beam file system URL) and a file name.
func inDir(dir, name string) string {
	return strings.TrimSuffix(dir, "/") + "/" + name
}

// writeShards writes the lines of col (PCollection<string>) into n files of
// JSON Lines in dir, each line in the shard its hash picks. Every shard's
// file is written, empty or not, so the set is always complete.
func writeShards(s beam.Scope, dir, prefix string, n int, col beam.PCollection) {
	s = s.Scope("writeShards." + prefix)
	keyed := beam.ParDo(s, &shardKeyFn{Shards: n}, col)
	every := beam.ParDo(s, &shardIDsFn{Shards: n}, beam.Impulse(s))
	beam.ParDo0(s, &writeShardFn{Dir: dir, Prefix: prefix, Shards: n}, beam.CoGroupByKey(s, keyed, every))
}

// shardKeyFn keys each line with its shard, by the FNV-1a hash of the line.
type shardKeyFn struct{ Shards int }

func (fn *shardKeyFn) ProcessElement(line string, emit func(int, string)) {
	h := fnv.New32a()
	h.Write([]byte(line))
	emit(int(h.Sum32()%uint32(fn.Shards)), line)
}

// shardIDsFn emits every shard number once, so that each shard has a group.
type shardIDsFn struct{ Shards int }

func (fn *shardIDsFn) ProcessElement(_ []byte, emit func(int, bool)) {
	for i := range fn.Shards {
		emit(i, true)
	}
}

// writeShardFn writes one shard's lines to a hidden temporary file in Dir and
// renames it into place when complete, so a shard file is never seen half
// written; a retried bundle writes the same temporary file again.
type writeShardFn struct {
	Dir, Prefix string
	Shards      int
}

func (fn *writeShardFn) ProcessElement(ctx context.Context, shard int, lines func(*string) bool, _ func(*bool) bool) error {
	name := shardName(fn.Prefix, shard, fn.Shards)
	final, tmp := inDir(fn.Dir, name), inDir(fn.Dir, "."+name+".tmp")
	fs, err := filesystem.New(ctx, final)
	if err != nil {
		return err
	}
	defer fs.Close()
	if err := writeLines(ctx, fs, tmp, lines); err != nil {
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	return filesystem.Rename(ctx, fs, tmp, final)
}

// writeLines writes each line and a newline to the file called name.
func writeLines(ctx context.Context, fs filesystem.Interface, name string, lines func(*string) bool) error {
	f, err := fs.OpenWrite(ctx, name)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var line string
	for lines(&line) {
		w.WriteString(line)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
