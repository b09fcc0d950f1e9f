package fit

import (
	"context"
	"math"
	"testing"
)

// scaledEmbedder gives vectors of length 2 and counts the texts it embeds.
type scaledEmbedder struct{ docs, queries int }

func (s *scaledEmbedder) Name() string { return "scaled@127.0.0.1" }
func (s *scaledEmbedder) EmbedDocuments(_ context.Context, texts []string) ([][]float32, error) {
	s.docs += len(texts)
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = []float32{2 * float32(len(t)%2), 2 * float32(1-len(t)%2)}
	}
	return out, nil
}
func (s *scaledEmbedder) EmbedQuery(_ context.Context, t string) ([]float32, error) {
	s.queries++
	return []float32{0, 2}, nil
}

func TestMemoEmbedderEmbedsEachTextOnceAtUnitLength(t *testing.T) {
	t.Parallel()
	inner := &scaledEmbedder{}
	m := newMemoEmbedder(inner)
	ctx := t.Context()
	a, err := m.EmbedDocuments(ctx, []string{"a", "bb", "a"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.EmbedDocuments(ctx, []string{"bb", "ccc"})
	if err != nil {
		t.Fatal(err)
	}
	if inner.docs != 3 {
		t.Errorf("embedded %d passages, want 3 distinct", inner.docs)
	}
	if len(a) != 3 || len(b) != 2 || a[1][1] != b[0][1] {
		t.Fatalf("vectors not returned in order: %v %v", a, b)
	}
	for _, v := range append(a, b...) {
		if n := math.Hypot(float64(v[0]), float64(v[1])); math.Abs(n-1) > 1e-6 {
			t.Errorf("vector %v has length %g, want 1 (the engine's store normalises)", v, n)
		}
	}
	for range 3 {
		if _, err := m.EmbedQuery(ctx, "q"); err != nil {
			t.Fatal(err)
		}
	}
	if inner.queries != 1 {
		t.Errorf("embedded the same question %d times, want 1", inner.queries)
	}
}
