package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The chart's geometry, in SVG user units (pixels): one panel per batch
// size (rows) and thread count (columns), under a title and a legend.
const (
	svgPanelW, svgPanelH = 440, 300
	svgPadLeft           = 72 // room for the y tick labels and the axis title
	svgPadRight          = 16
	svgPadTop            = 34 // the panel's title
	svgPadBottom         = 50 // the x tick labels and the axis title
	svgHeaderH           = 78 // the chart's title, subtitle and legend
	svgMinWidth          = 560
)

// svgStyle is how one line looks: a colour, and a dash pattern so the
// lines stay apart in grey or for colour-blind readers. With one model the
// dtypes have a colour and a dash each; with several, each model has a
// colour and each dtype a dash.
type svgStyle struct{ color, dash string }

var svgStyles = map[string]svgStyle{
	"int8": {"#1f6fb4", ""},
	"fp16": {"#e0701b", "9 4"},
	"fp32": {"#2b9a3e", "3 3"},
}

// svgModelColors are the colours of the models, in the order timed.
var svgModelColors = []string{"#1f6fb4", "#c0392b", "#2b9a3e", "#8e44ad", "#e0701b", "#555555"}

// svgSeries is one line of the chart: one model's results in one dtype.
type svgSeries struct {
	model, dtype, label string
	style               svgStyle
}

// seriesOf lists the chart's lines: per dtype, and per model when there
// are several.
func seriesOf(results []benchResult, a benchAxes) []svgSeries {
	var models []string
	for _, r := range results {
		if !slices.Contains(models, r.Model) {
			models = append(models, r.Model)
		}
	}
	var out []svgSeries
	for m, model := range models {
		for _, dt := range a.dtypes {
			sr := svgSeries{model: model, dtype: dt, label: dt, style: svgStyles[dt]}
			if len(models) > 1 {
				sr.label = strings.TrimSuffix(model, " (random weights)") + " " + dt
				sr.style.color = svgModelColors[m%len(svgModelColors)]
			}
			out = append(out, sr)
		}
	}
	return out
}

// writeBenchSVG writes the chart of doc to path, through a temporary file
// in the same directory so that a reader never sees half a chart.
func writeBenchSVG(path string, doc *benchDoc) error {
	var b bytes.Buffer
	renderBenchSVG(&b, doc)
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	_, err = f.Write(b.Bytes())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// benchAxes are the distinct values of each dimension of the results.
type benchAxes struct {
	seqs, batches, threads []int
	dtypes                 []string
}

func axesOf(results []benchResult) benchAxes {
	var a benchAxes
	for _, r := range results {
		a.seqs = append(a.seqs, r.Seq)
		a.batches = append(a.batches, r.Batch)
		a.threads = append(a.threads, r.Threads)
		if !slices.Contains(a.dtypes, r.DType) {
			a.dtypes = append(a.dtypes, r.DType)
		}
	}
	for _, s := range []*[]int{&a.seqs, &a.batches, &a.threads} {
		slices.Sort(*s)
		*s = slices.Compact(*s)
	}
	return a
}

// renderBenchSVG draws tokens/s by sequence length, one line per dtype, in
// one panel per batch size and thread count.
func renderBenchSVG(b *bytes.Buffer, doc *benchDoc) {
	a := axesOf(doc.Results)
	series := seriesOf(doc.Results, a)
	width := max(svgMinWidth, len(a.threads)*svgPanelW, int(float64(len(series))*legendItem(series))+40)
	height := svgHeaderH + max(1, len(a.batches))*svgPanelH
	fmt.Fprintf(b, `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" font-size="12">
<rect width="100%%" height="100%%" fill="white"/>
`, width, height, width, height)
	svgText(b, float64(width)/2, 24, "middle", `font-size="16" font-weight="bold"`, "albertq bench: "+doc.Model+", tokens/s by sequence length")
	svgText(b, float64(width)/2, 44, "middle", `fill="#555"`, doc.Machine.describe()+"; tokens/s = batch × seq / p50 latency")
	svgLegend(b, float64(width)/2, 64, series)
	for row, batch := range a.batches {
		for col, threads := range a.threads {
			x0, y0 := float64(col*svgPanelW), float64(svgHeaderH+row*svgPanelH)
			svgPanel(b, x0, y0, doc.Results, a, series, batch, threads)
		}
	}
	b.WriteString("</svg>\n")
}

// svgLegend draws a sample of each line, centred on cx.
func svgLegend(b *bytes.Buffer, cx, y float64, series []svgSeries) {
	item := legendItem(series)
	x := cx - float64(len(series))*item/2
	for _, sr := range series {
		st := sr.style
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2.5"%s/>`+"\n",
			x, y-4, x+30, y-4, st.color, dashAttr(st))
		svgText(b, x+36, y, "start", "", sr.label)
		x += item
	}
}

// legendItem is the width of one legend entry: room for a dtype, or for a
// model's name and a dtype.
func legendItem(series []svgSeries) float64 {
	if len(series) > len(svgStyles) {
		return 150
	}
	return 90
}

// svgPanel draws the panel of one batch size and thread count at (x0, y0).
func svgPanel(b *bytes.Buffer, x0, y0 float64, results []benchResult, a benchAxes, series []svgSeries, batch, threads int) {
	left, right := x0+svgPadLeft, x0+svgPanelW-svgPadRight
	top, bottom := y0+svgPadTop, y0+svgPanelH-svgPadBottom
	step, ymax := yScale(results)
	xAt := func(i int) float64 { return left + (right-left)*(float64(i)+0.5)/float64(len(a.seqs)) }
	yAt := func(v float64) float64 { return bottom - (bottom-top)*v/ymax }

	svgText(b, (left+right)/2, y0+20, "middle", `font-weight="bold"`, fmt.Sprintf("batch %d, threads %d", batch, threads))
	for i := 0; float64(i)*step <= ymax*(1+1e-9); i++ {
		v := float64(i) * step
		y := yAt(v)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", left, y, right, y)
		svgText(b, left-6, y+4, "end", "", siNumber(v))
	}
	for i, seq := range a.seqs {
		x := xAt(i)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", x, bottom, x, bottom+5)
		svgText(b, x, bottom+18, "middle", "", strconv.Itoa(seq))
	}
	fmt.Fprintf(b, `<polyline points="%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="none" stroke="black"/>`+"\n",
		left, top, left, bottom, right, bottom)
	svgText(b, (left+right)/2, bottom+38, "middle", "", "sequence length (tokens)")
	cy := (top + bottom) / 2
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" transform="rotate(-90 %.1f %.1f)">tokens/s</text>`+"\n",
		x0+18, cy, x0+18, cy)

	for _, sr := range series {
		st := sr.style
		var points, marks bytes.Buffer
		for i, seq := range a.seqs {
			for _, r := range results {
				if r.Model != sr.model || r.DType != sr.dtype || r.Seq != seq || r.Batch != batch || r.Threads != threads {
					continue
				}
				x, y := xAt(i), yAt(r.TokensPerSec)
				fmt.Fprintf(&points, "%.1f,%.1f ", x, y)
				fmt.Fprintf(&marks, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s, seq %d: %.0f tokens/s, p50 %s ms</title></circle>`+"\n",
					x, y, st.color, escapeXML(sr.label), seq, r.TokensPerSec, fmtMS(r.P50ms))
			}
		}
		fmt.Fprintf(b, `<polyline data-dtype="%s" points="%s" fill="none" stroke="%s" stroke-width="2.5"%s/>`+"\n",
			escapeXML(sr.dtype), bytes.TrimSpace(points.Bytes()), st.color, dashAttr(st))
		b.Write(marks.Bytes())
	}
}

// yScale is the tick step and top of the y axis, shared by every panel so
// that heights compare across batch sizes and thread counts.
func yScale(results []benchResult) (step, top float64) {
	var peak float64
	for _, r := range results {
		peak = max(peak, r.TokensPerSec)
	}
	step = niceStep(peak)
	return step, step * math.Max(1, math.Ceil(peak/step))
}

func dashAttr(st svgStyle) string {
	if st.dash == "" {
		return ""
	}
	return fmt.Sprintf(` stroke-dasharray="%s"`, st.dash)
}

// svgText writes a text element; attrs are extra attributes, already valid XML.
func svgText(b *bytes.Buffer, x, y float64, anchor, attrs, text string) {
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="%s" %s>%s</text>`+"\n", x, y, anchor, attrs, escapeXML(text))
}

func escapeXML(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// niceStep is a tick step of 1, 2 or 5 times a power of ten that cuts
// [0, peak] into about five intervals.
func niceStep(peak float64) float64 {
	if !(peak > 0) || math.IsInf(peak, 0) {
		return 1
	}
	raw := peak / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, f := range []float64{1, 2, 5} {
		if f*mag >= raw {
			return f * mag
		}
	}
	return 10 * mag
}

// siNumber prints a tick value compactly: 250, 1.5k, 12k, 3M.
func siNumber(v float64) string {
	unit := ""
	switch {
	case v >= 1e6:
		v, unit = v/1e6, "M"
	case v >= 1e3:
		v, unit = v/1e3, "k"
	}
	return strconv.FormatFloat(v, 'g', 4, 64) + unit
}
