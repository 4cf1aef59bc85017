package tokenizer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
)

// ParseWordPieceConfig reads BertTokenizer's settings from the bytes of
// tokenizer_config.json and special_tokens_map.json (either may be nil; the
// second overrides the special tokens of the first, as from_pretrained
// does). Keys it does not know are ignored; a known key with a value of the
// wrong type is an error naming it.
func ParseWordPieceConfig(tokenizerConfig, specialTokensMap []byte) (WordPieceOptions, error) {
	opts := DefaultWordPieceOptions()
	var stripAccents *bool
	cfg, err := jsonObject("tokenizer_config.json", tokenizerConfig)
	if err != nil {
		return opts, err
	}
	for _, f := range []struct {
		key string
		dst any
	}{
		{"do_lower_case", &opts.DoLowerCase},
		{"strip_accents", &stripAccents},
		{"tokenize_chinese_chars", &opts.TokenizeChineseChars},
		{"do_basic_tokenize", &opts.DoBasicTokenize},
		{"never_split", &opts.NeverSplit},
	} {
		if err := cfg.get(f.key, f.dst); err != nil {
			return opts, err
		}
	}
	opts.StripAccents = opts.DoLowerCase
	if stripAccents != nil {
		opts.StripAccents = *stripAccents
	}
	special, err := jsonObject("special_tokens_map.json", specialTokensMap)
	if err != nil {
		return opts, err
	}
	for _, obj := range []jsonFields{cfg, special} {
		for key, dst := range map[string]*string{
			"cls_token": &opts.CLS, "sep_token": &opts.SEP, "mask_token": &opts.Mask,
			"pad_token": &opts.Pad, "unk_token": &opts.Unk,
		} {
			if err := obj.token(key, dst); err != nil {
				return opts, err
			}
		}
		if err := obj.tokenList("additional_special_tokens", &opts.Additional); err != nil {
			return opts, err
		}
	}
	return opts, nil
}

// jsonFields are the top-level fields of a JSON object, named after their
// file for errors.
type jsonFields struct {
	file   string
	fields map[string]json.RawMessage
}

// jsonObject parses data (nil: an empty object).
func jsonObject(file string, data []byte) (jsonFields, error) {
	obj := jsonFields{file: file}
	if data == nil {
		return obj, nil
	}
	if err := json.Unmarshal(data, &obj.fields); err != nil {
		if _, ok := err.(*json.UnmarshalTypeError); ok {
			return obj, fmt.Errorf("%s: not a JSON object", file)
		}
		return obj, fmt.Errorf("%s: %w", file, err)
	}
	return obj, nil
}

// get decodes field key into dst when it is present and not null.
func (o jsonFields) get(key string, dst any) error {
	v, ok := o.fields[key]
	if !ok || string(v) == "null" {
		return nil
	}
	if json.Unmarshal(v, dst) != nil {
		want := map[string]string{"*bool": "true or false", "**bool": "true, false or null",
			"*[]string": "a list of strings", "*float64": "a number", "*[]json.RawMessage": "a list"}
		return fmt.Errorf("%s: %s is %s, want %s", o.file, key, v, want[fmt.Sprintf("%T", dst)])
	}
	return nil
}

// token decodes a special token: a string, or an AddedToken object whose
// "content" is the string.
func (o jsonFields) token(key string, dst *string) error {
	v, ok := o.fields[key]
	if !ok || string(v) == "null" {
		return nil
	}
	s, err := tokenText(v)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", o.file, key, err)
	}
	*dst = s
	return nil
}

// tokenList decodes a list of special tokens.
func (o jsonFields) tokenList(key string, dst *[]string) error {
	var list []json.RawMessage
	if err := o.get(key, &list); err != nil {
		return err
	}
	for i, v := range list {
		s, err := tokenText(v)
		if err != nil {
			return fmt.Errorf("%s: %s[%d]: %w", o.file, key, i, err)
		}
		*dst = append(*dst, s)
	}
	return nil
}

func tokenText(v json.RawMessage) (string, error) {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s, nil
	}
	var added struct{ Content *string }
	if json.Unmarshal(v, &added) != nil || added.Content == nil {
		return "", fmt.Errorf("%s is neither a string nor an object with a \"content\" string", v)
	}
	return *added.Content, nil
}

// Dir is the tokenizer of a Hugging Face model directory and the most
// tokens the model takes.
type Dir struct {
	Tokenizer
	// MaxLength is the smallest of the limits the directory gives:
	// tokenizer_config.json's model_max_length, config.json's
	// max_position_embeddings and sentence_bert_config.json's
	// max_seq_length (sentence-transformers truncates there); 0 when it
	// gives none.
	MaxLength int
}

// maxTokenizerFile bounds the files LoadDir reads.
const maxTokenizerFile = 64 << 20

// LoadDir reads the tokenizer of a Hugging Face model directory:
// spiece.model (ALBERT; tokenizer_config.json's do_lower_case and
// keep_accents apply) or else vocab.txt (the BERT family; with
// tokenizer_config.json and special_tokens_map.json). Only the tokenizer
// files and the length limits of the config files are read.
func LoadDir(dir string) (*Dir, error) {
	read := func(name string) ([]byte, error) { return readOptional(filepath.Join(dir, name)) }
	tokCfg, err := read("tokenizer_config.json")
	if err != nil {
		return nil, err
	}
	cfg, err := jsonObject(filepath.Join(dir, "tokenizer_config.json"), tokCfg)
	if err != nil {
		return nil, err
	}
	d := &Dir{}
	if spiece, err := read("spiece.model"); err != nil {
		return nil, err
	} else if spiece != nil {
		opts := DefaultOptions()
		if err := cfg.get("do_lower_case", &opts.DoLowerCase); err != nil {
			return nil, err
		}
		if err := cfg.get("keep_accents", &opts.KeepAccents); err != nil {
			return nil, err
		}
		if d.Tokenizer, err = LoadSentencePiece(spiece, opts); err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
	} else {
		vocab, err := read("vocab.txt")
		if err != nil {
			return nil, err
		}
		if vocab == nil {
			return nil, fmt.Errorf("%s: no tokenizer: neither spiece.model nor vocab.txt", dir)
		}
		special, err := read("special_tokens_map.json")
		if err != nil {
			return nil, err
		}
		opts, err := ParseWordPieceConfig(tokCfg, special)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		if d.Tokenizer, err = LoadWordPiece(vocab, opts); err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
	}
	limits := []struct{ file, key string }{
		{"tokenizer_config.json", "model_max_length"},
		{"config.json", "max_position_embeddings"},
		{"sentence_bert_config.json", "max_seq_length"},
	}
	for _, l := range limits {
		data, err := read(l.file)
		if err != nil {
			return nil, err
		}
		obj, err := jsonObject(filepath.Join(dir, l.file), data)
		if err != nil {
			return nil, err
		}
		var n float64 // transformers writes "no limit" as 1e30
		if err := obj.get(l.key, &n); err != nil {
			return nil, err
		}
		if n >= 1 && n < math.MaxInt32 && (d.MaxLength == 0 || int(n) < d.MaxLength) {
			d.MaxLength = int(n)
		}
	}
	return d, nil
}

// readOptional returns the contents of a file, or nil when it does not
// exist.
func readOptional(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTokenizerFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxTokenizerFile {
		return nil, fmt.Errorf("%s: more than %d bytes", path, maxTokenizerFile)
	}
	return data, nil
}
