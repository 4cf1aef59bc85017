package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkSVGFile parses the chart at path as XML and checks its root and
// that each dtype has one line per panel.
func checkSVGFile(t *testing.T, path string, dtypes []string, panels int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, data, dtypes, panels)
}

func checkSVG(t *testing.T, data []byte, dtypes []string, panels int) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	lines := map[string]int{}
	var root *xml.StartElement
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("chart is not XML: %v", err)
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if root == nil {
			root = &el
		}
		if el.Name.Local != "polyline" {
			continue
		}
		for _, a := range el.Attr {
			if a.Name.Local == "data-dtype" {
				lines[a.Value]++
			}
		}
	}
	if root == nil || root.Name.Local != "svg" || root.Name.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root element %v, want svg in the SVG namespace", root)
	}
	for _, dt := range dtypes {
		if lines[dt] != panels {
			t.Errorf("%s has %d lines, want one per panel (%d)", dt, lines[dt], panels)
		}
	}
}

func TestRenderBenchSVG(t *testing.T) {
	doc := &benchDoc{Model: `albert-<base> & "friends"`, Machine: benchMachine{GOARCH: "amd64", CPUs: 2, GoVersion: "go1.26"}}
	for _, dt := range []string{"int8", "fp32"} {
		for _, seq := range []int{16, 128, 64} {
			doc.Results = append(doc.Results, benchResult{DType: dt, Seq: seq, Batch: 1, Threads: 1, TokensPerSec: float64(seq) * 10, P50ms: 1})
		}
	}
	var b bytes.Buffer
	renderBenchSVG(&b, doc)
	checkSVG(t, b.Bytes(), []string{"int8", "fp32"}, 1)
	for _, want := range []string{"albert-&lt;base&gt; &amp;", "batch 1, threads 1", "tokens/s", "sequence length", ">64<"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("chart lacks %q", want)
		}
	}
}

func TestWriteBenchSVGReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chart.svg")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := &benchDoc{Results: []benchResult{{DType: "int8", Seq: 8, Batch: 1, Threads: 1, TokensPerSec: 5}}}
	if err := writeBenchSVG(path, doc); err != nil {
		t.Fatal(err)
	}
	checkSVGFile(t, path, []string{"int8"}, 1)
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if err := writeBenchSVG(filepath.Join(path, "no", "such", "dir.svg"), doc); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}

func TestNiceStep(t *testing.T) {
	for _, c := range []struct{ peak, want float64 }{
		{0, 1}, {4, 1}, {10, 2}, {23, 5}, {49, 10}, {51, 20}, {12000, 5000}, {987654, 200000},
	} {
		if got := niceStep(c.peak); got != c.want {
			t.Errorf("niceStep(%v) = %v, want %v", c.peak, got, c.want)
		}
	}
	for v, want := range map[float64]string{0: "0", 250: "250", 1500: "1.5k", 12000: "12k", 3e6: "3M"} {
		if got := siNumber(v); got != want {
			t.Errorf("siNumber(%v) = %q, want %q", v, got, want)
		}
	}
}
