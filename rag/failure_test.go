package rag_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/openaitest"
	"github.com/briefing/briefing/rag"
)

// TestLLMFailuresFallBack drives every failure of the LLM server through
// Engine.Answer: each must yield the extractive answer, flagged, within the
// deadline, with one Warn line naming the cause.
func TestLLMFailuresFallBack(t *testing.T) {
	t.Parallel()
	docs := mustDefaultDocs(t)
	const deadline = 1500 * time.Millisecond
	tests := []struct {
		name   string
		reply  openaitest.Reply
		down   bool   // the server is closed before the question
		models bool   // the server knows only another model
		stream bool   // the question streams
		slow   bool   // the client's own timeout is past the engine's deadline
		reason string // in FallbackReason
	}{
		{name: "engine deadline before the client's", reply: openaitest.Reply{Hang: true}, slow: true, reason: "deadline exceeded"},
		{name: "server down", down: true, reason: "connection refused"},
		{name: "hangs past the timeout", reply: openaitest.Reply{Hang: true}, reason: "timed out"},
		{name: "slow past the deadline", reply: openaitest.Reply{Delay: 5 * time.Second, Text: "late [1]."}, reason: "timed out"},
		{name: "429 storm", reply: openaitest.RateLimited("1"), reason: "429"},
		{name: "500s", reply: openaitest.Status(500, "boom"), reason: "500"},
		{name: "truncated stream", reply: openaitest.Reply{Text: "Il 6 novembre il parlamento [1]", Truncate: true, TruncateAfter: 2}, stream: true, reason: "truncated"},
		{name: "malformed JSON", reply: openaitest.Reply{Text: "x [1].", Malformed: true}, reason: "malformed"},
		{name: "malformed stream", reply: openaitest.Reply{Text: "Il 6 novembre il parlamento [1].", Malformed: true}, stream: true, reason: "llm: stream"},
		{name: "empty completion", reply: openaitest.Text(""), reason: "empty completion"},
		{name: "length cut", reply: openaitest.Reply{Text: "Il 6", FinishReason: "length"}, reason: "max tokens"},
		{name: "unknown model", models: true, reason: "404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			srv.OnChat(func(openaitest.ChatRequest) openaitest.Reply { return tt.reply })
			if tt.models {
				srv.SetModels("another-model")
			}
			cfg := testLLMConfig(srv)
			cfg.Timeout = 300 * time.Millisecond
			if tt.slow {
				cfg.Timeout = 10 * time.Second
			}
			e, logs := mustLLMEngine(t, srv, cfg, rag.Options{GenerateTimeout: deadline}, docs)
			if tt.down {
				srv.Close()
			}
			req := briefing.Request{Question: ratifiedQ}
			if tt.stream {
				req.OnDelta = func(string) {}
			}
			start := time.Now()
			a, err := e.Answer(context.Background(), req)
			took := time.Since(start)
			if err != nil {
				t.Fatalf("Answer: %v", err)
			}
			if took > deadline+time.Second {
				t.Errorf("Answer took %v, want within the %v deadline", took, deadline)
			}
			if !a.Fallback || a.Generated || a.Refused || len(a.Citations) == 0 || !strings.Contains(a.Text, "6 novembre") {
				t.Fatalf("Answer = %q (fallback %v, generated %v, refused %v, %d citations), want the extractive fallback",
					a.Text, a.Fallback, a.Generated, a.Refused, len(a.Citations))
			}
			t.Logf("FallbackReason = %q (took %v)", a.FallbackReason, took)
			if !strings.Contains(a.FallbackReason, tt.reason) {
				t.Errorf("FallbackReason = %q, want it to mention %q", a.FallbackReason, tt.reason)
			}
			if warns := logs.lines("WARN"); len(warns) != 1 || !strings.Contains(warns[0], "reason=") {
				t.Errorf("warn lines = %q, want exactly one with the reason", warns)
			}
			checkCitations(t, docs, a)
		})
	}
}

func TestCallerCancellationStopsTheRequest(t *testing.T) {
	t.Parallel()
	docs := mustDefaultDocs(t)
	tests := []struct {
		name   string
		stream bool
	}{{"generate", false}, {"stream", true}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// The caller cancels while the server holds the request.
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var once sync.Once
			srv := openaitest.New(t)
			srv.OnChat(func(openaitest.ChatRequest) openaitest.Reply {
				once.Do(cancel)
				return openaitest.Reply{Hang: true}
			})
			e, logs := mustLLMEngine(t, srv, testLLMConfig(srv), rag.Options{GenerateTimeout: 10 * time.Second}, docs)
			req := briefing.Request{Question: ratifiedQ}
			if tt.stream {
				req.OnDelta = func(string) {}
			}
			start := time.Now()
			a, err := e.Answer(ctx, req)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Answer = %q, %v; want context.Canceled", a.Text, err)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("Answer returned %v after cancellation, want promptly", took)
			}
			if warns := logs.lines("WARN"); len(warns) != 0 {
				t.Errorf("cancellation logged %q, want no fallback warning", warns)
			}
		})
	}
}

// TestCallerDeadlineGetsTheFallback checks the promise of an answer within
// the caller's deadline when that deadline is shorter than GenerateTimeout
// and the LLM hangs (in the answer, the stream, the query rewrite or a
// summary): the extractive fallback comes back before the deadline, not a
// context error.
func TestCallerDeadlineGetsTheFallback(t *testing.T) {
	t.Parallel()
	docs := mustDefaultDocs(t)
	const deadline = 900 * time.Millisecond
	tests := []struct {
		name     string
		question string
		stream   bool
		rewrite  bool // RewriteQueries on, with a question to translate
		summary  bool
	}{
		{name: "generate", question: ratifiedQ},
		{name: "stream", question: ratifiedQ, stream: true},
		{name: "rewrite and generate", question: "When did the Russian parliament ratify the treaty?", rewrite: true},
		{name: "summary", summary: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			srv.OnChat(func(openaitest.ChatRequest) openaitest.Reply { return openaitest.Reply{Hang: true} })
			cfg := testLLMConfig(srv)
			cfg.Timeout = 30 * time.Second // the client's own timeout is no help
			e, logs := mustLLMEngine(t, srv, cfg, rag.Options{GenerateTimeout: 30 * time.Second, RewriteQueries: tt.rewrite}, docs)
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			dl, _ := ctx.Deadline()
			var a briefing.Answer
			var err error
			if tt.summary {
				a, err = e.Summarize(ctx, briefing.SummaryRequest{DocID: "russia-north-korea-alliance"})
			} else {
				req := briefing.Request{Question: tt.question}
				if tt.stream {
					req.OnDelta = func(string) {}
				}
				a, err = e.Answer(ctx, req)
			}
			returned := time.Now()
			if err != nil {
				t.Fatalf("got error %v, want the extractive fallback", err)
			}
			if !returned.Before(dl) {
				t.Errorf("returned %v after the caller's deadline", returned.Sub(dl))
			}
			if !a.Fallback || a.Generated || len(a.Citations) == 0 {
				t.Fatalf("Answer = %q (fallback %v, generated %v, %d citations), want the extractive fallback",
					a.Text, a.Fallback, a.Generated, len(a.Citations))
			}
			if !strings.Contains(a.FallbackReason, "deadline exceeded") {
				t.Errorf("FallbackReason = %q, want it to name the deadline", a.FallbackReason)
			}
			if warns := logs.lines("WARN"); len(warns) != 1 {
				t.Errorf("warn lines = %q, want exactly one", warns)
			}
			if len(srv.ChatRequests()) == 0 {
				t.Error("no chat request reached the server, so the test proves nothing")
			}
			checkCitations(t, docs, a)
		})
	}
}
