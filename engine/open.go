package engine

import (
	"fmt"
	"os"

	"github.com/albertq/albertq/convert"
	"github.com/albertq/albertq/modelfile"
)

// Open loads a model from path: an .albq file (memory-mapped, its weights
// used in place) or a Hugging Face checkpoint directory (read and run in
// fp32). Errors name the path.
func Open(path string, opts Options) (*Model, error) {
	m, err := Load(path)
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

// Load reads the model at path, a directory or an .albq file, without
// packing it for the kernels.
func Load(path string) (*modelfile.Model, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return convert.ReadCheckpoint(path)
	}
	return modelfile.Open(path)
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
