package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseLine(t *testing.T) {
	const src = "dir/a.jsonl:7"
	const defaultID = `"dir/a.jsonl:7"`
	for _, tc := range []struct {
		name, line string
		jsonl      bool
		want       *record
		reason     string
	}{
		{name: "text line", line: "an image editor\n", want: &record{src, defaultID, "an image editor"}},
		{name: "text line with CRLF", line: "an image editor\r\n", want: &record{src, defaultID, "an image editor"}},
		{name: "text line that looks like JSON", line: `{"text": "x"}`, want: &record{src, defaultID, `{"text": "x"}`}},
		{name: "blank text line", line: " \t\r\n"},
		{name: "invalid UTF-8 text line", line: "caf\xe9 au lait\n", reason: "not valid UTF-8 (byte 3)"},
		{name: "id and text", line: `{"id": "pkg-1", "text": "a game"}`, jsonl: true, want: &record{src, `"pkg-1"`, "a game"}},
		{name: "number id", line: `{"id": 17, "text": "a game"}`, jsonl: true, want: &record{src, `17`, "a game"}},
		{name: "structured id", line: `{"id": {"k": [1, 2]}, "text": "a game"}`, jsonl: true, want: &record{src, `{"k": [1, 2]}`, "a game"}},
		{name: "no id", line: `{"text": "a game", "label": "games"}`, jsonl: true, want: &record{src, defaultID, "a game"}},
		{name: "null id", line: `{"id": null, "text": "a game"}`, jsonl: true, want: &record{src, defaultID, "a game"}},
		{name: "escapes", line: `{"text": "tab\there \u00e9"}` + "\r\n", jsonl: true, want: &record{src, defaultID, "tab\there é"}},
		{name: "empty text", line: `{"id": 1, "text": ""}`, jsonl: true, want: &record{src, `1`, ""}},
		{name: "blank JSON line", line: "\n", jsonl: true},
		{name: "invalid UTF-8 in JSON", line: "{\"text\": \"caf\xe9\"}", jsonl: true, reason: "not valid UTF-8 (byte 13)"},
		{name: "not JSON", line: "just some words", jsonl: true, reason: "not a JSON object"},
		{name: "JSON array", line: `["a game"]`, jsonl: true, reason: "not a JSON object"},
		{name: "broken JSON", line: `{"text": }`, jsonl: true, reason: "not JSON: invalid character '}' looking for beginning of value"},
		{name: "no text", line: `{"id": 4}`, jsonl: true, reason: `no "text"`},
		{name: "null text", line: `{"id": 4, "text": null}`, jsonl: true, reason: `no "text"`},
		{name: "text not a string", line: `{"id": 5, "text": 17}`, jsonl: true, reason: `"text" is not a string`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, reason := parseLine(src, []byte(tc.line), tc.jsonl)
			if diff := cmp.Diff(tc.want, rec); diff != "" {
				t.Errorf("record (-want +got):\n%s", diff)
			}
			if reason != tc.reason {
				t.Errorf("reason %q, want %q", reason, tc.reason)
			}
		})
	}
}

func TestIsJSONL(t *testing.T) {
	for name, want := range map[string]bool{
		"a.jsonl": true, "a.ndjson": true, "a.json": true, "gs://b/c/a.jsonl.gz": true,
		"a.txt": false, "a.txt.gz": false, "a": false, "jsonl": false, "a.jsonl.bak": false,
	} {
		if got := isJSONL(name); got != want {
			t.Errorf("isJSONL(%q) = %v, want %v", name, got, want)
		}
	}
}
