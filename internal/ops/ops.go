// Package ops serves the operational endpoints of briefing serve: /healthz
// and Prometheus /metrics, from a registry of its own (never the global
// one), so several instances can live in one process and in parallel tests.
package ops

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics counts what the bot does. The zero value is not usable: call
// NewMetrics. All methods are safe for concurrent use.
type Metrics struct {
	reg         *prometheus.Registry
	questions   *prometheus.CounterVec
	refusals    prometheus.Counter
	fallbacks   prometheus.Counter
	latency     *prometheus.HistogramVec
	reloads     *prometheus.CounterVec
	rateLimited *prometheus.CounterVec
	feedback    *prometheus.CounterVec
	errors      prometheus.Counter
}

// NewMetrics registers briefing's metrics, plus the Go and process
// collectors, in a new registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "briefing_questions_total",
			Help: "Questions answered, by kind (ask, search, summary, mention).",
		}, []string{"kind"}),
		refusals: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "briefing_refusals_total",
			Help: "Answers refused because the corpus does not cover the question.",
		}),
		fallbacks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "briefing_fallbacks_total",
			Help: "Answers that fell back to the extractive answer because the LLM failed.",
		}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "briefing_answer_latency_seconds",
			Help:    "Time from receiving a question to the final reply, by kind.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 60},
		}, []string{"kind"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "briefing_reloads_total",
			Help: "Corpus reloads, by result (ok, error, denied, busy).",
		}, []string{"result"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "briefing_rate_limited_total",
			Help: "Requests turned away, by reason (user, channel, busy).",
		}, []string{"reason"}),
		feedback: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "briefing_feedback_total",
			Help: "Feedback button clicks, by vote (up, down).",
		}, []string{"vote"}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "briefing_errors_total",
			Help: "Requests that failed with an unexpected error (shown to users with a reference id).",
		}),
	}
	m.reg.MustRegister(m.questions, m.refusals, m.fallbacks, m.latency, m.reloads, m.rateLimited, m.feedback, m.errors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Answered records a finished question of kind ("ask", "summary",
// "mention", "search") that took d.
func (m *Metrics) Answered(kind string, d time.Duration, refused, fallback bool) {
	m.questions.WithLabelValues(kind).Inc()
	m.latency.WithLabelValues(kind).Observe(d.Seconds())
	if refused {
		m.refusals.Inc()
	}
	if fallback {
		m.fallbacks.Inc()
	}
}

// Reload records a reload attempt; result is "ok", "error", "denied" or
// "busy" (refused because one was already running).
func (m *Metrics) Reload(result string) { m.reloads.WithLabelValues(result).Inc() }

// RateLimited records a request turned away; reason is "user" (per-user
// limit), "channel" (per-channel limit) or "busy" (global concurrency cap).
func (m *Metrics) RateLimited(reason string) { m.rateLimited.WithLabelValues(reason).Inc() }

// Feedback records a 👍 ("up") or 👎 ("down").
func (m *Metrics) Feedback(vote string) { m.feedback.WithLabelValues(vote).Inc() }

// Error records an unexpected error shown to a user with a reference id.
func (m *Metrics) Error() { m.errors.Inc() }

// Handler serves GET /healthz and GET /metrics. /healthz answers 200 "ok"
// when ready reports true (the engine has an index) and 503 otherwise; a
// nil ready always answers 200.
func Handler(m *Metrics, ready func() bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if ready != nil && !ready() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("no index\n"))
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	return mux
}
