package llm_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/openaitest"
	"github.com/briefing/briefing/llm"
)

var (
	_ briefing.Generator = (*llm.Client)(nil)
	_ briefing.Embedder  = (*llm.Embedder)(nil)
)

const testKey = "sk-test-SECRET-0123456789"

// newClient returns a client on srv with millisecond backoffs.
func newClient(t *testing.T, srv *openaitest.Server, edit func(*llm.Config)) *llm.Client {
	t.Helper()
	cfg := llm.Config{
		BaseURL:        srv.URL(),
		Model:          "test-model",
		APIKey:         testKey,
		Temperature:    0.1,
		MaxTokens:      700,
		Timeout:        2 * time.Second,
		MaxRetries:     3,
		EmbeddingModel: "test-embed",
		BackoffBase:    time.Millisecond,
		BackoffMax:     5 * time.Millisecond,
		RetryAfterMax:  50 * time.Millisecond,
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := llm.New(cfg)
	if err != nil {
		t.Fatalf("llm.New: %v", err)
	}
	return c
}

var msgs = []briefing.Message{{Role: "system", Content: "Answer from the passages."}, {Role: "user", Content: "Who visited Pyongyang?"}}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     llm.Config
		wantErr string
	}{
		{"ok", llm.Config{BaseURL: "http://127.0.0.1:1/v1", Model: "m"}, ""},
		{"ok without key", llm.Config{BaseURL: "https://api.openai.com/v1", Model: "gpt-4o-mini"}, ""},
		{"empty url", llm.Config{Model: "m"}, "base URL is empty"},
		{"bad url", llm.Config{BaseURL: "://x", Model: "m"}, "base URL"},
		{"no scheme", llm.Config{BaseURL: "localhost:11434", Model: "m"}, "want http(s)"},
		{"no model", llm.Config{BaseURL: "http://x/v1"}, "model is empty"},
		{"both", llm.Config{}, "model is empty"},
		{"temperature", llm.Config{BaseURL: "http://x/v1", Model: "m", Temperature: 3}, "temperature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := llm.New(tt.cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New(%+v) = %v, want nil", tt.cfg, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New(%+v) = %v, want error containing %q", tt.cfg, err, tt.wantErr)
			}
		})
	}
}

func TestGenerateSendsRequest(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	srv.QueueChat(openaitest.Text("Lavrov visited [1]."))
	c := newClient(t, srv, nil)
	got, err := c.Generate(context.Background(), msgs)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if want := "Lavrov visited [1]."; got != want {
		t.Errorf("Generate = %q, want %q", got, want)
	}
	reqs := srv.ChatRequests()
	if len(reqs) != 1 {
		t.Fatalf("server got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	wantMsgs := []openaitest.Message{{Role: "system", Content: msgs[0].Content}, {Role: "user", Content: msgs[1].Content}}
	if diff := cmp.Diff(wantMsgs, r.Messages); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	if r.Model != "test-model" || r.MaxTokens != 700 || r.Stream {
		t.Errorf("request model=%q max_tokens=%d stream=%v, want test-model 700 false", r.Model, r.MaxTokens, r.Stream)
	}
	if r.Temperature == nil || *r.Temperature < 0.0999 || *r.Temperature > 0.1001 {
		t.Errorf("temperature = %v, want 0.1", r.Temperature)
	}
	if got, want := r.Header.Get("Authorization"), "Bearer "+testKey; got != want {
		t.Errorf("Authorization = %q, want %q", got, want)
	}
}

func TestZeroTemperatureIsSent(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	c := newClient(t, srv, func(c *llm.Config) { c.Temperature = 0; c.APIKey = "" })
	if _, err := c.Generate(context.Background(), msgs); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	zero := float32(0.5)
	if _, err := c.Chat(context.Background(), llm.ChatRequest{Messages: msgs, Temperature: &zero}); err != nil {
		t.Fatalf("Chat: %v", err)
	}
	reqs := srv.ChatRequests()
	if reqs[0].Temperature == nil || *reqs[0].Temperature != 0 {
		t.Errorf("temperature = %v, want explicit 0", reqs[0].Temperature)
	}
	if reqs[1].Temperature == nil || *reqs[1].Temperature != 0.5 {
		t.Errorf("override temperature = %v, want 0.5", reqs[1].Temperature)
	}
	if h := reqs[0].Header.Get("Authorization"); h != "" {
		t.Errorf("Authorization = %q with an empty key, want none", h)
	}
}

// failure lists the scripted failures and what Generate and Stream must do.
var failures = []struct {
	name    string
	replies []openaitest.Reply
	// wantText is what a successful call returns; "" means an error.
	wantText     string
	wantIs       error
	wantStatus   int
	wantRequests int
	wantMsg      string
}{
	{
		name:         "429 then ok",
		replies:      []openaitest.Reply{openaitest.RateLimited(""), openaitest.Text("fine [1].")},
		wantText:     "fine [1].",
		wantRequests: 2,
	},
	{
		name:         "500 502 503 then ok",
		replies:      []openaitest.Reply{openaitest.Status(500, "boom"), openaitest.Status(502, "bad gateway"), openaitest.Status(503, "busy"), openaitest.Text("ok [2].")},
		wantText:     "ok [2].",
		wantRequests: 4,
	},
	{
		name:         "429 storm",
		replies:      []openaitest.Reply{openaitest.RateLimited("0"), openaitest.RateLimited("0"), openaitest.RateLimited("0"), openaitest.RateLimited("0"), openaitest.Text("never")},
		wantStatus:   429,
		wantRequests: 4,
		wantMsg:      "status 429 after 4 attempts: Rate limit reached",
	},
	{
		name:         "unknown model",
		replies:      []openaitest.Reply{openaitest.UnknownModel("test-model"), openaitest.Text("never")},
		wantStatus:   404,
		wantRequests: 1,
		wantMsg:      ": status 404: The model `test-model` does not exist",
	},
	{
		name:         "400 not retried",
		replies:      []openaitest.Reply{openaitest.Status(400, "context too long"), openaitest.Text("never")},
		wantStatus:   400,
		wantRequests: 1,
	},
	{
		name:         "401 not retried",
		replies:      []openaitest.Reply{openaitest.Status(401, "bad key"), openaitest.Text("never")},
		wantStatus:   401,
		wantRequests: 1,
	},
	{
		name:         "non-JSON 502 body",
		replies:      []openaitest.Reply{{Status: 502, ErrorBody: "<html>bad gateway</html>"}, openaitest.Text("ok")},
		wantText:     "ok",
		wantRequests: 2,
	},
	{
		name:         "malformed JSON not retried",
		replies:      []openaitest.Reply{{Text: "x y z", Malformed: true}, openaitest.Text("never")},
		wantIs:       llm.ErrMalformed,
		wantRequests: 1,
	},
	{
		name:         "empty completion",
		replies:      []openaitest.Reply{{}, openaitest.Text("never")},
		wantIs:       llm.ErrEmptyCompletion,
		wantRequests: 1,
	},
	{
		name:         "blank completion",
		replies:      []openaitest.Reply{openaitest.Text(" \n ")},
		wantIs:       llm.ErrEmptyCompletion,
		wantRequests: 1,
	},
	{
		name:         "content filter",
		replies:      []openaitest.Reply{{Text: "x", FinishReason: "content_filter"}},
		wantIs:       llm.ErrFiltered,
		wantRequests: 1,
	},
	{
		name:         "slow past timeout then ok",
		replies:      []openaitest.Reply{{Text: "late", Delay: time.Second}, openaitest.Text("in time")},
		wantText:     "in time",
		wantRequests: 2,
	},
	{
		name:         "hangs every time",
		replies:      []openaitest.Reply{{Hang: true}, {Hang: true}, {Hang: true}, {Hang: true}},
		wantIs:       llm.ErrTimeout,
		wantRequests: 4,
		wantMsg:      "after 4 attempts: attempt timed out after 100ms",
	},
}

func TestFailures(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"generate", "stream"} {
		for _, tt := range failures {
			t.Run(mode+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				srv := openaitest.New(t)
				srv.QueueChat(tt.replies...)
				c := newClient(t, srv, func(c *llm.Config) { c.Timeout = 100 * time.Millisecond })
				var got string
				var err error
				if mode == "generate" {
					got, err = c.Generate(context.Background(), msgs)
				} else {
					got, err = c.Stream(context.Background(), msgs, func(string) {})
				}
				if n := len(srv.ChatRequests()); n != tt.wantRequests {
					t.Errorf("server got %d requests, want %d", n, tt.wantRequests)
				}
				if tt.wantText != "" {
					if err != nil || got != tt.wantText {
						t.Fatalf("%s = %q, %v; want %q, nil", mode, got, err, tt.wantText)
					}
					return
				}
				if err == nil {
					t.Fatalf("%s = %q, nil; want error", mode, got)
				}
				var e *llm.Error
				if !errors.As(err, &e) {
					t.Fatalf("%s error %T (%v), want *llm.Error", mode, err, err)
				}
				if e.Attempts != tt.wantRequests {
					t.Errorf("Attempts = %d, want %d", e.Attempts, tt.wantRequests)
				}
				if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
					t.Errorf("error %v, want errors.Is %v", err, tt.wantIs)
				}
				if got := llm.StatusCode(err); got != tt.wantStatus {
					t.Errorf("StatusCode(%v) = %d, want %d", err, got, tt.wantStatus)
				}
				if tt.wantMsg != "" && !strings.Contains(err.Error(), tt.wantMsg) {
					t.Errorf("error %q, want it to contain %q", err, tt.wantMsg)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error %q spans lines, want one log line", err)
				}
			})
		}
	}
}

func TestLengthReturnsTextAndError(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"generate", "stream"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			srv.QueueChat(openaitest.Reply{Text: "cut short", FinishReason: "length"})
			c := newClient(t, srv, nil)
			comp, err := c.Chat(context.Background(), llm.ChatRequest{Messages: msgs, OnDelta: streamIf(mode == "stream")})
			if !errors.Is(err, llm.ErrLength) {
				t.Fatalf("Chat error %v, want ErrLength", err)
			}
			if comp.Text != "cut short" || comp.FinishReason != "length" {
				t.Errorf("Chat = %q (%s), want %q (length)", comp.Text, comp.FinishReason, "cut short")
			}
			if n := len(srv.ChatRequests()); n != 1 {
				t.Errorf("server got %d requests, want 1 (length is not retried)", n)
			}
		})
	}
}

func streamIf(b bool) func(string) {
	if !b {
		return nil
	}
	return func(string) {}
}

func TestStream(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	srv.QueueChat(openaitest.Reply{Chunks: []string{"La ", "Russia ", "[1]", "."}, Usage: &openaitest.Usage{PromptTokens: 7, CompletionTokens: 4, TotalTokens: 11}})
	c := newClient(t, srv, nil)
	var deltas []string
	comp, err := c.Chat(context.Background(), llm.ChatRequest{Messages: msgs, OnDelta: func(d string) { deltas = append(deltas, d) }})
	if err != nil {
		t.Fatalf("Chat: %v", err)
	}
	if diff := cmp.Diff([]string{"La ", "Russia ", "[1]", "."}, deltas); diff != "" {
		t.Errorf("deltas (-want +got):\n%s", diff)
	}
	want := llm.Completion{Text: "La Russia [1].", FinishReason: "stop", Usage: llm.Usage{PromptTokens: 7, CompletionTokens: 4, TotalTokens: 11}, Attempts: 1}
	comp.FirstDelta, comp.Duration = 0, 0
	if diff := cmp.Diff(want, comp); diff != "" {
		t.Errorf("Chat (-want +got):\n%s", diff)
	}
	r := srv.ChatRequests()[0]
	if !r.Stream || r.StreamOptions == nil || !r.StreamOptions.IncludeUsage {
		t.Errorf("request stream=%v stream_options=%v, want streaming with include_usage", r.Stream, r.StreamOptions)
	}
}

func TestStreamTruncated(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		replies      []openaitest.Reply
		wantText     string
		wantDeltas   string
		wantErr      error
		wantRequests int
	}{
		{
			name:         "cut after text: no retry",
			replies:      []openaitest.Reply{{Text: "one two three four", Truncate: true, TruncateAfter: 2}, openaitest.Text("never")},
			wantText:     "one two",
			wantDeltas:   "one two",
			wantErr:      llm.ErrTruncated,
			wantRequests: 1,
		},
		{
			name:         "cut before text: retried",
			replies:      []openaitest.Reply{{Text: "one two", Truncate: true, TruncateAfter: 0}, openaitest.Text("whole answer")},
			wantText:     "whole answer",
			wantDeltas:   "whole answer",
			wantRequests: 2,
		},
		{
			name:         "ends without finish_reason",
			replies:      []openaitest.Reply{{Text: "one two", Truncate: true, TruncateAfter: 5}},
			wantText:     "one two",
			wantDeltas:   "one two",
			wantErr:      llm.ErrTruncated,
			wantRequests: 1,
		},
		{
			name:         "malformed chunk after text",
			replies:      []openaitest.Reply{{Text: "a b c d", Malformed: true}, openaitest.Text("never")},
			wantText:     "a b",
			wantDeltas:   "a b",
			wantErr:      llm.ErrTruncated,
			wantRequests: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			srv.QueueChat(tt.replies...)
			c := newClient(t, srv, nil)
			var deltas strings.Builder
			got, err := c.Stream(context.Background(), msgs, func(d string) { deltas.WriteString(d) })
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("Stream error %v, want %v", err, tt.wantErr)
			}
			if got != tt.wantText || deltas.String() != tt.wantDeltas {
				t.Errorf("Stream = %q (deltas %q), want %q (%q)", got, deltas.String(), tt.wantText, tt.wantDeltas)
			}
			if n := len(srv.ChatRequests()); n != tt.wantRequests {
				t.Errorf("server got %d requests, want %d", n, tt.wantRequests)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		retryAfter string
		capMax     time.Duration
		minWait    time.Duration
		maxWait    time.Duration
	}{
		{"seconds", "1", 5 * time.Second, 900 * time.Millisecond, 3 * time.Second},
		{"seconds capped", "120", 150 * time.Millisecond, 100 * time.Millisecond, 2 * time.Second},
		{"http date capped", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), 150 * time.Millisecond, 100 * time.Millisecond, 2 * time.Second},
		{"past date", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), time.Second, 0, 500 * time.Millisecond},
		{"garbage uses backoff", "soon", time.Second, 0, 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			srv.QueueChat(openaitest.RateLimited(tt.retryAfter), openaitest.Text("ok"))
			c := newClient(t, srv, func(c *llm.Config) { c.RetryAfterMax = tt.capMax })
			if _, err := c.Generate(context.Background(), msgs); err != nil {
				t.Fatalf("Generate: %v", err)
			}
			reqs := srv.Requests()
			if len(reqs) != 2 {
				t.Fatalf("server got %d requests, want 2", len(reqs))
			}
			if gap := reqs[1].At.Sub(reqs[0].At); gap < tt.minWait || gap > tt.maxWait {
				t.Errorf("retry after %v, want between %v and %v", gap, tt.minWait, tt.maxWait)
			}
		})
	}
}

func TestRetryAfterBeyondDeadlineFailsAtOnce(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	srv.QueueChat(openaitest.RateLimited("30"), openaitest.Text("never"))
	c := newClient(t, srv, func(c *llm.Config) { c.RetryAfterMax = time.Minute })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.Generate(ctx, msgs)
	if llm.StatusCode(err) != 429 {
		t.Fatalf("Generate error %v, want status 429", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Generate took %v, want an immediate failure when Retry-After passes the deadline", d)
	}
}

func TestCancellation(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"generate", "stream", "backoff"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// Cancel once the call is where the mode says: waiting on a
			// request the server holds, or backing off before a retry
			// (the client logs the retry just before it waits).
			srv := openaitest.New(t)
			var logger *slog.Logger
			if mode == "backoff" {
				srv.QueueChat(openaitest.RateLimited("10"), openaitest.Text("never"))
				logger = slog.New(onMessage{msg: "llm retry", f: cancel})
			} else {
				var once sync.Once
				srv.OnChat(func(openaitest.ChatRequest) openaitest.Reply {
					once.Do(cancel)
					return openaitest.Reply{Hang: true}
				})
			}
			c := newClient(t, srv, func(c *llm.Config) {
				c.Timeout = 10 * time.Second
				c.RetryAfterMax = 10 * time.Second
				c.Logger = logger
			})
			start := time.Now()
			var err error
			if mode == "stream" {
				_, err = c.Stream(ctx, msgs, func(string) {})
			} else {
				_, err = c.Generate(ctx, msgs)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want context.Canceled", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("returned after %v, want promptly after cancel", d)
			}
		})
	}
}

func TestServerDown(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	c := newClient(t, srv, nil)
	srv.Close()
	_, err := c.Generate(context.Background(), msgs)
	var e *llm.Error
	if !errors.As(err, &e) || e.Attempts != 4 || e.Status != 0 {
		t.Fatalf("Generate error %v, want *llm.Error after 4 attempts without status", err)
	}
	if !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error %q, want the cause (connection refused)", err)
	}
}

func TestNoRetries(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	srv.QueueChat(openaitest.Status(500, "boom"), openaitest.Text("never"))
	c := newClient(t, srv, func(c *llm.Config) { c.MaxRetries = -1 })
	if _, err := c.Generate(context.Background(), msgs); llm.StatusCode(err) != 500 {
		t.Fatalf("Generate error %v, want status 500", err)
	}
	if n := len(srv.ChatRequests()); n != 1 {
		t.Errorf("server got %d requests with MaxRetries -1, want 1", n)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestKeyNeverLogged(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := openaitest.New(t)
	srv.QueueChat(openaitest.Status(500, "boom"), openaitest.RateLimited("0"), openaitest.Text("ok"))
	srv.QueueEmbeddings(openaitest.Status(503, "busy"))
	c := newClient(t, srv, func(c *llm.Config) { c.Logger = logger })
	ctx := context.Background()
	if _, err := c.Generate(ctx, msgs); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if _, err := c.Stream(ctx, msgs, func(string) {}); err != nil {
		t.Fatalf("Stream: %v", err)
	}
	if _, err := c.Embed(ctx, []string{"a", "b"}); err != nil {
		t.Fatalf("Embed: %v", err)
	}
	srv.QueueChat(openaitest.Status(401, "Incorrect API key provided"))
	_, err := c.Generate(ctx, msgs)
	logger.Error("generate failed", "err", err)
	logger.Info("config", "llm", llm.Config{BaseURL: srv.URL(), Model: "m", APIKey: testKey})

	out := buf.String()
	if !strings.Contains(out, "llm retry") {
		t.Errorf("log lacks retries, so the test proves nothing:\n%s", out)
	}
	if strings.Contains(out, testKey) || strings.Contains(out, "SECRET") {
		t.Errorf("log contains the API key:\n%s", out)
	}
	if !strings.Contains(out, "api_key=set") {
		t.Errorf("Config log value lacks api_key=set:\n%s", out)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("error %q contains the API key", err)
	}
}

func TestListModels(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	srv.SetModels("test-model", "test-embed")
	c := newClient(t, srv, nil)
	got, err := c.ListModels(context.Background())
	if err != nil {
		t.Fatalf("ListModels: %v", err)
	}
	if diff := cmp.Diff([]string{"test-model", "test-embed"}, got); diff != "" {
		t.Errorf("ListModels (-want +got):\n%s", diff)
	}
}

var _ briefing.LimitedGenerator = (*llm.Client)(nil)

func TestGenerateLimitedCapsTokens(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	srv.OnChat(func(openaitest.ChatRequest) openaitest.Reply { return openaitest.Text("ok") })
	c := newClient(t, srv, nil)
	got, err := c.GenerateLimited(context.Background(), []briefing.Message{{Role: "user", Content: "hi"}}, 64)
	if err != nil || got != "ok" {
		t.Fatalf("GenerateLimited = %q, %v", got, err)
	}
	reqs := srv.ChatRequests()
	if len(reqs) != 1 || reqs[0].MaxTokens != 64 {
		t.Errorf("max_tokens sent = %+v, want 64", reqs)
	}
}

// onMessage is a slog.Handler calling f on each record with message msg.
type onMessage struct {
	msg string
	f   func()
}

func (h onMessage) Enabled(context.Context, slog.Level) bool { return true }
func (h onMessage) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.f()
	}
	return nil
}
func (h onMessage) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h onMessage) WithGroup(string) slog.Handler      { return h }

// TestRetriesLogAtDebug checks that a failure retried to exhaustion logs
// nothing above Debug: the caller (rag's fallback) writes the one line an
// operator sees per failure.
func TestRetriesLogAtDebug(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply openaitest.Reply
	}{
		{"500s", openaitest.Status(500, "boom")},
		{"429 storm", openaitest.RateLimited("0")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf syncBuffer
			logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			srv := openaitest.New(t)
			srv.OnChat(func(openaitest.ChatRequest) openaitest.Reply { return tt.reply })
			c := newClient(t, srv, func(c *llm.Config) { c.Logger = logger; c.MaxRetries = 2 })
			if _, err := c.Generate(context.Background(), msgs); err == nil {
				t.Fatal("Generate succeeded, want an error")
			}
			out := buf.String()
			if got := strings.Count(out, "llm retry"); got != 2 {
				t.Errorf("logged %d retries, want 2:\n%s", got, out)
			}
			for _, level := range []string{"level=WARN", "level=ERROR", "level=INFO"} {
				if strings.Contains(out, level) {
					t.Errorf("log has %s lines, want retries at Debug only:\n%s", level, out)
				}
			}
		})
	}
}

// TestErrorBodyCutAtRuneBoundary checks that a long undecodable error body
// is shortened without splitting a multibyte character.
func TestErrorBodyCutAtRuneBoundary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		cut        bool
	}{
		{name: "two-byte runes across the limit", body: "BODY " + strings.Repeat("è", 150), cut: true},
		{name: "three-byte runes across the limit", body: "BODY xy" + strings.Repeat("€", 100), cut: true},
		{name: "four-byte runes across the limit", body: "BODY ab" + strings.Repeat("😀", 60), cut: true},
		{name: "short body kept whole", body: "BODY <p>città chiusa</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			srv.OnChat(func(openaitest.ChatRequest) openaitest.Reply {
				return openaitest.Reply{Status: 400, ErrorBody: tt.body}
			})
			c := newClient(t, srv, nil)
			_, err := c.Generate(context.Background(), msgs)
			if err == nil {
				t.Fatal("Generate succeeded, want an error")
			}
			msg := err.Error()
			if !utf8.ValidString(msg) {
				t.Errorf("error %q is not valid UTF-8", msg)
			}
			i := strings.Index(msg, "BODY")
			if i < 0 {
				t.Fatalf("error %q lacks the body", msg)
			}
			kept := msg[i:]
			if !tt.cut {
				if kept != tt.body {
					t.Errorf("error body = %q, want %q", kept, tt.body)
				}
				return
			}
			kept, ok := strings.CutSuffix(kept, "…")
			if !ok || !strings.HasPrefix(tt.body, kept) || len(kept) > 200 || len(kept) < 197 {
				t.Errorf("error body = %q (%d bytes), want a prefix of the body of 197..200 bytes and an ellipsis", kept, len(kept))
			}
		})
	}
}
