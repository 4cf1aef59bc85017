package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/albertq/albertq/kernels"
)

const infoUsage = `[--json | --kernel-names]

Prints the CPU features the kernels use, the kernels this CPU can run, and the
one chosen for each kind (ALBERTQ_KERNELS=<name> forces one).`

// infoDoc is what `albertq info --json` prints.
type infoDoc struct {
	GOOS      string              `json:"goos"`
	GOARCH    string              `json:"goarch"`
	CPUs      int                 `json:"cpus"`
	Features  []string            `json:"features"`
	Available map[string][]string `json:"available"`
	Chosen    map[string]string   `json:"chosen"`
}

func infoCmd(args []string, stdout io.Writer) error {
	fs := newFlags("info", infoUsage, stdout)
	asJSON := fs.Bool("json", false, "print JSON")
	names := fs.Bool("kernel-names", false, "print the name of every kernel this CPU can run, one per line")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	chosen, err := kernels.Default()
	if err != nil {
		return err
	}
	doc := infoDoc{
		GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, CPUs: runtime.NumCPU(),
		Features: kernels.Features(),
		Available: map[string][]string{
			"int8": implNames(kernels.I8Kernels()),
			"fp16": implNames(kernels.F16Kernels()),
			"fp32": implNames(kernels.F32Kernels()),
		},
		Chosen: map[string]string{"int8": chosen.I8.Name, "fp16": chosen.F16.Name, "fp32": chosen.F32.Name},
	}
	switch {
	case *names:
		for _, n := range kernels.AvailableNames() {
			fmt.Fprintln(stdout, n)
		}
		return nil
	case *asJSON:
		return writeJSON(stdout, doc)
	}
	fmt.Fprintf(stdout, "CPU:       %s/%s, %d threads\n", doc.GOOS, doc.GOARCH, doc.CPUs)
	fmt.Fprintf(stdout, "features:  %s\n", strings.Join(doc.Features, " "))
	for _, kind := range []string{"int8", "fp16", "fp32"} {
		fmt.Fprintf(stdout, "%-5s      %-10s (available: %s)\n", kind, doc.Chosen[kind], strings.Join(doc.Available[kind], ", "))
	}
	return nil
}

func implNames[K interface{ ImplName() string }](ks []K) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.ImplName()
	}
	return out
}
