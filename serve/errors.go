package serve

import (
	"fmt"
	"net/http"
)

// apiError is an answer other than success: its HTTP status, its kind (the
// error_type of text-embeddings-inference's error body) and a message that
// says what was wrong and, where it can, what to do instead.
type apiError struct {
	status int
	kind   errorKind
	msg    string
	// param names the request field at fault, for OpenAI's error object.
	param string
}

func (e *apiError) Error() string { return e.msg }

// errorKind is TEI's ErrorType, plus the kinds for the answers that TEI
// leaves to its HTTP framework (authentication, routing, framing).
type errorKind string

const (
	kindValidation   errorKind = "Validation"   // a field's value or the body's shape (422, or 400/413 for framing)
	kindEmpty        errorKind = "Empty"        // nothing to run (400)
	kindTokenizer    errorKind = "Tokenizer"    // the text cannot be tokenized (422)
	kindOverloaded   errorKind = "Overloaded"   // the queue is full (429)
	kindBackend      errorKind = "Backend"      // the model cannot serve the route, or inference failed (424)
	kindUnhealthy    errorKind = "Unhealthy"    // shutting down (503)
	kindUnauthorized errorKind = "Unauthorized" // --api-key is set and the request lacks it (401)
	kindNotFound     errorKind = "NotFound"     // no such route, or not with this method (404, 405)
	kindInternal     errorKind = "Internal"     // a bug in the server (500)
	kindCancelled    errorKind = "Cancelled"    // the client went away (499, only logged)
)

// TEI's statuses for its error types.
var kindStatus = map[errorKind]int{
	kindValidation:   http.StatusUnprocessableEntity,
	kindEmpty:        http.StatusBadRequest,
	kindTokenizer:    http.StatusUnprocessableEntity,
	kindOverloaded:   http.StatusTooManyRequests,
	kindBackend:      http.StatusFailedDependency,
	kindUnhealthy:    http.StatusServiceUnavailable,
	kindUnauthorized: http.StatusUnauthorized,
	kindNotFound:     http.StatusNotFound,
	kindInternal:     http.StatusInternalServerError,
	kindCancelled:    499,
}

// newError makes an error of kind with the status TEI gives that kind.
func newError(kind errorKind, format string, args ...any) *apiError {
	return &apiError{status: kindStatus[kind], kind: kind, msg: fmt.Sprintf(format, args...)}
}

// validationError is a bad value in field (named for OpenAI's param).
func validationError(field, format string, args ...any) *apiError {
	e := newError(kindValidation, format, args...)
	e.param = field
	return e
}

// emptyError says that field holds nothing to run.
func emptyError(field string) *apiError {
	e := newError(kindEmpty, "`%s` cannot be empty", field)
	e.param = field
	return e
}

// overloaded is the answer when the queue is full: come back in a second.
func overloaded() *apiError {
	return newError(kindOverloaded, "Model is overloaded")
}

// teiError is text-embeddings-inference's error body.
type teiError struct {
	Error     string    `json:"error"`
	ErrorType errorKind `json:"error_type"`
}

// openAIError is OpenAI's error object, {"error": {...}}.
type openAIError struct {
	Error openAIErrorBody `json:"error"`
}

type openAIErrorBody struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

// body is the error as a route of the given style answers it.
func (e *apiError) body(style errorStyle) any {
	if style == teiStyle {
		return teiError{e.msg, e.kind}
	}
	b := openAIErrorBody{Message: e.msg, Type: "invalid_request_error"}
	if e.param != "" {
		b.Param = &e.param
	}
	code := func(c string) *string { return &c }
	switch {
	case e.status == http.StatusUnauthorized:
		b.Code = code("invalid_api_key")
	case e.status == http.StatusTooManyRequests:
		b.Type, b.Code = "requests", code("rate_limit_exceeded")
	case e.status >= 500:
		b.Type = "server_error"
	}
	return openAIError{b}
}

// errorStyle says which API's error body a route answers with.
type errorStyle int

const (
	teiStyle errorStyle = iota
	openAIStyle
)
