package serve

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/albertq/albertq/engine"
)

// BenchmarkEmbedRequest is what one /embed request of the load test
// (scripts/loadtest-server.sh: one short text) costs the server, one
// request at a time, handled in process with a real model and a text
// logger: allocations per request, and the wall time outside the forward
// pass (reading, tokenizing, queueing, pooling, JSON, logging, metrics) as
// outside-µs/op.
func BenchmarkEmbedRequest(b *testing.B) {
	mod := openModel(b, debsecPath)
	var inPass atomic.Int64 // nanoseconds spent in forward passes
	timed := func(seqs []engine.Sequence, opts engine.RunOptions) (*engine.Output, error) {
		start := time.Now()
		defer func() { inPass.Add(int64(time.Since(start))) }()
		return mod.RunWith(seqs, opts)
	}
	ts := serveModel(b, mod, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, timed)
	data, err := os.ReadFile("../testdata/loadtest-texts.txt") // one text a line
	if err != nil {
		b.Fatal(err)
	}
	texts := strings.Split(strings.TrimSpace(string(data)), "\n")
	bodies := make([]string, len(texts))
	for i, t := range texts {
		bodies[i] = jsonOf(map[string]string{"inputs": t})
	}
	request := func(i int) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/embed", strings.NewReader(bodies[i%len(bodies)]))
		r.Header.Set("Content-Type", "application/json")
		ts.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	request(0) // warm the model's workspace
	inPass.Store(0)
	b.ReportAllocs()
	start, n := time.Now(), 0
	for b.Loop() {
		request(n)
		n++
	}
	outside := time.Since(start) - time.Duration(inPass.Load())
	b.ReportMetric(float64(outside.Microseconds())/float64(n), "outside-µs/op")
}
