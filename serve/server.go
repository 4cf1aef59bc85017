// Package serve is albertq's HTTP server: one model behind OpenAI's
// /v1/embeddings and text-embeddings-inference's /embed, /predict, /rerank,
// /tokenize, /info, /health and /metrics, with the request and response
// shapes of the originals. Concurrent requests are batched: their inputs
// queue, and each forward pass takes real tokens from the front of the
// queue, without padding, up to Options.MaxBatchTokens.
//
// The batching policy is made for a few cores: one batching loop per model
// thread, each taking a fair share of what is queued (the queued tokens
// divided among the loops not running a pass) and running its pass on its
// own thread, so that 64 waiting texts on two threads become two passes of
// 32 side by side. Splitting a pass of short texts over threads costs
// nearly as much CPU again in hand-offs; only a pass that is the server's
// only work (nothing else queued or running) is split over all threads. A
// pass stops after the encoder unless one of its inputs needs the pooler or
// the head (/predict, /rerank, --pool pooler): embeddings are pooled from
// the hidden states alone.
package serve

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/albertq/albertq/engine"
	"github.com/albertq/albertq/modelfile"
)

// Options configure a Server. Zero numbers take the defaults noted on each
// field (text-embeddings-inference's).
type Options struct {
	// ModelName is the model's name in /info and in OpenAI's "model".
	ModelName string
	// MaxBatchTokens bounds the real tokens of one forward pass (default
	// 16384); an input longer than that runs alone.
	MaxBatchTokens int
	// MaxClientBatchSize bounds the inputs of one request (default 32).
	MaxClientBatchSize int
	// MaxConcurrentRequests bounds the inputs held at once, queued or
	// running (default 512); beyond it requests get 429.
	MaxConcurrentRequests int
	// AutoTruncate cuts inputs longer than the model takes when a request
	// does not say (TEI's --auto-truncate); otherwise they are refused.
	AutoTruncate bool
	// APIKey, if set, is required as "Authorization: Bearer KEY" on every
	// route but /health and /metrics.
	APIKey string
	// Pooling turns token vectors into an embedding (default: the model's own, engine.Model.SentencePooling).
	Pooling engine.Pooling
	// Normalize is /embed's default for "normalize" (TEI's, and the CLI's
	// --normalize, is true). /v1/embeddings always normalizes.
	Normalize bool
	// PayloadLimit bounds a request body in bytes (default 2,000,000).
	PayloadLimit int64
	// Logger gets one line per request (default: slog.Default()).
	Logger *slog.Logger
}

// Server answers HTTP requests with one model. It is an http.Handler.
type Server struct {
	mod     *engine.Model
	cfg     modelfile.Config
	opts    Options
	info    info
	admit   *admission
	batcher *batcher
	metrics *metrics
	routes  map[string]route
}

// route is one path's handler and how it is guarded.
type route struct {
	method string
	handle func(s *Server, c *call) (any, *apiError)
	raw    http.Handler // for /metrics, instead of handle
	public bool         // answered without the API key
	admit  bool         // takes an admission permit before the body is read
	style  errorStyle
}

var routes = map[string]route{
	"/v1/embeddings": {method: http.MethodPost, handle: (*Server).openAIEmbeddings, admit: true, style: openAIStyle},
	"/embeddings":    {method: http.MethodPost, handle: (*Server).openAIEmbeddings, admit: true, style: openAIStyle},
	"/embed":         {method: http.MethodPost, handle: (*Server).embed, admit: true},
	"/predict":       {method: http.MethodPost, handle: (*Server).predict, admit: true},
	"/rerank":        {method: http.MethodPost, handle: (*Server).rerank, admit: true},
	"/tokenize":      {method: http.MethodPost, handle: (*Server).tokenize, admit: true},
	"/info":          {method: http.MethodGet, handle: (*Server).getInfo},
	"/health":        {method: http.MethodGet, handle: (*Server).health, public: true},
	"/metrics":       {method: http.MethodGet, public: true},
}

// New makes a server for mod, which it runs from one batching goroutine a
// model thread (see batcher) until Close. The model must
// have been opened without engine.Options.NoTruncate: the server decides
// about long inputs itself.
func New(mod *engine.Model, opts Options) (*Server, error) {
	return newServer(mod, opts, mod.RunWith)
}

// newServer is New with the function that runs a forward pass (tests wrap
// the model's RunWith to hold or break a pass).
func newServer(mod *engine.Model, opts Options, run runFunc) (*Server, error) {
	if err := setDefaults(&opts, mod); err != nil {
		return nil, err
	}
	s := &Server{mod: mod, cfg: mod.Config(), opts: opts, metrics: newMetrics(),
		admit: &admission{limit: opts.MaxConcurrentRequests}}
	s.info = s.describe()
	s.routes = make(map[string]route, len(routes))
	for path, rt := range routes {
		if path == "/metrics" {
			rt.raw = s.metrics.handler()
		}
		s.routes[path] = rt
	}
	s.batcher = newBatcher(run, mod.Threads(), opts.MaxBatchTokens, s.admit, s.metrics)
	return s, nil
}

func setDefaults(o *Options, mod *engine.Model) error {
	defaults := []struct {
		v    *int
		def  int
		flag string
	}{
		{&o.MaxBatchTokens, 16384, "max-batch-tokens"},
		{&o.MaxClientBatchSize, 32, "max-client-batch-size"},
		{&o.MaxConcurrentRequests, 512, "max-concurrent-requests"},
	}
	for _, d := range defaults {
		if *d.v == 0 {
			*d.v = d.def
		}
		if *d.v < 0 {
			return fmt.Errorf("--%s must be positive, not %d", d.flag, *d.v)
		}
	}
	if o.MaxClientBatchSize > o.MaxConcurrentRequests {
		return fmt.Errorf("--max-client-batch-size %d is more than --max-concurrent-requests %d: such a request could never be admitted",
			o.MaxClientBatchSize, o.MaxConcurrentRequests)
	}
	if o.PayloadLimit <= 0 {
		o.PayloadLimit = 2_000_000
	}
	if o.Pooling == engine.PoolModel {
		o.Pooling = mod.SentencePooling()
	}
	if err := mod.CheckPooling(o.Pooling); err != nil {
		return err
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return nil
}

// Close finishes the queued work and stops the batcher's loops. Call it once the
// HTTP server has stopped handing over requests (http.Server.Shutdown);
// the model stays open.
func (s *Server) Close() { s.batcher.close() }

// call is one request as a route handler sees it, and what the handler
// reports back for the log line and the x-* headers.
type call struct {
	s       *Server
	r       *http.Request
	start   time.Time
	permits int // admission permits the request holds
	inputs  int
	tokens  int
	chars   int

	tokenization, queue, inference time.Duration
}

// admitInputs checks the number of a request's inputs against
// MaxClientBatchSize and takes an admission permit for each.
func (c *call) admitInputs(inputs []input, field string) *apiError {
	n, limit := len(inputs), c.s.opts.MaxClientBatchSize
	if n > limit {
		return validationError(field, "`%s` holds %d inputs, more than the server takes in one request (--max-client-batch-size %d): split it", field, n, limit)
	}
	if more := n - c.permits; more > 0 {
		if !c.s.admit.tryAcquire(more) {
			return overloaded()
		}
		c.permits += more
	}
	c.inputs = n
	for _, in := range inputs {
		c.chars += utf8.RuneCountInString(in.text) + utf8.RuneCountInString(in.pair) + len(in.ids)
	}
	return nil
}

// errClientGone ends a request whose client has disconnected (nginx's 499).
var errClientGone = newError(kindCancelled, "the client closed the request")

// run admits and encodes a request's inputs, queues them for the batcher
// and returns each one's result, in the request's order. hiddenOnly says
// the request needs only the hidden states (embeddings pooled from them),
// not the pooler and the head.
func (c *call) run(inputs []input, field string, t truncation, hiddenOnly bool) ([]result, *apiError) {
	if err := c.admitInputs(inputs, field); err != nil {
		return nil, err
	}
	start := time.Now()
	seqs := make([]engine.Sequence, len(inputs))
	for i, in := range inputs {
		seq, err := c.s.encode(in, t)
		if err != nil {
			return nil, err
		}
		seqs[i] = seq
		c.tokens += len(seq.IDs)
	}
	c.tokenization = time.Since(start)
	done, err := c.s.batcher.submit(c.r.Context(), seqs, hiddenOnly)
	if err != nil {
		return nil, err
	}
	c.permits -= len(seqs) // the queued inputs hold them now
	results := make([]result, len(seqs))
	for range seqs {
		select {
		case r := <-done:
			if r.err != nil {
				return nil, newError(kindInternal, "%s: inference failed: %v", inputs[r.index].field, r.err)
			}
			results[r.index] = r
			c.queue += r.queue / time.Duration(len(seqs)) // TEI's headers give the means
			c.inference += r.inference / time.Duration(len(seqs))
		case <-c.r.Context().Done():
			return nil, errClientGone
		}
	}
	return results, nil
}

// ServeHTTP routes a request, checks the API key and admission, runs its
// handler, writes the answer as JSON and logs one line.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{s: s, r: r, start: time.Now()}
	rt, name, err := s.route(r)
	var body any
	switch {
	case err != nil:
	case !rt.public && !s.authorized(r):
		err = newError(kindUnauthorized, "this server needs an API key: send the header \"Authorization: Bearer KEY\"")
	case rt.raw != nil:
		rt.raw.ServeHTTP(w, r)
		s.finish(c, name, http.StatusOK, nil)
		return
	case rt.admit && !s.admit.tryAcquire(1):
		err = overloaded()
	default:
		if rt.admit {
			c.permits = 1
		}
		body, err = s.handleSafely(rt, c)
	}
	s.admit.release(c.permits)
	status := s.write(w, c, rt.style, body, err)
	s.finish(c, name, status, err)
}

// route finds the route of a request; name is its path, or "other" for
// paths the server does not have (so metrics stay few).
func (s *Server) route(r *http.Request) (route, string, *apiError) {
	rt, ok := s.routes[r.URL.Path]
	switch {
	case !ok:
		style := teiStyle
		if len(r.URL.Path) >= 4 && r.URL.Path[:4] == "/v1/" {
			style = openAIStyle
		}
		return route{style: style}, "other", newError(kindNotFound, "there is no %s: the routes are POST /v1/embeddings, /embed, /predict, /rerank, /tokenize and GET /info, /health, /metrics", r.URL.Path)
	case r.Method != rt.method:
		e := newError(kindNotFound, "%s takes %s, not %s", r.URL.Path, rt.method, r.Method)
		e.status = http.StatusMethodNotAllowed
		return rt, r.URL.Path, e
	}
	return rt, r.URL.Path, nil
}

func (s *Server) authorized(r *http.Request) bool {
	if s.opts.APIKey == "" {
		return true
	}
	want := "Bearer " + s.opts.APIKey
	return subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(want)) == 1
}

// handleSafely runs a handler, with a panic turned into this request's
// error (500) and logged with its stack.
func (s *Server) handleSafely(rt route, c *call) (body any, err *apiError) {
	defer func() {
		if p := recover(); p != nil {
			s.opts.Logger.Error("panic in handler", "path", c.r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			body, err = nil, newError(kindInternal, "internal error: %v", p)
		}
	}()
	return rt.handle(s, c)
}

// write sends the answer: body as JSON (none for a nil body), or the error
// in the route's style, with Retry-After on 429. It returns the status.
func (s *Server) write(w http.ResponseWriter, c *call, style errorStyle, body any, err *apiError) int {
	var data []byte
	if err == nil && body != nil {
		var merr error
		if data, merr = json.Marshal(body); merr != nil {
			err = newError(kindInternal, "the answer cannot be written as JSON: %v", merr)
		}
	}
	h := w.Header()
	if err != nil {
		if err.status == http.StatusTooManyRequests {
			h.Set("Retry-After", "1")
		}
		if err.status == http.StatusMethodNotAllowed {
			h.Set("Allow", s.routes[c.r.URL.Path].method)
		}
		data, _ = json.Marshal(err.body(style))
		h.Set("Content-Type", "application/json")
		w.WriteHeader(err.status)
		w.Write(data)
		return err.status
	}
	if c.inputs > 0 {
		// TEI's x-* headers, named in canonical form (as they go out) so
		// that setting them allocates no canonical copy of each name.
		ms := func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
		h.Set("X-Compute-Type", "cpu")
		h.Set("X-Compute-Characters", strconv.Itoa(c.chars))
		h.Set("X-Compute-Tokens", strconv.Itoa(c.tokens))
		h.Set("X-Total-Time", ms(time.Since(c.start)))
		h.Set("X-Tokenization-Time", ms(c.tokenization))
		h.Set("X-Queue-Time", ms(c.queue))
		h.Set("X-Inference-Time", ms(c.inference))
	}
	if data != nil {
		h.Set("Content-Type", "application/json")
	}
	w.WriteHeader(http.StatusOK)
	w.Write(data)
	return http.StatusOK
}

// finish logs the request's line and counts it. The line's attributes are
// typed (slog.Attr, not ...any), so that writing it boxes no value.
func (s *Server) finish(c *call, route string, status int, err *apiError) {
	took := time.Since(c.start)
	s.metrics.observeRequest(route, status, took)
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs, slog.String("method", c.r.Method), slog.String("path", c.r.URL.Path), slog.Int("status", status),
		slog.Float64("ms", float64(took.Microseconds())/1000), slog.String("remote", c.r.RemoteAddr))
	if c.inputs > 0 {
		attrs = append(attrs, slog.Int("inputs", c.inputs), slog.Int("tokens", c.tokens))
	}
	level := slog.LevelInfo
	if err != nil {
		attrs = append(attrs, slog.String("error", err.msg))
		level = slog.LevelWarn
		if status >= 500 {
			level = slog.LevelError
		}
	}
	s.opts.Logger.LogAttrs(c.r.Context(), level, "request", attrs...)
}
