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
	"github.com/albertq/albertq/tokenizer"
)

// Files of a Hugging Face checkpoint directory.
const (
	configFile          = "config.json"
	tokenizerConfigFile = "tokenizer_config.json"
	specialTokensFile   = "special_tokens_map.json"
	safetensorsFile     = "model.safetensors"
	pytorchFile         = "pytorch_model.bin"
	spieceFile          = "spiece.model"
	vocabFile           = "vocab.txt"
	maxSmallFile        = 16 << 20 // config files, spiece.model and vocab.txt
)

// ReadCheckpoint reads a Hugging Face checkpoint directory of the ALBERT or
// BERT family: config.json (required; its model_type picks the family),
// the tokenizer (spiece.model for ALBERT, vocab.txt for the others, with
// tokenizer_config.json and special_tokens_map.json), and the weights from
// model.safetensors, or pytorch_model.bin when there is no safetensors
// file. path may also name one of those two weight files, to pick it. A
// sentence-transformers directory (modules.json) adds its pooling,
// normalization and max_seq_length. Tensor names lose the family's prefix
// ("albert.", "bert.", ...); position_ids and a decoder tied to the word
// embeddings are left out (the engine uses the word embeddings when the
// decoder is absent). Nothing in the directory is modified.
func ReadCheckpoint(path string) (*modelfile.Model, error) {
	st, path, err := readSentenceTransformers(path)
	if err != nil {
		return nil, err
	}
	dir, weights, err := locateWeights(path)
	if err != nil {
		return nil, err
	}
	cfg, err := readConfig(dir)
	if err != nil {
		return nil, err
	}
	st.apply(&cfg)
	var tensors map[string]*modelfile.Tensor
	if filepath.Base(weights) == safetensorsFile {
		tensors, err = ReadSafetensors(weights)
	} else {
		tensors, err = ReadPyTorch(weights)
	}
	if err != nil {
		return nil, err
	}
	tensors, err = normalizeNames(tensors, &cfg)
	if err != nil {
		return nil, fmt.Errorf("convert: %s: %w", weights, err)
	}
	if err := checkShapes(&cfg, tensors); err != nil {
		return nil, fmt.Errorf("convert: %s does not match %s: %w", weights, filepath.Join(dir, configFile), err)
	}
	tok, err := readTokenizer(dir, &cfg)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("convert: %s: %w", dir, err)
	}
	return &modelfile.Model{Config: cfg, Tokenizer: tok, Tensors: tensors}, nil
}

// readTokenizer returns the tokenizer file of c's family, spiece.model or
// vocab.txt (nil when the directory has none), setting a WordPiece
// tokenizer's options in c from tokenizer_config.json and
// special_tokens_map.json.
func readTokenizer(dir string, c *modelfile.Config) ([]byte, error) {
	if c.ModelType == modelfile.ALBERT {
		return readOptional(filepath.Join(dir, spieceFile))
	}
	vocab, err := readOptional(filepath.Join(dir, vocabFile))
	if err != nil || vocab == nil {
		return nil, err
	}
	tokCfg, err := readOptional(filepath.Join(dir, tokenizerConfigFile))
	if err != nil {
		return nil, err
	}
	special, err := readOptional(filepath.Join(dir, specialTokensFile))
	if err != nil {
		return nil, err
	}
	opts, err := tokenizer.ParseWordPieceConfig(tokCfg, special)
	if err != nil {
		return nil, fmt.Errorf("convert: %s: %w", dir, err)
	}
	if _, err := tokenizer.LoadWordPiece(vocab, opts); err != nil {
		return nil, fmt.Errorf("convert: %s: %w", dir, err)
	}
	c.WordPiece = &opts
	return vocab, nil
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

// readConfig parses config.json and, for ALBERT, tokenizer_config.json's
// settings of its SentencePiece preprocessing.
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
	if cfg.ModelType != modelfile.ALBERT {
		return cfg, nil
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

// normalizeNames strips the family's prefix ("albert.", "bert.", ...) and
// drops the tensors the engine does not need: position_ids, and decoder
// weights that merely repeat the word embeddings and the output bias. A
// DistilBERT with sinusoidal_pos_embds whose file lacks the position table
// gets the one transformers computes; a MobileBERT masked LM's decoder is
// stored joined (joinMobileBERTDecoder).
func normalizeNames(in map[string]*modelfile.Tensor, c *modelfile.Config) (map[string]*modelfile.Tensor, error) {
	prefix := c.ModelType + "."
	out := make(map[string]*modelfile.Tensor, len(in))
	for name, t := range in {
		short := strings.TrimPrefix(name, prefix)
		if _, dup := out[short]; dup {
			return nil, fmt.Errorf("tensors %q and %q have the same name without the %s prefix", short, prefix+short, prefix)
		}
		out[short] = t
	}
	delete(out, "embeddings.position_ids")
	for _, tied := range [][2]string{
		{"predictions.decoder.weight", "embeddings.word_embeddings.weight"},
		{"predictions.decoder.bias", "predictions.bias"},
		{"cls.predictions.decoder.weight", "embeddings.word_embeddings.weight"},
		{"cls.predictions.decoder.bias", "cls.predictions.bias"},
		{"vocab_projector.weight", "embeddings.word_embeddings.weight"},
	} {
		dropIfSame(out, tied[0], tied[1])
	}
	if c.ModelType == modelfile.DistilBERT && out["embeddings.position_embeddings.weight"] == nil && c.SinusoidalPosEmbds {
		out["embeddings.position_embeddings.weight"] = sinusoidalPositions(c.MaxPositionEmbeddings, c.HiddenSize)
	}
	if c.ModelType == modelfile.MobileBERT && c.Architecture() == "MobileBertForMaskedLM" {
		return out, joinMobileBERTDecoder(out, c)
	}
	return out, nil
}

// joinMobileBERTDecoder stores MobileBERT's masked-LM decoder as one
// [vocab][hidden] Linear, cls.predictions.decoder.weight. transformers
// multiplies the transformed hidden states (H wide) by
// cat([decoder.weightᵀ, dense.weight]): the decoder (the word embeddings,
// [vocab][E], when tied) for the first E columns and cls.predictions.dense
// ([H−E][vocab]) for the other H−E; row v of the joined weight is
// decoder[v] followed by column v of dense. One matrix makes the head one
// GEMM, quantized per vocabulary row like every other Linear.
func joinMobileBERTDecoder(tensors map[string]*modelfile.Tensor, c *modelfile.Config) error {
	v, e, h := c.VocabSize, c.EmbeddingSize, c.HiddenSize
	decoder := tensors["cls.predictions.decoder.weight"]
	if decoder == nil {
		decoder = tensors["embeddings.word_embeddings.weight"]
	}
	if decoder == nil || !sameShape(decoder.Shape, []int{v, e}) {
		return fmt.Errorf("the masked LM's decoder (or the word embeddings it is tied to) is not [%d][%d]", v, e)
	}
	extra := tensors["cls.predictions.dense.weight"]
	if h > e && (extra == nil || !sameShape(extra.Shape, []int{h - e, v})) {
		return fmt.Errorf("tensor %q must be [%d][%d] (hidden_size − embedding_size by vocab_size)", "cls.predictions.dense.weight", h-e, v)
	}
	joined := make([]float32, v*h)
	for r := range v {
		copy(joined[r*h:r*h+e], decoder.F32[r*e:(r+1)*e])
		for k := range h - e {
			joined[r*h+e+k] = extra.F32[k*v+r]
		}
	}
	tensors["cls.predictions.decoder.weight"] = &modelfile.Tensor{DType: modelfile.F32, Shape: []int{v, h}, F32: joined}
	delete(tensors, "cls.predictions.dense.weight")
	return nil
}

// sinusoidalPositions is DistilBERT's fixed position table,
// create_sinusoidal_embeddings: sin on even columns, cos on odd ones, of
// pos / 10000^(2⌊j/2⌋/dim).
func sinusoidalPositions(positions, dim int) *modelfile.Tensor {
	t := &modelfile.Tensor{DType: modelfile.F32, Shape: []int{positions, dim}, F32: make([]float32, positions*dim)}
	for pos := range positions {
		for j := range dim {
			angle := float64(pos) / math.Pow(10000, float64(2*(j/2))/float64(dim))
			if j%2 == 0 {
				t.F32[pos*dim+j] = float32(math.Sin(angle))
			} else {
				t.F32[pos*dim+j] = float32(math.Cos(angle))
			}
		}
	}
	return t
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
