package main

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/klauspost/cpuid/v2"

	"github.com/albertq/albertq"
	"github.com/albertq/albertq/convert"
	"github.com/albertq/albertq/engine"
	"github.com/albertq/albertq/internal/kernelbench"
	"github.com/albertq/albertq/kernels"
	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

const benchUsage = `[--model PATH | --config NAME[,NAME...]] [--seq 16,64,128,256]
       [--batch 1,8] [--threads 1,N] [--dtypes int8,fp16,fp32] [--kernels NAME] [--time 2s]
       [--json] [--svg FILE]
   or: albertq bench --gemm [--time 500ms] [--json]

Times the encoder on every (dtype, sequence length, batch, threads)
combination: after a warm-up it repeats the batch for --time (at least 5
runs) and reports latency percentiles, tokens/s (batch*seq / p50), the
speed-up over fp32 measured in the same run, the kernel, the size of the
stored weights and the peak RSS. Without --model it builds random weights of
a standard size (--config): ALBERT's base, large, xlarge, xxlarge or tiny,
or the BERT family's bert-base, minilm-l6, tinybert-4l, distilbert-base or
mobilebert; several, comma-separated, are timed one after another in the
same run and drawn side by side; with --model it converts the model's weights
to each dtype in memory (a file's own dtype is timed as stored).

--gemm times the GEMM kernels alone instead, every one this CPU can run,
single-threaded, at the shapes of albert-base's Linears over 128 tokens
(M*K*N = 128*768*768, 128*768*3072, 128*3072*768), in GOPS and % of the
peak measured in the run.`

// benchMinRuns is the fewest timed runs of a configuration, whatever --time says.
const benchMinRuns = 5

// benchKernelShapes are the M×K×N shapes --gemm times: albert-base's
// attention (768→768), FFN (768→3072) and FFN output (3072→768) Linears
// over 128 tokens.
var benchKernelShapes = [][3]int{{128, 768, 768}, {128, 768, 3072}, {128, 3072, 768}}

// benchOptions is what the flags ask for.
type benchOptions struct {
	model                  string
	configs                []string // --config: the standard sizes to time
	seqs, batches, threads []int
	dtypes                 []modelfile.DType
	budget                 time.Duration
	json                   bool
	svg                    string
	kernels                string // the kernel set to force (see kernels.Select); empty: the default
	gemm                   bool   // time the GEMM kernels instead of the engine
}

// benchResult is the measurement of one configuration.
type benchResult struct {
	DType        string  `json:"dtype"`
	Seq          int     `json:"seq"`
	Batch        int     `json:"batch"`
	Threads      int     `json:"threads"`
	Runs         int     `json:"runs"`
	Model        string  `json:"model"` // which model, when several are timed
	P50ms        float64 `json:"p50_ms"`
	P90ms        float64 `json:"p90_ms"`
	P99ms        float64 `json:"p99_ms"`
	TokensPerSec float64 `json:"tokens_per_s"`
	// SpeedupVsFP32 is fp32's p50 over this p50 for the same seq, batch
	// and threads; null when fp32 was not measured.
	SpeedupVsFP32 *float64 `json:"speedup_vs_fp32"`
	Kernel        string   `json:"kernel"`
	ModelBytes    int64    `json:"model_bytes"`
	// PeakRSSBytes is the peak resident set size while this configuration
	// ran (see benchMachine.PeakRSS); null where the OS does not say.
	PeakRSSBytes *int64 `json:"peak_rss_bytes"`
}

// benchMachine describes where the numbers were measured.
type benchMachine struct {
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	CPUs      int    `json:"cpus"`
	CPU       string `json:"cpu,omitempty"`
	GoVersion string `json:"go_version"`
	// Kernels is the kernel chosen for each dtype.
	Kernels map[string]string `json:"kernels"`
	// PeakRSS says what peak_rss_bytes covers: "configuration" (the peak
	// is reset before each one), "process" (the peak since the process
	// started) or "n/a".
	PeakRSS string `json:"peak_rss,omitempty"`
}

// benchDoc is what `albertq bench --json` prints.
type benchDoc struct {
	Machine      benchMachine       `json:"machine"`
	Model        string             `json:"model"`   // the models timed, ", "-separated
	Configs      []modelfile.Config `json:"configs"` // their configurations, in that order
	TimeBudgetMS float64            `json:"time_budget_ms"`
	Results      []benchResult      `json:"results"`
}

// benchKernelsDoc is what `albertq bench --gemm --json` prints.
type benchKernelsDoc struct {
	Machine benchMachine         `json:"machine"`
	Peaks   map[string]float64   `json:"peaks_gops"`
	Results []kernelbench.Result `json:"results"`
}

func benchCmd(args []string, stdout, stderr io.Writer) error {
	o, err := parseBenchFlags(args, stdout)
	if err != nil {
		return err
	}
	machine, err := newBenchMachine(o.kernels)
	if err != nil {
		return err
	}
	prog := newProgress("bench", stderr)
	defer prog.done()
	if o.gemm {
		return benchKernels(o, machine, prog, stdout)
	}
	srcs, err := openBenchSources(o)
	if err != nil {
		return err
	}
	doc := &benchDoc{Machine: machine, TimeBudgetMS: float64(o.budget) / 1e6}
	var names []string
	machine.PeakRSS = "configuration"
	for _, src := range srcs {
		if err := src.check(o, stderr); err != nil {
			return err
		}
		results, scope, err := runBench(o, src, prog)
		if err != nil {
			return err
		}
		if scope != "configuration" {
			machine.PeakRSS = scope
		}
		names = append(names, src.name)
		doc.Configs = append(doc.Configs, src.cfg)
		doc.Results = append(doc.Results, results...)
	}
	prog.done()
	doc.Machine, doc.Model = machine, strings.Join(names, ", ")
	if o.svg != "" {
		if err := writeBenchSVG(o.svg, doc); err != nil {
			return err
		}
	}
	if o.json {
		return writeJSON(stdout, doc)
	}
	return writeBenchTable(stdout, doc)
}

func parseBenchFlags(args []string, stdout io.Writer) (*benchOptions, error) {
	fs := newFlags("bench", benchUsage, stdout)
	o := &benchOptions{}
	fs.StringVar(&o.model, "model", "", "an .albq file or a Hugging Face checkpoint directory (default: random weights)")
	config := fs.String("config", "base", "the sizes to build with random weights, comma-separated: ALBERT's tiny, base, large, xlarge or xxlarge; bert-base, minilm-l6, tinybert-4l, distilbert-base or mobilebert")
	seqs := fs.String("seq", "16,64,128,256", "comma-separated sequence lengths (tokens)")
	batches := fs.String("batch", "1,8", "comma-separated batch sizes (sequences per run)")
	threads := fs.String("threads", fmt.Sprintf("1,%d", runtime.NumCPU()), "comma-separated thread counts")
	dtypes := fs.String("dtypes", "int8,fp16,fp32", "comma-separated weight types: int8, fp16, fp32")
	fs.DurationVar(&o.budget, "time", 2*time.Second, "time spent measuring each configuration, after the warm-up (--gemm: 500ms per kernel and shape)")
	fs.BoolVar(&o.json, "json", false, "print one JSON document instead of a table")
	fs.StringVar(&o.svg, "svg", "", "also write a chart of tokens/s by sequence length to this SVG file")
	fs.StringVar(&o.kernels, "kernels", "", "force a kernel set by name (see 'albertq info'); default: the best this CPU has")
	fs.BoolVar(&o.gemm, "gemm", false, "time the GEMM kernels alone instead of the engine")
	if err := parseNoArgs(fs, args); err != nil {
		return nil, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.budget <= 0 {
		return nil, usagef("--time %v: want a positive duration such as 2s or 500ms", o.budget)
	}
	if o.gemm {
		for _, name := range []string{"model", "config", "seq", "batch", "threads", "dtypes", "kernels", "svg"} {
			if set[name] {
				return nil, usagef("--%s does not apply to --gemm (it times every kernel this CPU can run)", name)
			}
		}
		if !set["time"] {
			o.budget = 500 * time.Millisecond
		}
		return o, nil
	}
	if set["model"] && set["config"] {
		return nil, usagef("give --model or --config, not both")
	}
	if o.model == "" {
		for _, name := range strings.Split(*config, ",") {
			name = strings.TrimSpace(name)
			if _, err := convert.Preset(name); err != nil {
				return nil, usagef("--config: %v", err)
			}
			if slices.Contains(o.configs, name) {
				return nil, usagef("--config: %s is named twice", name)
			}
			o.configs = append(o.configs, name)
		}
	}
	var err error
	if o.seqs, err = parseIntList("seq", *seqs, 1, math.MaxInt32); err != nil {
		return nil, err
	}
	if o.batches, err = parseIntList("batch", *batches, 1, 1<<16); err != nil {
		return nil, err
	}
	if o.threads, err = parseIntList("threads", *threads, 1, 1<<10); err != nil {
		return nil, err
	}
	if o.svg != "" {
		// Fail now rather than after minutes of measuring.
		if dir := filepath.Dir(o.svg); !isDir(dir) {
			return nil, usagef("--svg %s: there is no directory %s", o.svg, dir)
		}
	}
	o.dtypes, err = parseDTypeList(*dtypes)
	return o, err
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// parseIntList parses --name's comma-separated whole numbers in [lo, hi],
// sorted and without repeats.
func parseIntList(name, s string, lo, hi int) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		v, err := strconv.Atoi(f)
		if err != nil {
			return nil, usagef("--%s: %q is not a whole number", name, f)
		}
		switch {
		case v < lo:
			return nil, usagef("--%s: %d is too small (at least %d)", name, v, lo)
		case v > hi:
			return nil, usagef("--%s: %d is too large (at most %d)", name, v, hi)
		}
		out = append(out, v)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// parseDTypeList parses --dtypes into bench's reporting order.
func parseDTypeList(s string) ([]modelfile.DType, error) {
	want := map[string]bool{}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if _, err := parseDType(f); err != nil {
			return nil, usagef("--dtypes: %v", err)
		}
		want[f] = true
	}
	var out []modelfile.DType
	for _, d := range dtypes {
		if want[d.name] {
			out = append(out, d.dt)
		}
	}
	return out, nil
}

// benchSource makes a fresh copy of the model to time for each
// configuration, so that no copy outlives the engine built on it.
type benchSource struct {
	name   string // how the table and the chart call the model
	cfg    modelfile.Config
	stored modelfile.DType // the type of the Linear weights as given; 0 if mixed
	load   func() (*modelfile.Model, error)
}

// openBenchSources returns the model --model names, or one random model
// per --config size.
func openBenchSources(o *benchOptions) ([]*benchSource, error) {
	if o.model == "" {
		var srcs []*benchSource
		for _, config := range o.configs {
			cfg, err := convert.Preset(config)
			if err != nil {
				return nil, err
			}
			name := config
			if cfg.ModelType == modelfile.ALBERT {
				name = "albert-" + name
			}
			srcs = append(srcs, &benchSource{
				name: name + " (random weights)", cfg: cfg, stored: modelfile.F32,
				load: func() (*modelfile.Model, error) { return convert.Random(cfg, 1), nil },
			})
		}
		return srcs, nil
	}
	m, err := albertq.Read(o.model)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	return []*benchSource{{
		name: filepath.Base(filepath.Clean(o.model)), cfg: m.Config, stored: storedDType(m),
		load: func() (*modelfile.Model, error) { return albertq.Read(o.model) },
	}}, nil
}

// check rejects sequence lengths the model cannot take, and says on stderr
// when dtypes other than a quantized file's own are derived from it.
func (s *benchSource) check(o *benchOptions, stderr io.Writer) error {
	if longest := o.seqs[len(o.seqs)-1]; longest > s.cfg.MaxPositionEmbeddings {
		return usagef("--seq: %d is longer than the model's max_position_embeddings (%d)", longest, s.cfg.MaxPositionEmbeddings)
	}
	if s.stored == modelfile.F32 || s.stored == 0 {
		return nil
	}
	var derived []string
	for _, dt := range o.dtypes {
		if dt != s.stored {
			derived = append(derived, dtypeName(dt))
		}
	}
	if len(derived) > 0 {
		fmt.Fprintf(stderr, "bench: note: %s stores %s weights; %s is timed on weights converted from them "+
			"(the speed depends only on the shapes, the accuracy would not match a conversion from the original)\n",
			s.name, dtypeName(s.stored), strings.Join(derived, " and "))
	}
	return nil
}

// storedDType is the type of the model's quantizable weights, or 0 if they differ.
func storedDType(m *modelfile.Model) modelfile.DType {
	var dt modelfile.DType
	for name, t := range m.Tensors {
		if !quant.Quantizable(name, t.Shape) {
			continue
		}
		if dt != 0 && t.DType != dt {
			return 0
		}
		dt = t.DType
	}
	return dt
}

// modelAs returns a fresh copy of the model with its Linear weights and
// embedding tables stored as dt: the model as given when that is its type.
func (s *benchSource) modelAs(dt modelfile.DType) (*modelfile.Model, error) {
	m, err := s.load()
	if err != nil || dt == s.stored {
		return m, err
	}
	defer m.Close()
	return quant.QuantizeModel(m, dt, false)
}

// storedBytes is the size of the model's tensors as stored: elements and scales.
func storedBytes(m *modelfile.Model) int64 {
	var n int64
	for _, t := range m.Tensors {
		n += int64(4*len(t.F32) + 2*len(t.F16) + len(t.I8) + 4*len(t.Scales))
	}
	return n
}

// runBench measures every configuration, one engine per dtype and thread
// count, and returns the results ordered by threads, batch, seq and dtype.
// It also says what the peak RSS figures cover.
func runBench(o *benchOptions, src *benchSource, prog *progress) ([]benchResult, string, error) {
	var results []benchResult
	total := len(o.dtypes) * len(o.threads) * len(o.seqs) * len(o.batches)
	scope, started := "configuration", 0
	for _, dt := range o.dtypes {
		for _, threads := range o.threads {
			say := func(seq, batch int) {
				started++
				prog.say("%s seq %d batch %d threads %d (%d/%d)", dtypeName(dt), seq, batch, threads, started, total)
			}
			prog.say("%s threads %d: preparing the model", dtypeName(dt), threads)
			rs, sc, err := benchEngine(o, src, dt, threads, say)
			if err != nil {
				return nil, "", err
			}
			results = append(results, rs...)
			if sc != "configuration" {
				scope = sc
			}
		}
	}
	setSpeedups(results)
	// Side by side, the dtypes of one shape compare at a glance.
	slices.SortStableFunc(results, func(a, b benchResult) int {
		return cmp.Or(cmp.Compare(a.Threads, b.Threads), cmp.Compare(a.Batch, b.Batch), cmp.Compare(a.Seq, b.Seq))
	})
	return results, scope, nil
}

// benchEngine builds the engine for one dtype and thread count and measures
// every sequence length and batch size on it.
func benchEngine(o *benchOptions, src *benchSource, dt modelfile.DType, threads int, say func(seq, batch int)) ([]benchResult, string, error) {
	m, err := src.modelAs(dt)
	if err != nil {
		return nil, "", err
	}
	size := storedBytes(m)
	mod, err := engine.New(m, engine.Options{Threads: threads, Kernels: o.kernels})
	if err != nil {
		m.Close()
		return nil, "", fmt.Errorf("%s: %w", src.name, err)
	}
	defer mod.Close()
	kernel := kernelName(mod.Kernels(), dt)
	var out []benchResult
	scope := "configuration"
	for _, seq := range o.seqs {
		for _, batch := range o.batches {
			say(seq, batch)
			debug.FreeOSMemory() // the previous configuration's garbage must not count
			if !resetPeakRSS() {
				scope = "process"
			}
			times, err := measure(mod, benchInputs(src.cfg, seq, batch), o.budget)
			if err != nil {
				return nil, "", err
			}
			r := summarize(times, seq, batch)
			r.DType, r.Threads, r.Kernel, r.ModelBytes, r.Model = dtypeName(dt), threads, kernel, size, src.name
			if rss, ok := peakRSS(); ok {
				r.PeakRSSBytes = &rss
			} else {
				scope = "n/a"
			}
			out = append(out, r)
		}
	}
	return out, scope, nil
}

func kernelName(k *kernels.Set, dt modelfile.DType) string {
	switch dt {
	case modelfile.I8:
		return k.I8.Name
	case modelfile.F16:
		return k.F16.Name
	}
	return k.F32.Name
}

// benchInputs is a batch of deterministic token ids, all in the vocabulary.
func benchInputs(cfg modelfile.Config, seq, batch int) []engine.Sequence {
	seqs := make([]engine.Sequence, batch)
	for s := range seqs {
		seqs[s].IDs = make([]int, seq)
		for p := range seqs[s].IDs {
			seqs[s].IDs[p] = (s*7919 + p*131 + 5) % cfg.VocabSize
		}
	}
	return seqs
}

// measure runs the batch through a warm-up (at least one run, and up to a
// tenth of the budget), then times runs until the budget is spent and at
// least benchMinRuns were made. It returns the run times, sorted.
func measure(mod *engine.Model, seqs []engine.Sequence, budget time.Duration) ([]time.Duration, error) {
	for start := time.Now(); ; {
		if _, err := mod.Run(seqs); err != nil {
			return nil, err
		}
		if time.Since(start) >= budget/10 {
			break
		}
	}
	var times []time.Duration
	for start := time.Now(); len(times) < benchMinRuns || time.Since(start) < budget; {
		t := time.Now()
		if _, err := mod.Run(seqs); err != nil {
			return nil, err
		}
		times = append(times, time.Since(t))
	}
	slices.Sort(times)
	return times, nil
}

// summarize turns sorted run times into a result's latency and throughput.
func summarize(times []time.Duration, seq, batch int) benchResult {
	p50 := percentile(times, 50)
	return benchResult{
		Seq: seq, Batch: batch, Runs: len(times),
		P50ms: ms(p50), P90ms: ms(percentile(times, 90)), P99ms: ms(percentile(times, 99)),
		TokensPerSec: float64(seq*batch) / p50.Seconds(),
	}
}

// percentile is the nearest-rank p-th percentile of sorted times.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// setSpeedups fills each result's speed-up over fp32 at the same seq,
// batch and threads, where fp32 was measured.
func setSpeedups(results []benchResult) {
	type key struct {
		model               string
		seq, batch, threads int
	}
	fp32 := map[key]float64{}
	for _, r := range results {
		if r.DType == "fp32" {
			fp32[key{r.Model, r.Seq, r.Batch, r.Threads}] = r.P50ms
		}
	}
	for i := range results {
		r := &results[i]
		if base, ok := fp32[key{r.Model, r.Seq, r.Batch, r.Threads}]; ok {
			s := base / r.P50ms
			r.SpeedupVsFP32 = &s
		}
	}
}

// peakRSS is the process's peak resident set size, VmHWM in
// /proc/self/status; ok is false where there is no such file (not Linux).
func peakRSS() (bytes int64, ok bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, found := strings.CutPrefix(line, "VmHWM:"); found {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024, err == nil
		}
	}
	return 0, false
}

// resetPeakRSS lowers the peak RSS to the current RSS (Linux 4.0 and
// later), so that the next peakRSS covers only what ran in between. It
// reports whether it could.
func resetPeakRSS() bool {
	f, err := os.OpenFile("/proc/self/clear_refs", os.O_WRONLY, 0)
	if err != nil {
		return false
	}
	_, err = f.Write([]byte("5"))
	return f.Close() == nil && err == nil
}

// newBenchMachine describes this machine with the kernel set forced by name,
// or the default ones.
func newBenchMachine(force string) (benchMachine, error) {
	k, err := kernels.Default()
	if force != "" {
		if k, err = kernels.Select(force); err != nil {
			return benchMachine{}, usagef("--kernels: %v", err)
		}
	}
	if err != nil {
		return benchMachine{}, err
	}
	return benchMachine{
		GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, CPUs: runtime.NumCPU(),
		CPU: strings.TrimSpace(cpuid.CPU.BrandName), GoVersion: runtime.Version(),
		Kernels: map[string]string{"int8": k.I8.Name, "fp16": k.F16.Name, "fp32": k.F32.Name},
	}, nil
}

// describe is a one-line summary of the machine, for titles.
func (m benchMachine) describe() string {
	cpu := m.CPU
	if cpu == "" {
		cpu = m.GOARCH
	} else {
		cpu += ", " + m.GOARCH
	}
	return fmt.Sprintf("%s, %d CPUs, %s", cpu, m.CPUs, m.GoVersion)
}

func writeJSON(w io.Writer, doc any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func writeBenchTable(w io.Writer, doc *benchDoc) error {
	fmt.Fprintf(w, "%s on %s\n", doc.Model, doc.Machine.describe())
	fmt.Fprintf(w, "%v per configuration after warm-up; tokens/s = batch*seq / p50; peak RSS per %s\n\n",
		time.Duration(doc.TimeBudgetMS*1e6), doc.Machine.PeakRSS)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	several := len(doc.Configs) > 1
	if several {
		fmt.Fprint(tw, "model\t")
	}
	fmt.Fprintln(tw, "dtype\tseq\tbatch\tthreads\tp50 ms\tp90 ms\tp99 ms\ttokens/s\tvs fp32\tkernel\tmodel MB\tpeak RSS MB\truns\t")
	for _, r := range doc.Results {
		if several {
			fmt.Fprintf(tw, "%s\t", strings.TrimSuffix(r.Model, " (random weights)"))
		}
		speedup, rss := "n/a", "n/a"
		if r.SpeedupVsFP32 != nil {
			speedup = fmt.Sprintf("%.2fx", *r.SpeedupVsFP32)
		}
		if r.PeakRSSBytes != nil {
			rss = fmt.Sprintf("%.1f", float64(*r.PeakRSSBytes)/1e6)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t%.0f\t%s\t%s\t%.1f\t%s\t%d\t\n",
			r.DType, r.Seq, r.Batch, r.Threads, fmtMS(r.P50ms), fmtMS(r.P90ms), fmtMS(r.P99ms),
			r.TokensPerSec, speedup, r.Kernel, float64(r.ModelBytes)/1e6, rss, r.Runs)
	}
	return tw.Flush()
}

// fmtMS prints milliseconds with about three significant digits.
func fmtMS(v float64) string {
	switch {
	case v < 1:
		return strconv.FormatFloat(v, 'f', 3, 64)
	case v < 10:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

// benchKernels times the GEMM kernels alone, one shape at a time.
func benchKernels(o *benchOptions, machine benchMachine, prog *progress, w io.Writer) error {
	doc := benchKernelsDoc{Machine: machine}
	for i, sh := range benchKernelShapes {
		prog.say("kernels %dx%dx%d (%d/%d)", sh[0], sh[1], sh[2], i+1, len(benchKernelShapes))
		doc.Results = append(doc.Results, kernelbench.Run([][3]int{sh}, o.budget)...)
	}
	prog.done()
	doc.Peaks = kernels.Peaks()
	if o.json {
		return writeJSON(w, doc)
	}
	fmt.Fprintf(w, "GEMM kernels on %s, single-threaded; peak = a tight loop of the kernel's core instruction\n\n", machine.describe())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tkernel\tM*K*N\tGOPS (median)\tbest GOPS\tpeak GOPS\t% of peak (median)\t% of peak (best)\t")
	for _, r := range doc.Results {
		peak, pct, best := "n/a", "n/a", "n/a"
		if r.PeakGOPS > 0 {
			peak = fmt.Sprintf("%.0f", r.PeakGOPS)
			pct, best = fmt.Sprintf("%.0f%%", r.PercentOfPeak), fmt.Sprintf("%.0f%%", r.BestPercentOfPeak)
		}
		fmt.Fprintf(tw, "%s\t%s\t%dx%dx%d\t%.1f\t%.1f\t%s\t%s\t%s\t\n", r.Kind, r.Name, r.M, r.K, r.N, r.GOPS, r.BestGOPS, peak, pct, best)
	}
	return tw.Flush()
}
