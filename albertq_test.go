package albertq

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/albertq/albertq/engine"
)

// Read and Open take a checkpoint directory or an .albq file; what they
// cannot read fails with an error naming the path.
func TestOpenAndRead(t *testing.T) {
	for _, path := range []string{"testdata/albert-tiny", "cmd/albertq/models/debsec.albq"} {
		m, err := Read(path)
		if err != nil {
			t.Fatalf("Read(%s): %v", path, err)
		}
		if len(m.Tensors) == 0 {
			t.Errorf("Read(%s): no tensors", path)
		}
		m.Close()
		mod, err := Open(path, engine.Options{Threads: 1})
		if err != nil {
			t.Fatalf("Open(%s): %v", path, err)
		}
		if _, err := mod.Run([]engine.Sequence{{IDs: []int{2, 3}}}); err != nil {
			t.Errorf("Open(%s): %v", path, err)
		}
		mod.Close()
	}
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.albq")
	notAModel := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notAModel, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{missing, notAModel, dir} {
		if _, err := Open(path, engine.Options{}); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("Open(%s): error %v, want one naming the path", path, err)
		}
		if _, err := Read(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("Read(%s): error %v, want one naming the path", path, err)
		}
	}
}

// The engine itself reads .albq files only, and says where checkpoint
// directories go.
func TestEngineOpenRefusesDirectories(t *testing.T) {
	_, err := engine.Open("testdata/albert-tiny", engine.Options{})
	if err == nil || !strings.Contains(err.Error(), "albertq.Open") {
		t.Fatalf("engine.Open(directory): %v", err)
	}
}
