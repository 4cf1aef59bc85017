package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"unicode/utf8"
)

// input is one thing to run: a text, a pair of texts, or token ids.
type input struct {
	field      string // where it was in the request, for errors: "inputs[2]"
	text, pair string
	ids        []int
	isIDs      bool
}

// readBody reads a request's JSON body into v: at most limit bytes, valid
// UTF-8 and one JSON value whose fields have the types v gives them.
// Unknown fields are ignored, as TEI and OpenAI ignore them.
func readBody(r *http.Request, limit int64, v any) *apiError {
	data, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	switch {
	case err != nil:
		return &apiError{status: http.StatusBadRequest, kind: kindValidation, msg: "reading the request body: " + err.Error()}
	case int64(len(data)) > limit:
		return &apiError{status: http.StatusRequestEntityTooLarge, kind: kindValidation,
			msg: fmt.Sprintf("the request body is larger than the server's limit of %d bytes (--payload-limit)", limit)}
	case len(bytes.TrimSpace(data)) == 0:
		return &apiError{status: http.StatusBadRequest, kind: kindValidation, msg: "the request body is empty: send a JSON object"}
	case !utf8.Valid(data):
		return &apiError{status: http.StatusBadRequest, kind: kindValidation,
			msg: fmt.Sprintf("the request body is not valid UTF-8 (byte %d)", invalidUTF8At(data))}
	}
	if err := json.Unmarshal(data, v); err != nil {
		return bodyError(err)
	}
	return nil
}

// bodyError says what json.Unmarshal found wrong with a request body (a
// function of its own so that a body without error costs no error values).
func bodyError(err error) *apiError {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return &apiError{status: http.StatusBadRequest, kind: kindValidation,
			msg: fmt.Sprintf("the request body is not valid JSON (byte %d): %v", syntax.Offset, err)}
	case errors.As(err, &typ) && typ.Field == "":
		return validationError("", "the request body must be a JSON object, not %s", jsonKind(typ.Value))
	case errors.As(err, &typ):
		return validationError(typ.Field, "`%s` must be %s, not %s", typ.Field, goTypeName(typ.Type.String()), jsonKind(typ.Value))
	}
	return validationError("", "the request body: %v", err)
}

// invalidUTF8At is the offset of the first byte that is not valid UTF-8.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// jsonKind names a JSON value as encoding/json's errors describe it
// ("string", "number 1.5", "array", ...).
func jsonKind(value string) string { return "a JSON " + value }

// goTypeName says in JSON terms what a Go field type expects.
func goTypeName(t string) string {
	switch t {
	case "string", "*string":
		return "a string"
	case "bool", "*bool":
		return "true or false"
	case "int", "*int":
		return "an integer"
	case "[]string":
		return "an array of strings"
	}
	return "of type " + t
}

// isNull reports whether a field was absent or null.
func isNull(raw json.RawMessage) bool { return len(raw) == 0 || string(raw) == "null" }

func missing(field string) *apiError {
	return validationError(field, "missing field `%s`", field)
}

// parseEmbedInputs reads the input of /embed and /v1/embeddings: a string,
// an array of token ids, or an array whose items are strings or arrays of
// token ids.
func parseEmbedInputs(raw json.RawMessage, field string) ([]input, *apiError) {
	if isNull(raw) {
		return nil, missing(field)
	}
	wrong := func() *apiError {
		return validationError(field, "`%s` must be a string, an array of strings, an array of token ids or an array of arrays of token ids", field)
	}
	switch raw[0] {
	case '"':
		var s string
		json.Unmarshal(raw, &s) // valid: a JSON string inside a valid body
		return []input{{field: field, text: s}}, nil
	case '[':
	default:
		return nil, wrong()
	}
	var items []json.RawMessage
	json.Unmarshal(raw, &items)
	if len(items) == 0 {
		return nil, emptyError(field)
	}
	if isNumber(items[0]) { // one array of token ids
		ids, err := parseIDs(raw, field)
		return []input{{field: field, ids: ids, isIDs: true}}, err
	}
	inputs := make([]input, len(items))
	for i, item := range items {
		name := fmt.Sprintf("%s[%d]", field, i)
		switch item[0] {
		case '"':
			inputs[i] = input{field: name}
			json.Unmarshal(item, &inputs[i].text)
		case '[':
			ids, err := parseIDs(item, name)
			if err != nil {
				return nil, err
			}
			inputs[i] = input{field: name, ids: ids, isIDs: true}
		default:
			return nil, wrong()
		}
	}
	return inputs, nil
}

func isNumber(raw json.RawMessage) bool { return raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9' }

// parseIDs reads an array of token ids (integers; the vocabulary's range is
// checked when the ids are encoded).
func parseIDs(raw json.RawMessage, field string) ([]int, *apiError) {
	var ids []int
	if err := json.Unmarshal(raw, &ids); err != nil {
		return nil, validationError(field, "`%s` must be an array of token ids (integers): %v", field, err)
	}
	return ids, nil
}

// parsePredictInputs reads the inputs of /predict: a string, a pair of
// strings ["text", "pair"], or a batch of those as arrays of one or two
// strings [["a"], ["b", "c"]]. batch says whether it was a batch.
func parsePredictInputs(raw json.RawMessage) (inputs []input, batch bool, err *apiError) {
	const field = "inputs"
	if isNull(raw) {
		return nil, false, missing(field)
	}
	wrong := func() *apiError {
		return validationError(field, "`inputs` must be a string, a pair of strings [string, string] or a batch of strings and pairs [[string], [string, string], ...]")
	}
	switch raw[0] {
	case '"':
		in := input{field: field}
		json.Unmarshal(raw, &in.text)
		return []input{in}, false, nil
	case '[':
	default:
		return nil, false, wrong()
	}
	var items []json.RawMessage
	json.Unmarshal(raw, &items)
	if len(items) == 0 {
		return nil, false, emptyError(field)
	}
	if items[0][0] == '"' { // one text or one pair
		in, err := parseSequence(raw, field)
		return []input{in}, false, err
	}
	inputs = make([]input, len(items))
	for i, item := range items {
		if inputs[i], err = parseSequence(item, fmt.Sprintf("%s[%d]", field, i)); err != nil {
			return nil, true, err
		}
	}
	return inputs, true, nil
}

// parseSequence reads [text] or [text, pair].
func parseSequence(raw json.RawMessage, field string) (input, *apiError) {
	var texts []string
	if err := json.Unmarshal(raw, &texts); err != nil || len(texts) == 0 || len(texts) > 2 {
		return input{}, validationError(field, "`%s` must be a text [string] or a pair of texts [string, string]", field)
	}
	in := input{field: field, text: texts[0]}
	if len(texts) == 2 {
		in.pair = texts[1]
		if in.text == "" || in.pair == "" {
			return input{}, newError(kindEmpty, "`%s` is a pair with an empty text", field)
		}
	}
	return in, nil
}

// parseTexts reads a string or an array of strings (the inputs of
// /tokenize).
func parseTexts(raw json.RawMessage, field string) ([]input, *apiError) {
	if isNull(raw) {
		return nil, missing(field)
	}
	var texts []string
	if raw[0] == '"' {
		texts = make([]string, 1)
		json.Unmarshal(raw, &texts[0])
	} else if err := json.Unmarshal(raw, &texts); err != nil {
		return nil, validationError(field, "`%s` must be a string or an array of strings", field)
	}
	if len(texts) == 0 {
		return nil, emptyError(field)
	}
	inputs := make([]input, len(texts))
	for i, t := range texts {
		inputs[i] = input{field: field, text: t}
		if raw[0] == '[' {
			inputs[i].field = fmt.Sprintf("%s[%d]", field, i)
		}
	}
	return inputs, nil
}
