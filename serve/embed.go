package serve

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"

	"github.com/albertq/albertq/engine"
)

// openAIEmbeddingsRequest is OpenAI's embeddings request. model and user
// are accepted and not checked: the server has one model.
type openAIEmbeddingsRequest struct {
	Input          json.RawMessage `json:"input"`
	Model          string          `json:"model"`
	EncodingFormat string          `json:"encoding_format"`
	Dimensions     *int            `json:"dimensions"`
	User           string          `json:"user"`
}

type openAIEmbeddings struct {
	Object string            `json:"object"`
	Data   []openAIEmbedding `json:"data"`
	Model  string            `json:"model"`
	Usage  openAIUsage       `json:"usage"`
}

type openAIEmbedding struct {
	Object    string `json:"object"`
	Embedding any    `json:"embedding"` // []float32, or a base64 string of little-endian float32s
	Index     int    `json:"index"`
}

type openAIUsage struct {
	PromptTokens int `json:"prompt_tokens"`
	TotalTokens  int `json:"total_tokens"`
}

// openAIEmbeddings answers POST /v1/embeddings: unit-length vectors, cut to
// dimensions and normalized again if asked, as floats or base64. Long
// inputs are cut only with --auto-truncate (the API has no field for it).
func (s *Server) openAIEmbeddings(c *call) (any, *apiError) {
	var req openAIEmbeddingsRequest
	if err := readBody(c.r, s.opts.PayloadLimit, &req); err != nil {
		return nil, err
	}
	inputs, err := parseEmbedInputs(req.Input, "input")
	if err != nil {
		return nil, err
	}
	base64Format := false
	switch req.EncodingFormat {
	case "", "float":
	case "base64":
		base64Format = true
	default:
		return nil, validationError("encoding_format", "`encoding_format` must be float or base64, not %q", req.EncodingFormat)
	}
	vectors, err := s.embedInputs(c, inputs, "input", truncation{cut: s.opts.AutoTruncate}, req.Dimensions, true)
	if err != nil {
		return nil, err
	}
	out := openAIEmbeddings{Object: "list", Data: make([]openAIEmbedding, len(vectors)), Model: s.opts.ModelName,
		Usage: openAIUsage{PromptTokens: c.tokens, TotalTokens: c.tokens}}
	for i, v := range vectors {
		out.Data[i] = openAIEmbedding{Object: "embedding", Embedding: v, Index: i}
		if base64Format {
			out.Data[i].Embedding = float32Base64(v)
		}
	}
	return out, nil
}

// float32Base64 is OpenAI's base64 encoding of a vector: its float32s,
// little-endian, in standard base64.
func float32Base64(v []float32) string {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return base64.StdEncoding.EncodeToString(b)
}

// embedRequest is TEI's /embed request.
type embedRequest struct {
	Inputs              json.RawMessage `json:"inputs"`
	Normalize           *bool           `json:"normalize"`
	Truncate            *bool           `json:"truncate"`
	TruncationDirection string          `json:"truncation_direction"`
	Dimensions          *int            `json:"dimensions"`
	PromptName          *string         `json:"prompt_name"`
}

// embed answers POST /embed with one vector per input.
func (s *Server) embed(c *call) (any, *apiError) {
	var req embedRequest
	if err := readBody(c.r, s.opts.PayloadLimit, &req); err != nil {
		return nil, err
	}
	if err := noPrompts(req.PromptName); err != nil {
		return nil, err
	}
	inputs, err := parseEmbedInputs(req.Inputs, "inputs")
	if err != nil {
		return nil, err
	}
	t, err := s.parseTruncation(req.Truncate, req.TruncationDirection)
	if err != nil {
		return nil, err
	}
	normalize := s.opts.Normalize
	if req.Normalize != nil {
		normalize = *req.Normalize
	}
	return s.embedInputs(c, inputs, "inputs", t, req.Dimensions, normalize)
}

// noPrompts refuses TEI's prompt_name: albertq models carry no
// sentence-transformers prompts.
func noPrompts(name *string) *apiError {
	if name == nil {
		return nil
	}
	return validationError("prompt_name", "`prompt_name` %q: this model has no prompts (sentence-transformers' config_sentence_transformers.json)", *name)
}

// embedInputs runs the inputs and pools each into the server's embedding,
// cut to dims (when not nil) and then normalized if asked.
func (s *Server) embedInputs(c *call, inputs []input, field string, t truncation, dims *int, normalize bool) ([][]float32, *apiError) {
	if h := s.cfg.HiddenSize; dims != nil && (*dims < 1 || *dims > h) {
		return nil, validationError("dimensions", "`dimensions` must be from 1 to %d (the model's embedding size), not %d", h, *dims)
	}
	results, err := c.run(inputs, field, t, s.opts.Pooling != engine.PoolPooler)
	if err != nil {
		return nil, err
	}
	vectors := make([][]float32, len(results))
	for i, r := range results {
		v := s.mod.PoolSequence(r.out, r.row, s.opts.Pooling)
		if dims != nil {
			v = v[:*dims]
		}
		if normalize {
			engine.Normalize(v)
		}
		vectors[i] = v
	}
	return vectors, nil
}
