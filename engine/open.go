package engine

import (
	"fmt"
	"os"

	"github.com/albertq/albertq/modelfile"
)

// Open loads the .albq file at path (memory-mapped, its weights used in
// place) and prepares it to run. Errors name the path. A Hugging Face
// checkpoint directory is read by convert.ReadCheckpoint and given to New;
// albertq.Open does both.
func Open(path string, opts Options) (*Model, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory: engine.Open takes an .albq file (albertq.Open also reads checkpoint directories)", path)
	}
	m, err := modelfile.Open(path)
	if err != nil {
		return nil, err
	}
	mod, err := New(m, opts)
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return mod, nil
}

// OpenBytes loads a model from the bytes of an .albq file (for example one
// embedded in a program with go:embed). The bytes must not change while the
// model is in use.
func OpenBytes(data []byte, opts Options) (*Model, error) {
	m, err := modelfile.Decode(data)
	if err != nil {
		return nil, err
	}
	return New(m, opts)
}
