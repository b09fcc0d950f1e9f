package llm_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/briefing/briefing/internal/openaitest"
	"github.com/briefing/briefing/llm"
)

func TestEmbedBatchesInOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		n, batch    int
		wantBatches []int
	}{
		{"one", 1, 4, []int{1}},
		{"exact", 8, 4, []int{4, 4}},
		{"remainder", 10, 4, []int{4, 4, 2}},
		{"default batch", 70, 0, []int{64, 6}},
		{"none", 0, 4, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			// Every response lists its data in reverse: order must come
			// from the index field.
			srv.OnEmbeddings(func(openaitest.EmbeddingsRequest) openaitest.Reply { return openaitest.Reply{Shuffle: true} })
			c := newClient(t, srv, func(c *llm.Config) { c.BatchSize = tt.batch })
			texts := make([]string, tt.n)
			for i := range texts {
				texts[i] = fmt.Sprintf("passage number %d about word%d", i, i)
			}
			got, err := c.Embed(context.Background(), texts)
			if err != nil {
				t.Fatalf("Embed: %v", err)
			}
			if len(got) != tt.n {
				t.Fatalf("Embed returned %d vectors, want %d", len(got), tt.n)
			}
			for i, text := range texts {
				if diff := cmp.Diff(openaitest.Vector(text, openaitest.DefaultDim), got[i]); diff != "" {
					t.Fatalf("vector %d (-want +got):\n%s", i, diff)
				}
			}
			var sizes []int
			for _, r := range srv.EmbeddingsRequests() {
				sizes = append(sizes, len(r.Input))
				if r.Model != "test-embed" {
					t.Errorf("embeddings model %q, want test-embed", r.Model)
				}
			}
			if diff := cmp.Diff(tt.wantBatches, sizes); diff != "" {
				t.Errorf("batch sizes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEmbedFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		replies      []openaitest.Reply
		wantIs       error
		wantStatus   int
		wantRequests int
	}{
		{"retried 503", []openaitest.Reply{openaitest.Status(503, "busy"), {}}, nil, 0, 2},
		{"unknown model", []openaitest.Reply{openaitest.UnknownModel("test-embed")}, nil, 404, 1},
		{"malformed", []openaitest.Reply{{Malformed: true}}, llm.ErrMalformed, 0, 1},
		{"too few vectors", []openaitest.Reply{{Vectors: [][]float32{{1}, {1, 2}}}}, llm.ErrMalformed, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			srv.QueueEmbeddings(tt.replies...)
			c := newClient(t, srv, nil)
			_, err := c.Embed(context.Background(), []string{"a", "b"})
			if n := len(srv.EmbeddingsRequests()); n != tt.wantRequests {
				t.Errorf("server got %d requests, want %d", n, tt.wantRequests)
			}
			if tt.wantIs == nil && tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("Embed: %v", err)
				}
				return
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("Embed error %v, want %v", err, tt.wantIs)
			}
			if got := llm.StatusCode(err); got != tt.wantStatus {
				t.Errorf("StatusCode(%v) = %d, want %d", err, got, tt.wantStatus)
			}
		})
	}
}

func TestEmbedder(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	c := newClient(t, srv, nil)
	e := llm.NewEmbedder(c)
	host := strings.TrimPrefix(strings.TrimSuffix(srv.URL(), "/v1"), "http://")
	if got, want := e.Name(), "openai:test-embed@"+host; got != want {
		t.Errorf("Name() = %q, want %q", got, want)
	}
	if strings.Contains(e.Name(), testKey) {
		t.Errorf("Name() %q contains the key", e.Name())
	}
	q, err := e.EmbedQuery(context.Background(), "Lavrov")
	if err != nil {
		t.Fatalf("EmbedQuery: %v", err)
	}
	docs, err := e.EmbedDocuments(context.Background(), []string{"Lavrov", "Kim"})
	if err != nil {
		t.Fatalf("EmbedDocuments: %v", err)
	}
	if diff := cmp.Diff(docs[0], q); diff != "" {
		t.Errorf("query and document vectors of the same text differ (-doc +query):\n%s", diff)
	}
	noModel := newClient(t, srv, func(c *llm.Config) { c.EmbeddingModel = "" })
	if _, err := noModel.Embed(context.Background(), []string{"x"}); err == nil {
		t.Error("Embed without EmbeddingModel = nil error, want one")
	}
}
