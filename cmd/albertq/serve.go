package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/albertq/albertq/engine"
	"github.com/albertq/albertq/serve"
)

const serveUsage = `[--model PATH] [--addr 127.0.0.1:8080] [flags]

Serves the model over HTTP with the APIs of OpenAI (POST /v1/embeddings) and
text-embeddings-inference (POST /embed, /predict, /rerank, /tokenize; GET /info,
/health, /metrics), batching the inputs of concurrent requests into shared
forward passes. It listens on loopback unless told otherwise, logs one line per
request on stderr, and on SIGINT or SIGTERM stops accepting, finishes the
requests in flight (at most --drain-timeout) and exits.`

func serveCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", serveUsage, stdout)
	mf := addEngineFlags(fs, classifierDefault)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (port 0: any free port, logged at start)")
	var opts serve.Options
	fs.IntVar(&opts.MaxBatchTokens, "max-batch-tokens", 16384, "real tokens one forward pass takes from the queue (an input longer than this runs alone)")
	fs.IntVar(&opts.MaxClientBatchSize, "max-client-batch-size", 32, "inputs one request may hold")
	fs.IntVar(&opts.MaxConcurrentRequests, "max-concurrent-requests", 512, "inputs held at once, queued or running; beyond it requests get 429")
	fs.BoolVar(&opts.AutoTruncate, "auto-truncate", false, "cut inputs longer than the model takes when a request does not say (else they get 422)")
	fs.StringVar(&opts.APIKey, "api-key", "", "require \"Authorization: Bearer KEY\" (all routes but /health and /metrics)")
	pool := fs.String("pool", "", "how token vectors become an embedding: mean, cls, pooler, max, mean-sqrt-len or lasttoken (default: the model's own, mean unless it is a sentence-transformers model)")
	fs.BoolVar(&opts.Normalize, "normalize", true, "default of /embed's \"normalize\" (/v1/embeddings always normalizes)")
	fs.Int64Var(&opts.PayloadLimit, "payload-limit", 2_000_000, "largest request body in bytes")
	drain := fs.Duration("drain-timeout", 30*time.Second, "on SIGINT or SIGTERM, how long to let requests in flight finish")
	jsonLogs := fs.Bool("json-output", false, "log JSON lines instead of text")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"max-batch-tokens", opts.MaxBatchTokens}, {"max-client-batch-size", opts.MaxClientBatchSize}, {"max-concurrent-requests", opts.MaxConcurrentRequests}} {
		if f.v < 1 {
			return usagef("--%s must be at least 1, not %d", f.name, f.v)
		}
	}
	if opts.PayloadLimit < 1 {
		return usagef("--payload-limit must be at least 1, not %d", opts.PayloadLimit)
	}
	opts.Pooling = engine.Pooling(*pool)
	opts.Logger = newLogger(*jsonLogs, stderr)
	opts.ModelName = servedName(*mf.path)
	mod, err := mf.open()
	if err != nil {
		return err
	}
	defer mod.Close()
	srv, err := serve.New(mod, opts)
	if err != nil {
		return usageError{err.Error()}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		srv.Close()
		return err
	}
	kern := mod.Kernels()
	opts.Logger.Info("listening", "addr", ln.Addr().String(), "model", opts.ModelName, "dtype", mod.DType().String(),
		"kernels", kern.I8.Name+"/"+kern.F16.Name+"/"+kern.F32.Name, "max_batch_tokens", opts.MaxBatchTokens)
	return serveUntilSignal(ln, srv, opts.Logger, *drain)
}

// serveUntilSignal serves on ln until SIGINT or SIGTERM, then stops
// accepting, lets the requests in flight finish within drain and stops the
// server's batcher. A drain that runs out of time is an error.
func serveUntilSignal(ln net.Listener, srv *serve.Server, log *slog.Logger, drain time.Duration) error {
	// A client gets a minute to send its request (so a stalled one cannot
	// hold an admission permit), and no limit on waiting for the answer.
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		srv.Close()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing the requests in flight", "drain_timeout", drain.String())
	dctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	err := hs.Shutdown(dctx)
	srv.Close()
	if err != nil {
		return fmt.Errorf("requests still in flight after --drain-timeout %s were cut off", drain)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// newLogger logs to stderr, as text or JSON lines.
func newLogger(asJSON bool, stderr io.Writer) *slog.Logger {
	if asJSON {
		return slog.New(slog.NewJSONHandler(stderr, nil))
	}
	return slog.New(slog.NewTextHandler(stderr, nil))
}

// servedName is the model's name in answers: the file or directory name of
// --model without its extension, or "debsec" for the embedded default.
func servedName(path string) string {
	if path == "" {
		return "debsec"
	}
	base := filepath.Base(filepath.Clean(path))
	return strings.TrimSuffix(base, filepath.Ext(base))
}
