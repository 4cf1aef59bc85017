package serve

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
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
	run := modelRun(mod)
	timed := func(seqs []engine.Sequence, split bool) (*engine.Output, error) {
		start := time.Now()
		defer func() { inPass.Add(int64(time.Since(start))) }()
		return run(seqs, split)
	}
	ts := serveModel(b, mod, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, timed)
	bodies := make([]string, len(shortTexts))
	for i, t := range shortTexts {
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

// shortTexts are the texts scripts/loadtest-server.sh sends, one a request.
var shortTexts = []string{
	"an image editor",
	"a music player with playlists",
	"perl module to parse configuration files",
	"a multiplayer first-person shooter",
	"python bindings for a numerical library",
	"a network monitoring daemon",
	"documentation for the C library",
	"a tool to plot scientific data",
}
