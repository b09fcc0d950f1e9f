package ops_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/briefing/briefing/internal/ops"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	var ready atomic.Bool
	srv := httptest.NewServer(ops.Handler(ops.NewMetrics(), ready.Load))
	defer srv.Close()
	tests := []struct {
		name   string
		ready  bool
		status int
		body   string
	}{
		{"no index", false, http.StatusServiceUnavailable, "no index\n"},
		{"indexed", true, http.StatusOK, "ok\n"},
	}
	for _, tt := range tests {
		ready.Store(tt.ready)
		status, body := get(t, srv.URL+"/healthz")
		if status != tt.status || body != tt.body {
			t.Errorf("%s: GET /healthz = %d %q, want %d %q", tt.name, status, body, tt.status, tt.body)
		}
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	m := ops.NewMetrics()
	m.Answered("ask", 300*time.Millisecond, true, false)
	m.Answered("ask", time.Second, false, true)
	m.Reload("ok")
	m.Reload("error")
	m.RateLimited("user")
	m.Feedback("up")
	srv := httptest.NewServer(ops.Handler(m, nil))
	defer srv.Close()
	status, body := get(t, srv.URL+"/metrics")
	if status != http.StatusOK {
		t.Fatalf("GET /metrics = %d", status)
	}
	for _, want := range []string{
		`briefing_questions_total{kind="ask"} 2`,
		`briefing_refusals_total 1`,
		`briefing_fallbacks_total 1`,
		`briefing_answer_latency_seconds_count{kind="ask"} 2`,
		`briefing_reloads_total{result="ok"} 1`,
		`briefing_reloads_total{result="error"} 1`,
		`briefing_rate_limited_total{reason="user"} 1`,
		`briefing_feedback_total{vote="up"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /metrics lacks %q", want)
		}
	}
}
