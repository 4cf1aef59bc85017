package serve

import (
	"encoding/json"
	"runtime"
	"runtime/debug"
	"strconv"

	"github.com/albertq/albertq/engine"
	"github.com/albertq/albertq/modelfile"
)

// info is /info's answer: TEI's Info, and what albertq adds (the model's
// family, architecture, pooling, embedding size, kernels).
type info struct {
	ModelID               string            `json:"model_id"`
	ModelSHA              *string           `json:"model_sha"`
	ModelDType            string            `json:"model_dtype"`
	ModelFamily           string            `json:"model_family"`
	Architecture          string            `json:"architecture"`
	ServedModelName       string            `json:"served_model_name"`
	ModelType             modelType         `json:"model_type"`
	Pooling               engine.Pooling    `json:"pooling"`
	Normalize             bool              `json:"normalize"`
	EmbeddingSize         int               `json:"embedding_size"`
	MaxConcurrentRequests int               `json:"max_concurrent_requests"`
	MaxInputLength        int               `json:"max_input_length"`
	MaxBatchTokens        int               `json:"max_batch_tokens"`
	MaxBatchRequests      *int              `json:"max_batch_requests"`
	MaxClientBatchSize    int               `json:"max_client_batch_size"`
	AutoTruncate          bool              `json:"auto_truncate"`
	TokenizationWorkers   int               `json:"tokenization_workers"`
	PayloadLimit          int64             `json:"payload_limit"`
	Kernels               map[string]string `json:"kernels"`
	Version               string            `json:"version"`
	SHA                   *string           `json:"sha"`
	DockerLabel           *string           `json:"docker_label"`
}

// modelType is TEI's: what the model serves. Every albertq model embeds
// (its hidden states are pooled); a sequence classifier also predicts, and
// one with a single label also reranks.
type modelType struct {
	Classifier *classifierInfo `json:"classifier,omitempty"`
	Reranker   *classifierInfo `json:"reranker,omitempty"`
	Embedding  *embeddingInfo  `json:"embedding,omitempty"`
}

type classifierInfo struct {
	ID2Label map[string]string `json:"id2label"`
	Label2ID map[string]int    `json:"label2id"`
}

type embeddingInfo struct {
	Pooling engine.Pooling `json:"pooling"`
}

var dtypeNames = map[modelfile.DType]string{modelfile.I8: "int8", modelfile.F16: "float16", modelfile.F32: "float32"}

func (s *Server) describe() info {
	o := s.opts
	kern := s.mod.Kernels()
	in := info{
		ModelID: o.ModelName, ModelDType: dtypeNames[s.mod.DType()],
		ModelFamily: s.cfg.ModelType, Architecture: s.cfg.Architecture(),
		ServedModelName: o.ModelName, Pooling: o.Pooling, Normalize: o.Normalize, EmbeddingSize: s.cfg.HiddenSize,
		MaxConcurrentRequests: o.MaxConcurrentRequests, MaxInputLength: s.cfg.MaxPositionEmbeddings,
		MaxBatchTokens: o.MaxBatchTokens, MaxClientBatchSize: o.MaxClientBatchSize, AutoTruncate: o.AutoTruncate,
		TokenizationWorkers: runtime.GOMAXPROCS(0), PayloadLimit: o.PayloadLimit,
		Kernels: map[string]string{"int8": kern.I8.Name, "fp16": kern.F16.Name, "fp32": kern.F32.Name},
		Version: "(devel)",
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		in.Version = bi.Main.Version
		for _, kv := range bi.Settings {
			if kv.Key == "vcs.revision" {
				in.SHA = &kv.Value
			}
		}
	}
	switch labels := s.cfg.Labels(); {
	case s.mod.Head() != engine.SequenceClassification:
		in.ModelType.Embedding = &embeddingInfo{o.Pooling}
	case len(labels) == 1:
		in.ModelType.Reranker = newClassifierInfo(labels)
	default:
		in.ModelType.Classifier = newClassifierInfo(labels)
	}
	return in
}

func newClassifierInfo(labels []string) *classifierInfo {
	c := &classifierInfo{ID2Label: map[string]string{}, Label2ID: map[string]int{}}
	for id, l := range labels {
		c.ID2Label[strconv.Itoa(id)] = l
		c.Label2ID[l] = id
	}
	return c
}

// getInfo answers GET /info.
func (s *Server) getInfo(*call) (any, *apiError) { return s.info, nil }

// health answers GET /health: 200 with no body while the server takes
// work, TEI's 503 once it is shutting down.
func (s *Server) health(*call) (any, *apiError) {
	if !s.batcher.running() {
		return nil, newError(kindUnhealthy, "unhealthy: the server is shutting down")
	}
	return nil, nil
}

// tokenizeRequest is TEI's /tokenize request.
type tokenizeRequest struct {
	Inputs           json.RawMessage `json:"inputs"`
	AddSpecialTokens *bool           `json:"add_special_tokens"`
	PromptName       *string         `json:"prompt_name"`
}

// tokenize answers POST /tokenize: the tokens of each text, whole (no
// truncation), as a list per text.
func (s *Server) tokenize(c *call) (any, *apiError) {
	var req tokenizeRequest
	if err := readBody(c.r, s.opts.PayloadLimit, &req); err != nil {
		return nil, err
	}
	if err := noPrompts(req.PromptName); err != nil {
		return nil, err
	}
	inputs, err := parseTexts(req.Inputs, "inputs")
	if err != nil {
		return nil, err
	}
	if err := c.admitInputs(inputs, "inputs"); err != nil {
		return nil, err
	}
	addSpecial := req.AddSpecialTokens == nil || *req.AddSpecialTokens
	out := make([][]token, len(inputs))
	for i, in := range inputs {
		if out[i], err = s.tokenPieces(in, addSpecial); err != nil {
			return nil, err
		}
		c.tokens += len(out[i])
	}
	return out, nil
}
