package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/albertq/albertq/convert"
	"github.com/albertq/albertq/modelfile"
)

// TestMain lets a test run this binary as the albertq command itself, to
// interrupt a real process.
func TestMain(m *testing.M) {
	if os.Getenv("ALBERTQ_TEST_AS_MAIN") == "1" {
		os.Exit(mainExit(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// writeSafetensors stores an fp32 model as a Hugging Face checkpoint directory.
func writeSafetensors(t testing.TB, dir string, m *modelfile.Model) {
	t.Helper()
	header := map[string]any{}
	var data bytes.Buffer
	for _, name := range m.Names() {
		tn := m.Tensors[name]
		start := data.Len()
		binary.Write(&data, binary.LittleEndian, tn.F32)
		header["albert."+name] = map[string]any{"dtype": "F32", "shape": tn.Shape, "data_offsets": []int{start, data.Len()}}
	}
	h, _ := json.Marshal(header)
	var file bytes.Buffer
	binary.Write(&file, binary.LittleEndian, uint64(len(h)))
	file.Write(h)
	file.Write(data.Bytes())
	cfg, _ := json.Marshal(m.Config)
	for name, content := range map[string][]byte{"model.safetensors": file.Bytes(), "config.json": cfg} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// digest fingerprints every file of a directory.
func digest(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s %d\n", n, len(data))
		h.Write(data)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestInterruptedConvertLeavesNothing interrupts a real convert of an
// albert-base-sized checkpoint at many moments: each time the output is
// either absent or complete and valid, no temporary file is left, and the
// input is unchanged.
func TestInterruptedConvertLeavesNothing(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send on Windows")
	}
	in := baseCheckpoint(t)
	before := digest(t, in)
	signals := []os.Signal{os.Interrupt, syscall.SIGTERM, os.Kill}
	for i, delay := range []time.Duration{0, 30, 80, 150, 250, 400, 600, 900} {
		sig := signals[i%len(signals)]
		outDir := t.TempDir()
		out := filepath.Join(outDir, "model.albq")
		cmd := exec.Command(os.Args[0], "convert", "--in", in, "--out", out)
		cmd.Env = append(os.Environ(), "ALBERTQ_TEST_AS_MAIN=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay * time.Millisecond)
		cmd.Process.Signal(sig)
		err := cmd.Wait()
		entries, _ := os.ReadDir(outDir)
		switch {
		case err == nil: // finished before the signal: the file must be whole
			if verr := modelfile.Verify(out); verr != nil {
				t.Errorf("%v after %v: convert succeeded but the file is bad: %v", sig, delay, verr)
			}
		case sig == os.Kill: // nothing can clean up after SIGKILL: only the output's name is checked below
		default:
			for _, e := range entries {
				if e.Name() != "model.albq" {
					t.Errorf("%v after %v: %q left behind (exit: %v)", sig, delay, e.Name(), err)
				}
			}
		}
		// A signal that lands after the rename, once convert has stopped
		// listening for it on its way out, ends the process with the
		// output already whole.
		if _, serr := os.Stat(out); serr == nil && err != nil {
			if verr := modelfile.Verify(out); verr != nil {
				t.Errorf("%v after %v: a partial output exists (%v): %v", sig, delay, err, verr)
			}
		}
		t.Logf("%v after %v ms: %v, %d files in the output folder", sig, int(delay), err, len(entries))
	}
	if digest(t, in) != before {
		t.Error("the input checkpoint changed")
	}
}

// baseCheckpoint writes an albert-base-sized checkpoint with random weights.
func baseCheckpoint(t testing.TB) string {
	cfg, _ := convert.Preset("base")
	dir := t.TempDir()
	writeSafetensors(t, dir, convert.Random(cfg, 7))
	return dir
}

// TestConvertBaseSize holds the converted albert-base to the sizes the
// shared block allows: int8 ≤ 12.2 MB and fp16 ≤ 23.6 MB (the checkpoint has
// no tokenizer, so the file is all model).
func TestConvertBaseSize(t *testing.T) {
	in := baseCheckpoint(t)
	for _, c := range []struct {
		dtype string
		limit int64
	}{{"int8", 12_200_000}, {"fp16", 23_600_000}} {
		out := filepath.Join(t.TempDir(), c.dtype+".albq")
		if code, _, errOut := runCLI(t, "convert", "--in", in, "--out", out, "--dtype", c.dtype); code != 0 {
			t.Fatalf("convert: %s", errOut)
		}
		if n := fileSize(out); n > c.limit {
			t.Errorf("%s albert-base is %d bytes, more than %d", c.dtype, n, c.limit)
		} else {
			t.Logf("%s albert-base: %.2f MB", c.dtype, float64(n)/1e6)
		}
	}
}

// BenchmarkConvertBase times `albertq convert` of albert-base to int8.
func BenchmarkConvertBase(b *testing.B) {
	in := baseCheckpoint(b)
	out := filepath.Join(b.TempDir(), "base.albq")
	for b.Loop() {
		if code := mainExit([]string{"convert", "--in", in, "--out", out, "--force"}, io.Discard, io.Discard); code != 0 {
			b.Fatal("convert failed")
		}
	}
}
