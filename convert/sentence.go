package convert

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/albertq/albertq/modelfile"
)

// The files of a sentence-transformers directory (its v2 save() layout).
const (
	modulesFile        = "modules.json"
	sentenceConfigFile = "sentence_bert_config.json"
)

// sentenceConfig is what a sentence-transformers directory adds to the
// transformer it wraps: SentenceTransformer.encode's pooling, normalization
// and truncation.
type sentenceConfig struct {
	pooling      string
	normalize    bool
	maxSeqLength int
}

// apply records the sentence embedding in c (nothing for a plain
// checkpoint, whose sentenceConfig is nil).
func (s *sentenceConfig) apply(c *modelfile.Config) {
	if s == nil {
		return
	}
	c.Pooling, c.Normalize, c.MaxSeqLength = s.pooling, s.normalize, s.maxSeqLength
}

// stModule is one entry of modules.json.
type stModule struct {
	Path string `json:"path"`
	Type string `json:"type"`
}

// The module types albertq runs; any other (Dense, LayerNorm, ...) is an
// error naming it.
const (
	stTransformer = "sentence_transformers.models.Transformer"
	stPooling     = "sentence_transformers.models.Pooling"
	stNormalize   = "sentence_transformers.models.Normalize"
)

// readSentenceTransformers reads path's modules.json, if it has one, and
// returns its sentence embedding and the directory of its transformer
// (path itself in today's layout, a subdirectory such as 0_Transformer in
// older ones). Without modules.json it returns nil and path unchanged.
func readSentenceTransformers(path string) (*sentenceConfig, string, error) {
	if st, err := os.Stat(path); err != nil || !st.IsDir() {
		return nil, path, nil // locateWeights reports it
	}
	data, err := readOptional(filepath.Join(path, modulesFile))
	if err != nil || data == nil {
		return nil, path, err
	}
	modulesPath := filepath.Join(path, modulesFile)
	var modules []stModule
	if err := json.Unmarshal(data, &modules); err != nil {
		return nil, "", fmt.Errorf("convert: %s: %w", modulesPath, err)
	}
	st := &sentenceConfig{}
	model := ""
	for i, m := range modules {
		if !filepath.IsLocal(m.Path) && m.Path != "" {
			return nil, "", fmt.Errorf("convert: %s: module %d's path %q is not inside the directory", modulesPath, i, m.Path)
		}
		switch {
		case m.Type == stTransformer && model == "" && i == 0:
			model = filepath.Join(path, m.Path)
		case m.Type == stPooling && model != "" && st.pooling == "":
			if st.pooling, err = readPooling(filepath.Join(path, m.Path, configFile)); err != nil {
				return nil, "", err
			}
		case m.Type == stNormalize && st.pooling != "" && !st.normalize:
			st.normalize = true
		default:
			return nil, "", fmt.Errorf("convert: %s: module %d (%s) is not supported: albertq runs a Transformer, then Pooling, then optionally Normalize", modulesPath, i, m.Type)
		}
	}
	if st.pooling == "" {
		return nil, "", fmt.Errorf("convert: %s: no Pooling module after the Transformer", modulesPath)
	}
	cfgPath := filepath.Join(model, sentenceConfigFile)
	if data, err = readOptional(cfgPath); err != nil {
		return nil, "", err
	}
	if data != nil {
		var sc struct {
			MaxSeqLength *int  `json:"max_seq_length"`
			DoLowerCase  *bool `json:"do_lower_case"`
		}
		if err := json.Unmarshal(data, &sc); err != nil {
			return nil, "", fmt.Errorf("convert: %s: %w", cfgPath, err)
		}
		if sc.DoLowerCase != nil && *sc.DoLowerCase {
			return nil, "", fmt.Errorf("convert: %s: do_lower_case true is not supported", cfgPath)
		}
		if sc.MaxSeqLength != nil {
			if *sc.MaxSeqLength < 1 {
				return nil, "", fmt.Errorf("convert: %s: max_seq_length %d is not positive", cfgPath, *sc.MaxSeqLength)
			}
			st.maxSeqLength = *sc.MaxSeqLength
		}
	}
	return st, model, nil
}

// readPooling reads a Pooling module's config.json: exactly one of its
// pooling modes must be on.
func readPooling(path string) (string, error) {
	data, err := readSmall(path)
	if err != nil {
		return "", err
	}
	var modes map[string]any
	if err := json.Unmarshal(data, &modes); err != nil {
		return "", fmt.Errorf("convert: %s: %w", path, err)
	}
	names := map[string]string{
		"pooling_mode_cls_token":            "cls",
		"pooling_mode_mean_tokens":          "mean",
		"pooling_mode_max_tokens":           "max",
		"pooling_mode_mean_sqrt_len_tokens": "mean-sqrt-len",
		"pooling_mode_lasttoken":            "lasttoken",
		"pooling_mode_weightedmean_tokens":  "",
	}
	var on []string
	for key, v := range modes {
		name, known := names[key]
		if b, ok := v.(bool); ok && b && known {
			if name == "" {
				return "", fmt.Errorf("convert: %s: %s is not supported", path, key)
			}
			on = append(on, key)
		}
	}
	if len(on) != 1 {
		slices.Sort(on)
		return "", fmt.Errorf("convert: %s: %d pooling modes are on (%v), albertq needs exactly one", path, len(on), on)
	}
	if v, ok := modes["include_prompt"].(bool); ok && !v {
		return "", fmt.Errorf("convert: %s: include_prompt false is not supported", path)
	}
	return names[on[0]], nil
}
