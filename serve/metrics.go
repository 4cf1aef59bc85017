package serve

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (with the Go runtime's and the process's), served at /metrics.
// Tokens per second is rate(albertq_inference_tokens_total[1m]).
type metrics struct {
	registry      *prometheus.Registry
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	queueDepth    prometheus.Gauge
	batchTokens   prometheus.Histogram
	batchInputs   prometheus.Histogram
	queueTime     prometheus.Histogram
	inferenceTime prometheus.Histogram
	tokens        prometheus.Counter
}

func newMetrics() *metrics {
	seconds := prometheus.ExponentialBuckets(0.0005, 2, 16) // 0.5 ms to 16 s
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "albertq_requests_total", Help: "HTTP requests answered, by route and status.",
		}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "albertq_request_duration_seconds", Help: "Time from a request's arrival to its answer, by route.", Buckets: seconds,
		}, []string{"route"}),
		queueDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "albertq_queue_depth", Help: "Inputs waiting for a forward pass.",
		}),
		batchTokens: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "albertq_batch_tokens", Help: "Real tokens (no padding) in each forward pass.", Buckets: prometheus.ExponentialBuckets(1, 2, 17),
		}),
		batchInputs: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "albertq_batch_inputs", Help: "Inputs (sequences) in each forward pass.", Buckets: prometheus.ExponentialBuckets(1, 2, 11),
		}),
		queueTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "albertq_queue_seconds", Help: "Time an input waits in the queue before its forward pass.", Buckets: seconds,
		}),
		inferenceTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "albertq_inference_seconds", Help: "Time of each forward pass.", Buckets: seconds,
		}),
		tokens: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "albertq_inference_tokens_total", Help: "Tokens run through the model.",
		}),
	}
	m.registry.MustRegister(m.requests, m.duration, m.queueDepth, m.batchTokens, m.batchInputs,
		m.queueTime, m.inferenceTime, m.tokens,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observeBatch records one forward pass.
func (m *metrics) observeBatch(inputs, tokens int, took time.Duration) {
	m.batchInputs.Observe(float64(inputs))
	m.batchTokens.Observe(float64(tokens))
	m.tokens.Add(float64(tokens))
	m.inferenceTime.Observe(took.Seconds())
}

// observeRequest records one answered request.
func (m *metrics) observeRequest(route string, status int, took time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(took.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
