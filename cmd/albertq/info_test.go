package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/albertq/albertq/kernels"
)

// TestInfo: --json names the set chosen and the implementation of every one
// of its ops; the human output stays a few lines; --kernel-names lists the
// sets this CPU can run, the values ALBERTQ_KERNELS accepts here.
func TestInfo(t *testing.T) {
	chosen, err := kernels.Default()
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "info", "--json")
	var doc infoDoc
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("info --json: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	impls := chosen.Impls()
	if doc.Chosen != chosen.Name || len(doc.Ops) != len(impls) || doc.Ops["int8"] != chosen.I8.Name {
		t.Fatalf("info --json: chosen %s, ops %v; want %s, %v", doc.Chosen, doc.Ops, chosen.Name, impls)
	}
	for _, impl := range impls {
		if doc.Ops[impl.Op] != impl.Tier {
			t.Errorf("info --json: %s from %q, want %s", impl.Op, doc.Ops[impl.Op], impl.Tier)
		}
	}
	if !slices.Contains(doc.Available, doc.Chosen) || doc.Available[len(doc.Available)-1] != "generic" {
		t.Errorf("info --json: available %v", doc.Available)
	}

	code, out, _ = runCLI(t, "info", "--kernel-names")
	if names := strings.Fields(out); code != 0 || !slices.Equal(names, doc.Available) {
		t.Errorf("info --kernel-names: exit %d, %q; want %v", code, out, doc.Available)
	}
	code, out, _ = runCLI(t, "info")
	if lines := strings.Count(out, "\n"); code != 0 || lines > 8 || !strings.Contains(out, "int8       "+chosen.I8.Name) {
		t.Errorf("info: exit %d, %d lines:\n%s", code, lines, out)
	}
}
