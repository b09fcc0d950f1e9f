package rag_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/relevance"
	"github.com/briefing/briefing/rag"
	"github.com/briefing/briefing/rag/hashed"
)

// queryEmbedder embeds documents with the hashed embedder and queries as
// told: normally, failing, or blocking until its context ends. It counts
// query embeddings.
type queryEmbedder struct {
	inner   *hashed.Embedder
	mode    atomic.Value // "ok", "fail" or "block"
	queries atomic.Int64
}

func newQueryEmbedder(mode string) *queryEmbedder {
	q := &queryEmbedder{inner: hashed.New(0, nil)}
	q.mode.Store(mode)
	return q
}

func (q *queryEmbedder) Name() string { return "query-embedder" }
func (q *queryEmbedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	return q.inner.EmbedDocuments(ctx, texts)
}
func (q *queryEmbedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	q.queries.Add(1)
	switch q.mode.Load() {
	case "fail":
		return nil, errors.New("embeddings server: 503")
	case "block":
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return q.inner.EmbedQuery(ctx, text)
}

// TestQueryEmbeddingFailureFallsBackToLexical: a dead or slow embeddings
// server costs the dense ranking, not the question; one Warn line says so.
func TestQueryEmbeddingFailureFallsBackToLexical(t *testing.T) {
	t.Parallel()
	docs := mustDefaultDocs(t)
	const q = "Quando il parlamento russo ha ratificato il trattato?"
	for _, mode := range []string{"fail", "block"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			emb := newQueryEmbedder("ok")
			// A model fitted for this embedder, so the one Warn line is
			// the embedding's.
			m, err := relevance.Default()
			if err != nil {
				t.Fatal(err)
			}
			m.Embedder = emb.Name()
			var logs logBuffer
			e := mustEngine(t, "", rag.Options{Embedder: emb, EmbedTimeout: 50 * time.Millisecond, Model: m,
				Logger: slog.New(slog.NewTextHandler(&logs, nil))}, docs)
			emb.mode.Store(mode)
			start := time.Now()
			a, err := e.Answer(context.Background(), briefing.Request{Question: q})
			if err != nil {
				t.Fatalf("Answer: %v", err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("Answer took %v with EmbedTimeout 50ms", took)
			}
			if a.Refused || !strings.Contains(a.Text, "6 novembre") {
				t.Errorf("lexical-only Answer = %q (refused %v), want the 6 November answer", a.Text, a.Refused)
			}
			for _, h := range a.Hits {
				if h.Dense != 0 {
					t.Errorf("hit %s has a dense score %v without a query vector", h.Passage.ID, h.Dense)
				}
			}
			warns := logs.lines("WARN")
			if len(warns) != 1 || !strings.Contains(warns[0], "query embedding failed") {
				t.Errorf("logged %d Warn lines %q, want one about the query embedding", len(warns), warns)
			}
		})
	}
	t.Run("caller cancellation is an error", func(t *testing.T) {
		t.Parallel()
		emb := newQueryEmbedder("ok")
		e := mustEngine(t, "", rag.Options{Embedder: emb, EmbedTimeout: time.Minute}, docs)
		emb.mode.Store("block")
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if _, err := e.Search(ctx, q, 3); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Search with the caller's deadline passed = %v, want DeadlineExceeded", err)
		}
	})
}

// TestQueryEmbeddingsAreCached: a repeated question is embedded once.
func TestQueryEmbeddingsAreCached(t *testing.T) {
	t.Parallel()
	emb := newQueryEmbedder("ok")
	e := mustEngine(t, "", rag.Options{Embedder: emb}, mustDefaultDocs(t))
	first, err := e.Search(context.Background(), "trattato di mutua difesa", 3)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.Search(context.Background(), "trattato di mutua difesa", 3)
	if err != nil {
		t.Fatal(err)
	}
	if n := emb.queries.Load(); n != 1 {
		t.Errorf("two identical searches embedded the query %d times, want 1", n)
	}
	if len(first) == 0 || len(first) != len(again) || first[0].Passage.ID != again[0].Passage.ID || first[0].Dense != again[0].Dense {
		t.Errorf("the cached search differs: %+v vs %+v", first, again)
	}
}

// failingMapGenerator fails the summary map step holding passage 1 at once
// and holds every other completion until its context ends, recording why.
type failingMapGenerator struct {
	mu    sync.Mutex
	ended []error
}

func (g *failingMapGenerator) Generate(ctx context.Context, msgs []briefing.Message) (string, error) {
	if strings.Contains(msgs[len(msgs)-1].Content, `<passage n="1"`) {
		return "", errors.New("llm: status 500")
	}
	<-ctx.Done()
	g.mu.Lock()
	g.ended = append(g.ended, ctx.Err())
	g.mu.Unlock()
	return "", ctx.Err()
}

func (g *failingMapGenerator) Stream(ctx context.Context, msgs []briefing.Message, _ func(string)) (string, error) {
	return g.Generate(ctx, msgs)
}

// TestSummaryMapFailureCancelsTheOthers: the first failing map step ends
// the summary at once, with the extractive fallback, and cancels the steps
// still running rather than waiting for GenerateTimeout.
func TestSummaryMapFailureCancelsTheOthers(t *testing.T) {
	t.Parallel()
	gen := &failingMapGenerator{}
	e := mustEngine(t, "", rag.Options{Generator: gen, GenerateTimeout: time.Minute, SummaryTokenBudget: 1}, mustDefaultDocs(t))
	start := time.Now()
	a, err := e.Summarize(context.Background(), briefing.SummaryRequest{})
	if err != nil {
		t.Fatalf("Summarize: %v", err)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("Summarize took %v: the failure did not cancel the other map steps", took)
	}
	if !a.Fallback || !strings.Contains(a.FallbackReason, "status 500") || len(a.Citations) == 0 {
		t.Errorf("Summarize = fallback %v reason %q with %d citations, want the extractive summary after the 500", a.Fallback, a.FallbackReason, len(a.Citations))
	}
	gen.mu.Lock()
	defer gen.mu.Unlock()
	for _, err := range gen.ended {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("a map step ended by %v, want cancellation by the failed one", err)
		}
	}
}
