package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"

	"github.com/albertq/albertq/kernels"
)

const infoUsage = `[--json | --kernel-names] [--model PATH]

Prints the CPU features the kernels use, the kernel sets this CPU can run,
and the set chosen (ALBERTQ_KERNELS=<name> forces one): its GEMM for each
kind and which sets supply its other ops (--json names each op's). With
--model, describes that model instead: its family, architecture, sizes,
storage and tokenizer.`

// infoDoc is what `albertq info --json` prints.
type infoDoc struct {
	GOOS     string   `json:"goos"`
	GOARCH   string   `json:"goarch"`
	CPUs     int      `json:"cpus"`
	Features []string `json:"features"`
	// Available lists the kernel sets this CPU can run, best first.
	Available []string `json:"available"`
	// Chosen is the set in use; Ops names the set that supplies each of its
	// ops ("int8", "fp16" and "fp32" are the GEMMs).
	Chosen string            `json:"chosen"`
	Ops    map[string]string `json:"ops"`
}

func infoCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("info", infoUsage, stdout)
	asJSON := fs.Bool("json", false, "print JSON")
	names := fs.Bool("kernel-names", false, "print the name of every kernel set this CPU can run, one per line")
	model := fs.String("model", "", "describe this model (an .albq file or a checkpoint directory)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *model != "" {
		return modelInfo(*model, *asJSON, stdout)
	}
	chosen, err := kernels.Default()
	if err != nil {
		return err
	}
	doc := infoDoc{
		GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, CPUs: runtime.NumCPU(),
		Features: kernels.Features(), Chosen: chosen.Name, Ops: map[string]string{},
	}
	for _, s := range kernels.Available() {
		doc.Available = append(doc.Available, s.Name)
	}
	for _, impl := range chosen.Impls() {
		doc.Ops[impl.Op] = impl.Tier
	}
	switch {
	case *names:
		fmt.Fprintln(stdout, strings.Join(doc.Available, "\n"))
		return nil
	case *asJSON:
		return writeJSON(stdout, doc)
	}
	fmt.Fprintf(stdout, "CPU:       %s/%s, %d threads\n", doc.GOOS, doc.GOARCH, doc.CPUs)
	fmt.Fprintf(stdout, "features:  %s\n", strings.Join(doc.Features, " "))
	fmt.Fprintf(stdout, "kernels:   %s (available: %s)\n", doc.Chosen, strings.Join(doc.Available, ", "))
	gemms := []string{"int8", "fp16", "fp32"}
	for _, kind := range gemms {
		fmt.Fprintf(stdout, "%-10s %s\n", kind, doc.Ops[kind])
	}
	fmt.Fprintf(stdout, "other ops  %s\n", otherOps(chosen, gemms))
	return nil
}

// otherOps counts the set's ops other than skip by the set that supplies
// them, in the order they first appear: "avx2 ×16, generic ×2".
func otherOps(s *kernels.Set, skip []string) string {
	var order []string
	count := map[string]int{}
	for _, impl := range s.Impls() {
		if slices.Contains(skip, impl.Op) {
			continue
		}
		if count[impl.Tier] == 0 {
			order = append(order, impl.Tier)
		}
		count[impl.Tier]++
	}
	parts := make([]string, len(order))
	for i, tier := range order {
		parts[i] = fmt.Sprintf("%s ×%d", tier, count[tier])
	}
	return strings.Join(parts, ", ")
}
