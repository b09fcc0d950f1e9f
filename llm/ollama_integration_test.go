package llm_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/ollamatest"
	"github.com/briefing/briefing/llm"
)

// TestOllama runs *llm.Client against a real Ollama server serving the tiny
// random-weight model of internal/ollamatest. It asserts protocol behaviour
// only: the model's words are noise. Run it with scripts/ollama.sh test.
// Subtests share the server and run in order so the timings are clean.
func TestOllama(t *testing.T) {
	srv := ollamatest.Require(t)
	// "tiny" is unbiased and runs into any token limit; "tiny-stop" boosts
	// </s> so that greedy decoding ends with "stop" for some prompts.
	base := srv.CreateTiny(t, "tiny", ollamatest.TinyOptions{})
	srv.CreateTiny(t, "tiny-stop", ollamatest.TinyOptions{EOSBoost: 4})
	newOllama := func(t *testing.T, edit func(*llm.Config)) *llm.Client {
		t.Helper()
		cfg := llm.Config{BaseURL: base, Model: "tiny", EmbeddingModel: "tiny", MaxTokens: 64, Timeout: 60 * time.Second,
			BackoffBase: 10 * time.Millisecond, BackoffMax: 50 * time.Millisecond}
		if edit != nil {
			edit(&cfg)
		}
		c, err := llm.New(cfg)
		if err != nil {
			t.Fatalf("llm.New: %v", err)
		}
		return c
	}
	c := newOllama(t, nil)
	stopper := newOllama(t, func(c *llm.Config) { c.Model = "tiny-stop" })
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	user := func(q string) []briefing.Message {
		return []briefing.Message{{Role: "system", Content: "Answer from the passages."}, {Role: "user", Content: q}}
	}

	// The first request loads the model: measure it before anything else.
	cold, err := c.Chat(ctx, llm.ChatRequest{Messages: user("hello"), OnDelta: func(string) {}, MaxTokens: 8})
	if err != nil && !errors.Is(err, llm.ErrLength) && !errors.Is(err, llm.ErrEmptyCompletion) {
		t.Fatalf("cold Chat: %v", err)
	}
	t.Logf("cold start: first token after %v (model load included): %q, %v", cold.FirstDelta, cold.Text, err)

	// Greedy decoding is deterministic: find one prompt that makes
	// tiny-stop end with "stop" after a few tokens.
	var stopQ string
	var stopComp llm.Completion
	for _, q := range []string{"Chi ha visitato Pyongyang?", "Who visited Pyongyang?", "What did Lavrov sign?", "the treaty", "Russia North Korea"} {
		comp, err := stopper.Chat(ctx, llm.ChatRequest{Messages: user(q), Temperature: ptr(float32(0))})
		if err == nil && comp.FinishReason == "stop" && comp.Usage.CompletionTokens >= 3 {
			stopQ, stopComp = q, comp
			break
		}
	}
	if stopQ == "" {
		t.Fatal("no probe prompt made tiny-stop end with finish_reason stop: did the tiny model change?")
	}
	const longQ = "Who visited Pyongyang?"

	t.Run("chat stop and usage", func(t *testing.T) {
		if strings.TrimSpace(stopComp.Text) == "" || stopComp.Attempts != 1 {
			t.Errorf("Chat(%q) = %q after %d attempts, want text after 1", stopQ, stopComp.Text, stopComp.Attempts)
		}
		u := stopComp.Usage
		if u.PromptTokens <= 0 || u.CompletionTokens <= 0 || u.TotalTokens != u.PromptTokens+u.CompletionTokens {
			t.Errorf("usage %+v, want positive counts that add up", u)
		}
	})

	t.Run("length with small max_tokens", func(t *testing.T) {
		comp, err := c.Chat(ctx, llm.ChatRequest{Messages: user(longQ), MaxTokens: 1, Temperature: ptr(float32(0))})
		if !errors.Is(err, llm.ErrLength) || comp.FinishReason != "length" {
			t.Fatalf("Chat(max_tokens 1) = %q (%s), %v; want finish_reason length and ErrLength", comp.Text, comp.FinishReason, err)
		}
		if comp.Usage.CompletionTokens != 1 {
			t.Errorf("completion tokens %d, want 1", comp.Usage.CompletionTokens)
		}
	})

	t.Run("stream equals non-stream at temperature 0", func(t *testing.T) {
		var deltas []string
		comp, err := stopper.Chat(ctx, llm.ChatRequest{Messages: user(stopQ), Temperature: ptr(float32(0)), OnDelta: func(d string) { deltas = append(deltas, d) }})
		if err != nil {
			t.Fatalf("stream Chat: %v", err)
		}
		if got := strings.Join(deltas, ""); got != comp.Text || comp.Text != stopComp.Text {
			t.Errorf("stream text %q (deltas %q), want %q", comp.Text, got, stopComp.Text)
		}
		if comp.FinishReason != "stop" || comp.Usage.CompletionTokens != stopComp.Usage.CompletionTokens {
			t.Errorf("stream finish %q usage %+v, want stop and %+v", comp.FinishReason, comp.Usage, stopComp.Usage)
		}
		if len(deltas) < 2 {
			t.Errorf("got %d deltas, want the text in several fragments", len(deltas))
		}
	})

	t.Run("temperature 0 is repeatable", func(t *testing.T) {
		zero := newOllama(t, func(c *llm.Config) { c.Temperature = 0 })
		var texts []string
		for range 3 {
			comp, err := zero.Chat(ctx, llm.ChatRequest{Messages: user(longQ), MaxTokens: 32})
			if !errors.Is(err, llm.ErrLength) {
				t.Fatalf("Chat: %v, want ErrLength", err)
			}
			texts = append(texts, comp.Text)
		}
		if texts[0] != texts[1] || texts[1] != texts[2] {
			t.Errorf("temperature 0 gave different texts: %q", texts)
		}
	})

	t.Run("throughput", func(t *testing.T) {
		const n = 256
		var comp llm.Completion
		var err error
		for range 3 { // report the best of three: the machine is shared
			var cmp llm.Completion
			cmp, err = c.Chat(ctx, llm.ChatRequest{Messages: user(longQ), MaxTokens: n, Temperature: ptr(float32(0)), OnDelta: func(string) {}})
			if comp.Duration == 0 || cmp.Duration < comp.Duration {
				comp = cmp
			}
		}
		if !errors.Is(err, llm.ErrLength) || comp.Usage.CompletionTokens != n {
			t.Fatalf("Chat(max_tokens %d) = %d tokens, %v; want %d and ErrLength", n, comp.Usage.CompletionTokens, err, n)
		}
		gen := comp.Duration - comp.FirstDelta
		t.Logf("tiny model: time to first token %v, %d tokens in %v = %.0f tokens/s",
			comp.FirstDelta.Round(time.Millisecond), n-1, gen.Round(time.Millisecond), float64(n-1)/gen.Seconds())
	})

	t.Run("cancellation", func(t *testing.T) {
		cctx, ccancel := context.WithCancel(ctx)
		defer ccancel()
		var canceledAt time.Time
		_, err := c.Stream(cctx, user(longQ), func(string) {
			if canceledAt.IsZero() {
				canceledAt = time.Now()
				ccancel()
			}
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Stream after cancel: %v, want context.Canceled", err)
		}
		if d := time.Since(canceledAt); d > time.Second {
			t.Errorf("Stream returned %v after cancel, want promptly", d)
		}
	})

	t.Run("unknown model is a 404 without retry", func(t *testing.T) {
		bad := newOllama(t, func(c *llm.Config) { c.Model = "no-such-model" })
		start := time.Now()
		_, err := bad.Generate(ctx, user("hello"))
		var e *llm.Error
		if !errors.As(err, &e) || e.Status != 404 || e.Attempts != 1 {
			t.Fatalf("Generate with unknown model: %v, want *llm.Error status 404 after 1 attempt", err)
		}
		t.Logf("unknown model: %v (%v)", err, time.Since(start).Round(time.Millisecond))
	})

	t.Run("models", func(t *testing.T) {
		ids, err := c.ListModels(ctx)
		if err != nil {
			t.Fatalf("ListModels: %v", err)
		}
		if !strings.Contains(strings.Join(ids, " "), "tiny") {
			t.Errorf("ListModels = %q, want tiny among them", ids)
		}
	})

	t.Run("embeddings", func(t *testing.T) {
		e := llm.NewEmbedder(newOllama(t, func(c *llm.Config) { c.BatchSize = 2 }))
		if !strings.HasPrefix(e.Name(), "openai:tiny@127.0.0.1:") {
			t.Errorf("Name() = %q, want openai:tiny@127.0.0.1:<port>", e.Name())
		}
		texts := []string{"Lavrov visited Pyongyang.", "Il trattato con la Corea del Nord.", "hello", "", "treaty"}
		docs, err := e.EmbedDocuments(ctx, texts)
		if err != nil {
			t.Fatalf("EmbedDocuments: %v", err)
		}
		q, err := e.EmbedQuery(ctx, texts[0])
		if err != nil {
			t.Fatalf("EmbedQuery: %v", err)
		}
		if len(docs) != len(texts) || len(q) == 0 {
			t.Fatalf("got %d vectors and a query of %d, want %d and > 0", len(docs), len(q), len(texts))
		}
		for i, v := range docs {
			if len(v) != len(q) {
				t.Errorf("vector %d has dimension %d, want %d", i, len(v), len(q))
			}
		}
		if cos(q, docs[0]) < 0.999 {
			t.Errorf("query and document embedding of the same text differ (cos %.4f): order lost across batches?", cos(q, docs[0]))
		}
		t.Logf("embeddings: dimension %d", len(q))
	})
}

func ptr[T any](v T) *T { return &v }

func cos(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab / (math.Sqrt(aa) * math.Sqrt(bb))
}
