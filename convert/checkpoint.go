package convert

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/albertq/albertq/modelfile"
)

// Files of a Hugging Face checkpoint directory.
const (
	configFile          = "config.json"
	tokenizerConfigFile = "tokenizer_config.json"
	safetensorsFile     = "model.safetensors"
	pytorchFile         = "pytorch_model.bin"
	spieceFile          = "spiece.model"
	maxSmallFile        = 16 << 20 // config files and spiece.model
)

// ReadCheckpoint reads a Hugging Face ALBERT checkpoint directory:
// config.json (required), tokenizer_config.json and spiece.model (optional),
// and the weights from model.safetensors, or pytorch_model.bin when there is
// no safetensors file. path may also name one of those two weight files, to
// pick it. Tensor names lose the "albert." prefix; position_ids and a
// decoder tied to the word embeddings are left out (the engine uses the
// word embeddings when predictions.decoder.weight is absent). Nothing in the
// directory is modified.
func ReadCheckpoint(path string) (*modelfile.Model, error) {
	dir, weights, err := locateWeights(path)
	if err != nil {
		return nil, err
	}
	cfg, err := readConfig(dir)
	if err != nil {
		return nil, err
	}
	var tensors map[string]*modelfile.Tensor
	if filepath.Base(weights) == safetensorsFile {
		tensors, err = ReadSafetensors(weights)
	} else {
		tensors, err = ReadPyTorch(weights)
	}
	if err != nil {
		return nil, err
	}
	tensors, err = normalizeNames(tensors)
	if err != nil {
		return nil, fmt.Errorf("convert: %s: %w", weights, err)
	}
	if err := checkShapes(&cfg, tensors); err != nil {
		return nil, fmt.Errorf("convert: %s does not match %s: %w", weights, filepath.Join(dir, configFile), err)
	}
	tok, err := readOptional(filepath.Join(dir, spieceFile))
	if err != nil {
		return nil, err
	}
	return &modelfile.Model{Config: cfg, Tokenizer: tok, Tensors: tensors}, nil
}

// locateWeights returns the checkpoint directory and its weights file.
func locateWeights(path string) (dir, weights string, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", "", fmt.Errorf("convert: %w", err)
	}
	if !st.IsDir() {
		base := filepath.Base(path)
		if base != safetensorsFile && base != pytorchFile {
			return "", "", fmt.Errorf("convert: %s: want a checkpoint directory, or its %s or %s", path, safetensorsFile, pytorchFile)
		}
		return filepath.Dir(path), path, nil
	}
	for _, name := range []string{safetensorsFile, pytorchFile} {
		p := filepath.Join(path, name)
		if _, err := os.Stat(p); err == nil {
			return path, p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", "", fmt.Errorf("convert: %w", err)
		}
	}
	for _, index := range []string{safetensorsFile + ".index.json", pytorchFile + ".index.json"} {
		if _, err := os.Stat(filepath.Join(path, index)); err == nil {
			return "", "", fmt.Errorf("convert: %s: sharded checkpoints (%s) are not supported", path, index)
		}
	}
	return "", "", fmt.Errorf("convert: %s: no %s or %s", path, safetensorsFile, pytorchFile)
}

// readConfig parses config.json and, when present, tokenizer_config.json.
func readConfig(dir string) (modelfile.Config, error) {
	p := filepath.Join(dir, configFile)
	data, err := readSmall(p)
	if err != nil {
		return modelfile.Config{}, err
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		return modelfile.Config{}, fmt.Errorf("convert: %s: %w", p, err)
	}
	p = filepath.Join(dir, tokenizerConfigFile)
	data, err = readOptional(p)
	if err != nil || data == nil {
		return cfg, err
	}
	if err := ParseTokenizerConfig(data, &cfg); err != nil {
		return modelfile.Config{}, fmt.Errorf("convert: %s: %w", p, err)
	}
	return cfg, nil
}

// readSmall reads a file that must exist and be at most maxSmallFile bytes.
func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	if st.Size() > maxSmallFile {
		return nil, fmt.Errorf("convert: %s: %d bytes, more than the %d expected", path, st.Size(), maxSmallFile)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSmallFile))
	if err != nil {
		return nil, fmt.Errorf("convert: %s: %w", path, err)
	}
	return data, nil
}

// readOptional is readSmall that returns nil, nil for a missing file.
func readOptional(path string) ([]byte, error) {
	data, err := readSmall(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

// normalizeNames strips the "albert." prefix and drops the tensors the
// engine does not need: position_ids, and decoder weights that merely
// repeat the word embeddings and predictions.bias.
func normalizeNames(in map[string]*modelfile.Tensor) (map[string]*modelfile.Tensor, error) {
	out := make(map[string]*modelfile.Tensor, len(in))
	for name, t := range in {
		short := strings.TrimPrefix(name, "albert.")
		if _, dup := out[short]; dup {
			return nil, fmt.Errorf("tensors %q and %q have the same name without the albert. prefix", short, "albert."+short)
		}
		out[short] = t
	}
	delete(out, "embeddings.position_ids")
	dropIfSame(out, "predictions.decoder.weight", "embeddings.word_embeddings.weight")
	dropIfSame(out, "predictions.decoder.bias", "predictions.bias")
	return out, nil
}

// dropIfSame deletes tensors[name] when it equals tensors[same] bit for bit.
func dropIfSame(tensors map[string]*modelfile.Tensor, name, same string) {
	a, b := tensors[name], tensors[same]
	if a == nil || b == nil || !sameShape(a.Shape, b.Shape) || len(a.F32) != len(b.F32) {
		return
	}
	for i := range a.F32 {
		if math.Float32bits(a.F32[i]) != math.Float32bits(b.F32[i]) {
			return
		}
	}
	delete(tensors, name)
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
