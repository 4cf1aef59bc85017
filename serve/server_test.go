package serve

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/albertq/albertq"
	"github.com/albertq/albertq/engine"
	"github.com/albertq/albertq/tokenizer"
)

// The models the tests serve: the CLI's embedded default (int8 debsec) and
// the tiny fixtures.
const (
	debsecPath   = "../cmd/albertq/models/debsec.albq"
	tinyPath     = "../testdata/albert-tiny"
	tinyMLMPath  = "../testdata/albert-tiny-mlm"
	rerankerPath = "../testdata/albert-tiny-reranker"
)

func openModel(t testing.TB, path string) *engine.Model {
	t.Helper()
	mod, err := albertq.Open(path, engine.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mod.Close() })
	return mod
}

// testServer is a Server behind a real listener on 127.0.0.1.
type testServer struct {
	*Server
	url string
}

// serveModel starts a server for mod; run, if not nil, replaces the
// model's passes in the batcher.
func serveModel(t testing.TB, mod *engine.Model, opts Options, run runFunc) *testServer {
	t.Helper()
	if run == nil {
		run = mod.RunWith
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	opts.Normalize = true
	s, err := newServer(mod, opts, run)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		ts.Close()
		s.Close()
	})
	return &testServer{s, ts.URL}
}

// reply is an HTTP answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (ts *testServer) post(t testing.TB, path, body string) reply {
	t.Helper()
	return ts.do(t, http.MethodPost, path, body, nil)
}

func (ts *testServer) do(t testing.TB, method, path, body string, header map[string]string) reply {
	t.Helper()
	req, err := http.NewRequest(method, ts.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, data}
}

// decode reads a 200 answer's JSON into v.
func (r reply) decode(t testing.TB, v any) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func sameFloats(a, b []float32) bool {
	return slices.EqualFunc(a, b, func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) })
}

// embedAlone is what the engine gives for one text run alone.
func embedAlone(t testing.TB, mod *engine.Model, text string) []float32 {
	t.Helper()
	v, err := mod.Embed([]string{text}, engine.PoolMean, true)
	if err != nil {
		t.Fatal(err)
	}
	return v[0].Vector
}

var someTexts = []string{
	"a multiplayer first-person shooter with network play",
	"an image editor",
	"perl module to parse configuration files with nested sections and includes",
}

func TestEmbeddingRoutes(t *testing.T) {
	mod := openModel(t, debsecPath)
	ts := serveModel(t, mod, Options{ModelName: "debsec"}, nil)

	var tei [][]float32
	ts.post(t, "/embed", jsonOf(map[string]any{"inputs": someTexts})).decode(t, &tei)
	for i, text := range someTexts {
		if !sameFloats(tei[i], embedAlone(t, mod, text)) {
			t.Errorf("/embed %d differs from the engine's Embed", i)
		}
	}
	var single [][]float32
	ts.post(t, "/embed", `{"inputs": "an image editor"}`).decode(t, &single)
	if len(single) != 1 || !sameFloats(single[0], tei[1]) {
		t.Errorf("/embed of one string: %d vectors", len(single))
	}

	var raw [][]float32
	ts.post(t, "/embed", `{"inputs": "an image editor", "normalize": false, "dimensions": 64}`).decode(t, &raw)
	unnormalized, _ := mod.Embed([]string{"an image editor"}, engine.PoolMean, false)
	if !sameFloats(raw[0], unnormalized[0].Vector[:64]) {
		t.Errorf("/embed normalize false, dimensions 64: not the first 64 of the raw mean")
	}

	type openAIReply struct {
		Object string
		Model  string
		Data   []struct {
			Object    string
			Embedding json.RawMessage
			Index     int
		}
		Usage struct{ PromptTokens, TotalTokens int } `json:"usage"`
	}
	var oa openAIReply
	ts.post(t, "/v1/embeddings", jsonOf(map[string]any{"input": someTexts, "model": "debsec"})).decode(t, &oa)
	tokens := 0
	for i, text := range someTexts {
		var v []float32
		json.Unmarshal(oa.Data[i].Embedding, &v)
		if !sameFloats(v, tei[i]) || oa.Data[i].Index != i || oa.Data[i].Object != "embedding" {
			t.Errorf("/v1/embeddings %d differs from /embed", i)
		}
		enc, _ := mod.Encode(text, "")
		tokens += len(enc.IDs)
	}
	var usage struct {
		Usage struct {
			PromptTokens int `json:"prompt_tokens"`
			TotalTokens  int `json:"total_tokens"`
		}
	}
	ts.post(t, "/v1/embeddings", jsonOf(map[string]any{"input": someTexts})).decode(t, &usage)
	if oa.Object != "list" || oa.Model != "debsec" || usage.Usage.PromptTokens != tokens || usage.Usage.TotalTokens != tokens {
		t.Errorf("/v1/embeddings: object %q, model %q, usage %+v; want list, debsec, %d tokens", oa.Object, oa.Model, usage.Usage, tokens)
	}

	// base64 is the same floats, little-endian; dimensions cut and normalize again.
	ts.post(t, "/v1/embeddings", `{"input": "an image editor", "encoding_format": "base64", "dimensions": 32}`).decode(t, &oa)
	var b64 string
	json.Unmarshal(oa.Data[0].Embedding, &b64)
	raw8, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]float32, len(raw8)/4)
	for i := range got {
		got[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw8[4*i:]))
	}
	want := slices.Clone(unnormalized[0].Vector[:32])
	engine.Normalize(want)
	if !sameFloats(got, want) {
		t.Errorf("base64 with dimensions 32: got %v, want %v", got[:4], want[:4])
	}

	// Token ids are the model's whole input, as /tokenize gives them.
	enc, _ := mod.Encode(someTexts[0], "")
	var byIDs openAIReply
	ts.post(t, "/v1/embeddings", jsonOf(map[string]any{"input": [][]int{enc.IDs}})).decode(t, &byIDs)
	var v []float32
	json.Unmarshal(byIDs.Data[0].Embedding, &v)
	if !sameFloats(v, tei[0]) {
		t.Errorf("embedding of the text's token ids differs from the text's")
	}
	ts.post(t, "/embed", jsonOf(map[string]any{"inputs": enc.IDs})).decode(t, &single)
	if !sameFloats(single[0], tei[0]) {
		t.Errorf("/embed of one array of ids differs from the text's")
	}
}

func TestPredictTokenizeInfoHealthMetrics(t *testing.T) {
	mod := openModel(t, debsecPath)
	ts := serveModel(t, mod, Options{ModelName: "debsec"}, nil)

	var preds []prediction
	ts.post(t, "/predict", jsonOf(map[string]any{"inputs": someTexts[0]})).decode(t, &preds)
	want, _ := mod.Classify([]string{someTexts[0]}, 0)
	if len(preds) != 8 || preds[0].Label != "games" {
		t.Fatalf("/predict: %v", preds)
	}
	for i, l := range want[0].Labels {
		if preds[i].Label != l.Label || preds[i].Score != l.Prob {
			t.Errorf("/predict label %d: %v, Classify says %v", i, preds[i], l)
		}
	}
	var batch [][]prediction
	ts.post(t, "/predict", jsonOf(map[string]any{"inputs": [][]string{{someTexts[0]}, {"a game", "for children"}}, "raw_scores": true})).decode(t, &batch)
	if len(batch) != 2 || batch[0][0].Label != "games" || batch[0][0].Score <= 1 {
		t.Errorf("/predict batch with raw scores: %v", batch)
	}

	var toks [][]token
	ts.post(t, "/tokenize", `{"inputs": ["Hello world!", "an image editor"]}`).decode(t, &toks)
	enc, _ := mod.Encode("Hello world!", "")
	if len(toks) != 2 || len(toks[0]) != len(enc.IDs) || !toks[0][0].Special || toks[0][0].Text != "[CLS]" || toks[0][0].Start != nil {
		t.Fatalf("/tokenize: %+v, want the ids %v", toks, enc.IDs)
	}
	for i, tk := range toks[0][1 : len(toks[0])-1] { // TEI: a token's text is the span of the input it stands for
		sp := enc.Offsets[i+1]
		if tk.Special || tk.ID != enc.IDs[i+1] || tk.Start == nil || *tk.Start != sp.Start || *tk.Stop != sp.End || tk.Text != "Hello world!"[sp.Start:sp.End] {
			t.Errorf("/tokenize token %d: %+v, want id %d at %v", i+1, tk, enc.IDs[i+1], sp)
		}
	}
	ts.post(t, "/tokenize", `{"inputs": "Hello world!", "add_special_tokens": false}`).decode(t, &toks)
	if len(toks[0]) != len(enc.IDs)-2 || toks[0][0].ID != enc.IDs[1] {
		t.Errorf("/tokenize without special tokens: %+v", toks)
	}

	var in map[string]any
	ts.do(t, http.MethodGet, "/info", "", nil).decode(t, &in)
	for k, v := range map[string]any{"model_id": "debsec", "model_dtype": "int8", "model_family": "albert", "max_input_length": 128.0,
		"max_batch_tokens": 16384.0, "max_client_batch_size": 32.0, "max_concurrent_requests": 512.0, "pooling": "mean"} {
		if in[k] != v {
			t.Errorf("/info %s = %v, want %v", k, in[k], v)
		}
	}
	if mt := jsonOf(in["model_type"]); !strings.Contains(mt, `"classifier"`) || !strings.Contains(mt, `"7":"sound"`) {
		t.Errorf("/info model_type %s", mt)
	}
	if r := ts.do(t, http.MethodGet, "/health", "", nil); r.status != 200 || len(r.body) != 0 {
		t.Errorf("/health: %d %q", r.status, r.body)
	}
	m := ts.do(t, http.MethodGet, "/metrics", "", nil)
	for _, name := range []string{`albertq_requests_total{route="/predict",status="200"} 2`, "albertq_batch_tokens_bucket", "albertq_queue_depth 0",
		"albertq_inference_seconds_count", "albertq_queue_seconds_count", "albertq_inference_tokens_total", "process_resident_memory_bytes"} {
		if !bytes.Contains(m.body, []byte(name)) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}

// apiErrorOf reads an error answer in either style.
func apiErrorOf(t testing.TB, r reply) (kind, msg string) {
	t.Helper()
	var body struct {
		Error     json.RawMessage
		ErrorType string `json:"error_type"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("status %d, not a JSON error: %q", r.status, r.body)
	}
	if body.ErrorType != "" {
		json.Unmarshal(body.Error, &msg)
		return body.ErrorType, msg
	}
	var oa openAIErrorBody
	if err := json.Unmarshal(body.Error, &oa); err != nil {
		t.Fatalf("status %d: %q is neither error body", r.status, r.body)
	}
	return oa.Type, oa.Message
}

func TestErrorsHaveTheRightStatusAndSayWhy(t *testing.T) {
	debsec := serveModel(t, openModel(t, debsecPath), Options{MaxClientBatchSize: 4, PayloadLimit: 4000}, nil)
	mlm := serveModel(t, openModel(t, tinyMLMPath), Options{}, nil)
	long := strings.Repeat("word ", 200)
	cases := []struct {
		ts           *testServer
		method, path string
		body         string
		status       int
		kind, says   string
	}{
		{debsec, "POST", "/embed", `{"inputs": "x"`, 400, "Validation", "not valid JSON"},
		{debsec, "POST", "/embed", ``, 400, "Validation", "empty"},
		{debsec, "POST", "/embed", `["x"]`, 422, "Validation", "must be a JSON object"},
		{debsec, "POST", "/embed", "{\"inputs\": \"caf\xe9\"}", 400, "Validation", "not valid UTF-8 (byte 15)"},
		{debsec, "POST", "/embed", `{"inputs": 5}`, 422, "Validation", "`inputs` must be a string"},
		{debsec, "POST", "/embed", `{"inputs": "x", "normalize": "yes"}`, 422, "Validation", "`normalize` must be true or false"},
		{debsec, "POST", "/embed", `{}`, 422, "Validation", "missing field `inputs`"},
		{debsec, "POST", "/embed", `{"inputs": []}`, 400, "Empty", "`inputs` cannot be empty"},
		{debsec, "POST", "/embed", `{"inputs": ["a", ""]}`, 400, "Empty", "`inputs[1]` cannot be empty"},
		{debsec, "POST", "/embed", `{"inputs": ["a", [2, 1.5, 3]]}`, 422, "Validation", "inputs[1]"},
		{debsec, "POST", "/embed", `{"inputs": [[2, 9000, 3]]}`, 422, "Validation", "token id 9000 at position 1 is outside the vocabulary (0 to 7999)"},
		{debsec, "POST", "/embed", `{"inputs": ["a", "b", "c", "d", "e"]}`, 422, "Validation", "--max-client-batch-size 4"},
		{debsec, "POST", "/embed", jsonOf(map[string]any{"inputs": long}), 422, "Validation", "202 tokens, more than the model's maximum of 128"},
		{debsec, "POST", "/embed", jsonOf(map[string]any{"inputs": strings.Repeat("x", 5000)}), 413, "Validation", "--payload-limit"},
		{debsec, "POST", "/embed", `{"inputs": "x", "dimensions": 0}`, 422, "Validation", "`dimensions` must be from 1 to 256"},
		{debsec, "POST", "/embed", `{"inputs": "x", "truncation_direction": "middle"}`, 422, "Validation", "left or right"},
		{debsec, "POST", "/embed", `{"inputs": "x", "prompt_name": "query"}`, 422, "Validation", "no prompts"},
		{debsec, "POST", "/predict", `{"inputs": ["a", "b", "c"]}`, 422, "Validation", "a pair of texts"},
		{debsec, "POST", "/predict", `{"inputs": ["a", ""]}`, 400, "Empty", "pair with an empty text"},
		{debsec, "POST", "/rerank", `{"query": "a", "texts": ["b"]}`, 424, "Backend", "8 labels (doc, games"},
		{debsec, "POST", "/tokenize", `{"inputs": [1]}`, 422, "Validation", "a string or an array of strings"},
		{debsec, "POST", "/v1/embeddings", `{"input": []}`, 400, "invalid_request_error", "`input` cannot be empty"},
		{debsec, "POST", "/v1/embeddings", `{"input": "x", "encoding_format": "int8"}`, 422, "invalid_request_error", "float or base64"},
		{debsec, "POST", "/v1/embeddings", `{"input": {"text": "x"}}`, 422, "invalid_request_error", "`input` must be"},
		{debsec, "GET", "/v1/models", ``, 404, "invalid_request_error", "there is no /v1/models"},
		{debsec, "GET", "/embed", ``, 405, "NotFound", "/embed takes POST, not GET"},
		{debsec, "POST", "/info", `{}`, 405, "NotFound", "/info takes GET"},
		{mlm, "POST", "/predict", `{"inputs": "x"}`, 424, "Backend", "Model is not a classifier model"},
		{mlm, "POST", "/rerank", `{"query": "a", "texts": ["b"]}`, 424, "Backend", "not a re-ranker"},
	}
	for _, c := range cases {
		r := c.ts.do(t, c.method, c.path, c.body, nil)
		kind, msg := apiErrorOf(t, r)
		if r.status != c.status || kind != c.kind || !strings.Contains(msg, c.says) {
			t.Errorf("%s %s %.60q: %d %s %q; want %d %s saying %q", c.method, c.path, c.body, r.status, kind, msg, c.status, c.kind, c.says)
		}
	}
	// An OpenAI error names the field at fault.
	r := debsec.post(t, "/v1/embeddings", `{"input": "x", "dimensions": 999}`)
	var oa openAIError
	json.Unmarshal(r.body, &oa)
	if oa.Error.Param == nil || *oa.Error.Param != "dimensions" || oa.Error.Code != nil {
		t.Errorf("OpenAI error %s: want param dimensions, code null", r.body)
	}
}

func TestAPIKey(t *testing.T) {
	ts := serveModel(t, openModel(t, debsecPath), Options{APIKey: "s3cret"}, nil)
	for _, c := range []struct {
		path, auth string
		status     int
	}{
		{"/embed", "", 401},
		{"/embed", "Bearer wrong", 401},
		{"/embed", "s3cret", 401},
		{"/embed", "Bearer s3cret", 200},
		{"/v1/embeddings", "", 401},
	} {
		r := ts.do(t, "POST", c.path, `{"inputs": "x", "input": "x"}`, map[string]string{"Authorization": c.auth})
		if r.status != c.status {
			t.Errorf("%s with %q: %d, want %d (%s)", c.path, c.auth, r.status, c.status, r.body)
		}
	}
	if kind, msg := apiErrorOf(t, ts.post(t, "/v1/embeddings", `{"input": "x"}`)); kind != "invalid_request_error" || !strings.Contains(msg, "Authorization: Bearer") {
		t.Errorf("OpenAI 401: %s %q", kind, msg)
	}
	for _, path := range []string{"/health", "/metrics"} {
		if r := ts.do(t, "GET", path, "", nil); r.status != 200 {
			t.Errorf("%s without the key: %d, want 200 (public)", path, r.status)
		}
	}
	if r := ts.do(t, "GET", "/info", "", nil); r.status != 401 {
		t.Errorf("/info without the key: %d, want 401", r.status)
	}
}

func TestTruncation(t *testing.T) {
	mod := openModel(t, tinyPath)
	long := strings.Repeat("a library for parsing configuration files ", 12)
	full, err := tokenizer.Encode(mod.Tokenizer(), long, 0)
	if err != nil {
		t.Fatal(err)
	}
	limit := mod.Config().MaxPositionEmbeddings
	vectorOf := func(ids []int) []float32 {
		out, err := mod.Run([]engine.Sequence{{IDs: ids}})
		if err != nil {
			t.Fatal(err)
		}
		v := mod.PoolSequence(out, 0, engine.PoolMean)
		engine.Normalize(v)
		return v
	}
	right := append(slices.Clone(full.IDs[:limit-1]), full.IDs[len(full.IDs)-1])
	left := append([]int{full.IDs[0]}, full.IDs[len(full.IDs)-limit+1:]...)

	ts := serveModel(t, mod, Options{}, nil)
	var got [][]float32
	ts.post(t, "/embed", jsonOf(map[string]any{"inputs": long, "truncate": true})).decode(t, &got)
	if !sameFloats(got[0], vectorOf(right)) {
		t.Errorf("truncate right: not the first %d tokens' vector", limit)
	}
	ts.post(t, "/embed", jsonOf(map[string]any{"inputs": long, "truncate": true, "truncation_direction": "left"})).decode(t, &got)
	if !sameFloats(got[0], vectorOf(left)) {
		t.Errorf("truncate left: not the last %d tokens' vector", limit)
	}
	ts.post(t, "/embed", jsonOf(map[string]any{"inputs": [][]int{full.IDs}, "truncate": true, "truncation_direction": "Left"})).decode(t, &got)
	if !sameFloats(got[0], vectorOf(full.IDs[len(full.IDs)-limit:])) {
		t.Errorf("token ids truncated left: not the last %d ids' vector", limit)
	}

	auto := serveModel(t, mod, Options{AutoTruncate: true}, nil)
	auto.post(t, "/v1/embeddings", jsonOf(map[string]any{"input": long})).decode(t, &struct{}{})
	if r := auto.post(t, "/embed", jsonOf(map[string]any{"inputs": long, "truncate": false})); r.status != 422 {
		t.Errorf("truncate false under --auto-truncate: %d, want 422", r.status)
	}
}

// Left truncation of a pair drops from the start of the longer text, from
// the second when both are as long.
func TestCutLeftPair(t *testing.T) {
	// [CLS]=2, a = 10…15, [SEP]=3, b = 20…22, [SEP]: 12 tokens cut to 8.
	ids := []int{2, 10, 11, 12, 13, 14, 15, 3, 20, 21, 22, 3}
	types := []int{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1}
	got := cutLeft(ids, types, 8)
	want := engine.Sequence{IDs: []int{2, 13, 14, 15, 3, 21, 22, 3}, TypeIDs: []int{0, 0, 0, 0, 0, 1, 1, 1}}
	if !slices.Equal(got.IDs, want.IDs) || !slices.Equal(got.TypeIDs, want.TypeIDs) {
		t.Errorf("cutLeft: %v %v, want %v %v", got.IDs, got.TypeIDs, want.IDs, want.TypeIDs)
	}
}

// TestComputeHeadersAndLogLine checks what every answer with inputs
// carries besides its body: TEI's x-* headers and one log line.
func TestComputeHeadersAndLogLine(t *testing.T) {
	mod := openModel(t, debsecPath)
	var log bytes.Buffer
	ts := serveModel(t, mod, Options{Logger: slog.New(slog.NewTextHandler(&log, nil))}, nil)
	const text = "an image editor"
	w := httptest.NewRecorder()
	ts.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/embed", strings.NewReader(`{"inputs": "`+text+`"}`)))
	enc, _ := mod.Encode(text, "")
	tokens := strconv.Itoa(len(enc.IDs))
	h := w.Result().Header
	for name, want := range map[string]string{"x-compute-type": "cpu", "x-compute-characters": strconv.Itoa(len(text)), "x-compute-tokens": tokens} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{"x-total-time", "x-tokenization-time", "x-queue-time", "x-inference-time"} {
		if _, err := strconv.Atoi(h.Get(name)); err != nil {
			t.Errorf("%s: %q is not a number of milliseconds", name, h.Get(name))
		}
	}
	line := log.String()
	for _, want := range []string{"level=INFO msg=request method=POST path=/embed status=200 ms=", " remote=192.0.2.1:1234 inputs=1 tokens=" + tokens + "\n"} {
		if !strings.Contains(line, want) {
			t.Errorf("log line %q lacks %q", line, want)
		}
	}

	log.Reset()
	ts.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/embed", strings.NewReader(`{"inputs": ""}`)))
	line = log.String()
	for _, want := range []string{"level=WARN msg=request method=POST path=/embed status=400 ms=", " error=\"`inputs` cannot be empty\"\n"} {
		if !strings.Contains(line, want) {
			t.Errorf("log line %q lacks %q", line, want)
		}
	}
}
