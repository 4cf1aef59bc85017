package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/albertq/albertq/convert"
	"github.com/albertq/albertq/engine"
	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

const convertUsage = `--in DIR --out FILE.albq [--dtype int8|fp16|fp32] [--granularity channel|tensor]
       [--calibrate TEXTFILE] [--min-cosine C] [--report] [--force]

Converts a Hugging Face checkpoint directory of the ALBERT or BERT family
(config.json, model.safetensors or pytorch_model.bin, spiece.model or vocab.txt;
a sentence-transformers directory keeps its pooling) into one .albq file. int8 quantizes every
Linear and the embedding tables the Q8BERT way (symmetric, per output channel by
default); activations are quantized per token row at run time, or with static
scales calibrated on TEXTFILE (one text per line), one per application of each
shared Linear. int8 is then checked against fp32 on probe texts (TEXTFILE's first 64,
or eight built-in ones): while the last hidden state of one of them has a cosine
under C (default 0.9995) with fp32's, the matrices that cost least speed for the
error they add are kept in fp16 (--min-cosine 0: int8 throughout). The input is
never modified; the output appears only when complete and an existing one is
kept unless --force.`

// convertOptions are the parsed flags of convert.
type convertOptions struct {
	in, out, calibrate string
	dtype              modelfile.DType
	minCosine          float64
	perTensor          bool
	report, force      bool
}

func convertCmd(args []string, stdout, stderr io.Writer) error {
	opts, err := parseConvertFlags(args, stdout)
	if err != nil {
		return err
	}
	start := time.Now()
	progress := newProgress("convert", stderr)
	defer progress.done()
	// An interrupt stops the conversion and leaves no output behind.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	progress.say("reading %s", opts.in)
	src, err := convert.ReadCheckpoint(opts.in)
	if err != nil {
		return err
	}
	progress.say("quantizing to %v", opts.dtype)
	q, err := quant.QuantizeModel(src, opts.dtype, opts.perTensor)
	if err != nil {
		return err
	}
	var texts []string
	if opts.calibrate != "" {
		if texts, err = readLines(opts.calibrate); err != nil {
			return err
		}
		progress.say("calibrating on %d texts", len(texts))
		if q.ActScales, err = calibrate(src, texts); err != nil {
			return err
		}
	}
	if opts.dtype == modelfile.I8 && opts.minCosine > 0 {
		probes := texts[:min(len(texts), maxProbes)]
		if len(probes) == 0 {
			probes = engine.ProbeTexts
		}
		if len(src.Tokenizer) == 0 {
			fmt.Fprintln(stderr, "convert: the checkpoint has no tokenizer to encode probe texts with: int8 throughout, unchecked against fp32")
		} else {
			progress.say("checking int8 against fp32 on %d texts", len(probes))
			if q, err = engine.KeepSensitive(src, q, probes, opts.minCosine); err != nil {
				return err
			}
		}
	}
	if ctx.Err() != nil {
		return errInterrupted
	}
	progress.say("writing %s", opts.out)
	if err := modelfile.WriteFileContext(ctx, opts.out, q, opts.force); err != nil {
		if ctx.Err() != nil {
			return errInterrupted
		}
		return err
	}
	progress.done()
	if p := q.Config.Precision; p != nil {
		fmt.Fprintln(stdout, precisionNote(p, fp16Matrices(q)))
	}
	outSize, inSize := fileSize(opts.out), checkpointSize(opts.in)
	fmt.Fprintf(stdout, "wrote %s: %s, %s (checkpoint weights %s, %.1f×), in %.1f s\n",
		opts.out, dtypeName(opts.dtype), megabytes(outSize), megabytes(inSize), float64(inSize)/float64(max(outSize, 1)), time.Since(start).Seconds())
	if opts.report {
		if len(texts) == 0 {
			texts = engine.ProbeTexts
		}
		return writeReport(stdout, src, q, texts)
	}
	return nil
}

var errInterrupted = errors.New("interrupted: no output was written")

// maxProbes is how many of the --calibrate texts int8 is checked on: every
// step of the check runs them all.
const maxProbes = 64

func parseConvertFlags(args []string, stdout io.Writer) (*convertOptions, error) {
	fs := newFlags("convert", convertUsage, stdout)
	o := &convertOptions{}
	fs.StringVar(&o.in, "in", "", "the checkpoint directory to read")
	fs.StringVar(&o.out, "out", "", "the .albq file to write")
	dtype := fs.String("dtype", "int8", "weight type: int8, fp16 or fp32")
	granularity := fs.String("granularity", "channel", "int8 weight scales: one per output channel, or one per tensor (Q8BERT exactly)")
	fs.StringVar(&o.calibrate, "calibrate", "", "a text file (one text per line) to calibrate static int8 activation scales on")
	fs.Float64Var(&o.minCosine, "min-cosine", engine.DefaultMinCosine, "int8: keep the most sensitive matrices in fp16 until every probe text's cosine with fp32 reaches this (0: int8 throughout)")
	fs.BoolVar(&o.report, "report", false, "print the int8/fp16 error against fp32 at every Linear application")
	fs.BoolVar(&o.force, "force", false, "overwrite an existing output file")
	if err := parseNoArgs(fs, args); err != nil {
		return nil, err
	}
	if o.in == "" || o.out == "" {
		return nil, usagef("--in and --out are required")
	}
	var err error
	if o.dtype, err = parseDType(*dtype); err != nil {
		return nil, err
	}
	switch *granularity {
	case "channel":
	case "tensor":
		o.perTensor = true
	default:
		return nil, usagef("--granularity must be channel or tensor, not %q", *granularity)
	}
	if !(o.minCosine >= 0 && o.minCosine <= 1) {
		return nil, usagef("--min-cosine must be between 0 and 1, not %v", o.minCosine)
	}
	minCosineSet := false
	fs.Visit(func(f *flag.Flag) { minCosineSet = minCosineSet || f.Name == "min-cosine" })
	if minCosineSet && o.dtype != modelfile.I8 {
		return nil, usagef("--min-cosine needs --dtype int8")
	}
	if o.calibrate != "" && o.dtype != modelfile.I8 {
		return nil, usagef("--calibrate needs --dtype int8")
	}
	if !o.force {
		if _, err := os.Stat(o.out); err == nil {
			return nil, fmt.Errorf("%s already exists: use --force to overwrite it", o.out)
		}
	}
	return o, nil
}

// dtypes are the weight types the CLI names, in the order bench reports them.
var dtypes = []struct {
	name string
	dt   modelfile.DType
}{{"int8", modelfile.I8}, {"fp16", modelfile.F16}, {"fp32", modelfile.F32}}

// parseDType maps a CLI dtype name to its type.
func parseDType(s string) (modelfile.DType, error) {
	for _, d := range dtypes {
		if d.name == s {
			return d.dt, nil
		}
	}
	return 0, usagef("unknown dtype %q (want int8, fp16 or fp32)", s)
}

// dtypeName is the CLI's name of a weight type.
func dtypeName(dt modelfile.DType) string {
	for _, d := range dtypes {
		if d.dt == dt {
			return d.name
		}
	}
	return dt.String()
}

// calibrate runs the texts through the fp32 model and returns the static
// activation scales of every Linear application.
func calibrate(src *modelfile.Model, texts []string) (map[string][]float32, error) {
	fp32, err := engine.New(src, engine.Options{})
	if err != nil {
		return nil, err
	}
	defer fp32.Close()
	seqs, err := fp32.EncodeTexts(texts)
	if err != nil {
		return nil, err
	}
	return fp32.Calibrate(seqs)
}

// readLines reads the non-empty lines of a text file.
func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			lines = append(lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("%s: no text to read", path)
	}
	return lines, nil
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// checkpointSize is the size of the weights file a checkpoint reads.
func checkpointSize(dir string) int64 {
	for _, name := range []string{"model.safetensors", "pytorch_model.bin"} {
		if n := fileSize(dir + string(os.PathSeparator) + name); n > 0 {
			return n
		}
	}
	return fileSize(dir)
}

func megabytes(n int64) string { return fmt.Sprintf("%.2f MB", float64(n)/1e6) }
