package openaitest_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/briefing/briefing/internal/openaitest"
)

func post(t *testing.T, url, body string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestServerWire(t *testing.T) {
	t.Parallel()
	chat := `{"model":"m","messages":[{"role":"user","content":"hi there"}]`
	tests := []struct {
		name       string
		setup      func(*openaitest.Server)
		path, body string
		wantStatus int
		wantParts  []string
	}{
		{"default chat", nil, "/chat/completions", chat + `}`, 200,
			[]string{`"content":"` + openaitest.DefaultText + `"`, `"finish_reason":"stop"`, `"prompt_tokens":2`}},
		{"stream with usage", func(s *openaitest.Server) { s.QueueChat(openaitest.Text("a b")) }, "/chat/completions",
			chat + `,"stream":true,"stream_options":{"include_usage":true}}`, 200,
			[]string{`"content":"a"`, `"content":" b"`, `"finish_reason":"stop"`, `"completion_tokens":2`, "data: [DONE]\n\n"}},
		{"rate limited", func(s *openaitest.Server) { s.QueueChat(openaitest.RateLimited("7")) }, "/chat/completions", chat + `}`, 429,
			[]string{`"type":"rate_limit_exceeded"`}},
		{"unknown model", func(s *openaitest.Server) { s.SetModels("other") }, "/chat/completions", chat + `}`, 404,
			[]string{"The model `m` does not exist"}},
		{"bad body", nil, "/chat/completions", `{`, 400, []string{"invalid request body"}},
		{"embeddings", nil, "/embeddings", `{"model":"e","input":["x","y"]}`, 200, []string{`"index":0`, `"index":1`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			if tt.setup != nil {
				tt.setup(srv)
			}
			resp, body := post(t, srv.URL()+tt.path, tt.body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("POST %s = %d, want %d: %s", tt.path, resp.StatusCode, tt.wantStatus, body)
			}
			for _, p := range tt.wantParts {
				if !strings.Contains(body, p) {
					t.Errorf("body lacks %q:\n%s", p, body)
				}
			}
			if tt.name == "rate limited" && resp.Header.Get("Retry-After") != "7" {
				t.Errorf("Retry-After = %q, want 7", resp.Header.Get("Retry-After"))
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("recorded %d requests, want 1", n)
			}
		})
	}
}

func TestVector(t *testing.T) {
	t.Parallel()
	cos := func(a, b []float32) float32 {
		var s float32
		for i := range a {
			s += a[i] * b[i]
		}
		return s
	}
	a := openaitest.Vector("Lavrov visited Pyongyang", 64)
	b := openaitest.Vector("Pyongyang: Lavrov's visit", 64)
	c := openaitest.Vector("weather forecast", 64)
	if got := cos(a, a); got < 0.999 || got > 1.001 {
		t.Errorf("|Vector| = %v, want 1", got)
	}
	if cos(a, b) <= cos(a, c) {
		t.Errorf("cos(related) = %v <= cos(unrelated) = %v", cos(a, b), cos(a, c))
	}
}
