package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
)

// record is one text of the corpus on its way to the model.
type record struct {
	Source string // file:line, for dead letters and as the default id
	ID     string // the id as JSON: the record's own "id", or Source quoted
	Text   string
}

// deadLetter is a record the pipeline could not use and why; Source points
// at the record in the input.
type deadLetter struct {
	Source string          `json:"source"`
	ID     json.RawMessage `json:"id,omitempty"`
	Reason string          `json:"reason"`
}

// jsonLine is v as one line of JSON. Every value passed to it marshals.
func jsonLine(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("albertq-beam: %T does not marshal: %v", v, err))
	}
	return string(data)
}

// readCorpus reads every file the glob matches, one record per line, and
// returns the records and the dead letters of lines that hold none.
func readCorpus(s beam.Scope, glob string) (records, deadLetters beam.PCollection) {
	s = s.Scope("readCorpus")
	files := fileio.ReadMatches(s, fileio.MatchFiles(s, glob))
	return beam.ParDo2(s, readFileFn, files)
}

// readFileFn reads one input file line by line (gzip-compressed when its
// name ends in .gz). Files named *.jsonl, *.ndjson or *.json hold one JSON
// object per line, {"id": ..., "text": "..."}; any other file holds one text
// per line. Blank lines are skipped, as `albertq classify -` skips them. A
// file is read whole by one worker, so that its records are numbered by line;
// a corpus spreads over workers file by file, and the Reshuffle after it
// spreads a big file's records.
func readFileFn(ctx context.Context, file fileio.ReadableFile, emit func(record), dead func(string)) error {
	rc, err := file.Open(ctx)
	if err != nil {
		return err
	}
	defer rc.Close()
	name := file.Metadata.Path
	jsonl := isJSONL(name)
	r := bufio.NewReader(rc)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			source := name + ":" + strconv.Itoa(n)
			if rec, reason := parseLine(source, line, jsonl); reason != "" {
				dead(jsonLine(deadLetter{Source: source, Reason: reason}))
			} else if rec != nil {
				emit(*rec)
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
	}
}

// isJSONL tells from a file's name whether it holds JSON Lines.
func isJSONL(name string) bool {
	switch path.Ext(strings.TrimSuffix(name, ".gz")) {
	case ".jsonl", ".ndjson", ".json":
		return true
	}
	return false
}

// parseLine turns one line of input into a record, or says why it holds
// none; a blank line gives neither.
func parseLine(source string, line []byte, jsonl bool) (rec *record, reason string) {
	line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	if len(bytes.TrimSpace(line)) == 0 {
		return nil, ""
	}
	// JSON decoding would quietly turn invalid bytes into U+FFFD.
	if !utf8.Valid(line) {
		return nil, fmt.Sprintf("not valid UTF-8 (byte %d)", firstInvalidByte(line))
	}
	defaultID := jsonLine(source)
	if !jsonl {
		return &record{Source: source, ID: defaultID, Text: string(line)}, ""
	}
	if bytes.TrimSpace(line)[0] != '{' {
		return nil, "not a JSON object"
	}
	var fields struct {
		ID   json.RawMessage `json:"id"`
		Text json.RawMessage `json:"text"`
	}
	if err := json.Unmarshal(line, &fields); err != nil {
		return nil, "not JSON: " + err.Error()
	}
	if fields.Text == nil || string(fields.Text) == "null" {
		return nil, `no "text"`
	}
	rec = &record{Source: source, ID: defaultID}
	if err := json.Unmarshal(fields.Text, &rec.Text); err != nil {
		return nil, `"text" is not a string`
	}
	if fields.ID != nil && string(fields.ID) != "null" {
		rec.ID = string(fields.ID) // compacted when the output is marshalled
	}
	return rec, ""
}

// firstInvalidByte is the offset of the first byte of b that does not start
// a valid UTF-8 sequence.
func firstInvalidByte(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}
