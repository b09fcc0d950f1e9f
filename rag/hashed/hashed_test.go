package hashed_test

import (
	"context"
	"math"
	"testing"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/rag/hashed"
)

var _ briefing.Embedder = (*hashed.Embedder)(nil)

func cosine(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func TestHashedEmbedder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := hashed.New(256, nil)
	texts := []string{
		"Il parlamento russo ha ratificato il trattato di mutua difesa.",
		"La tecnologia missilistica balistica lanciata da sottomarini.",
		"",
	}
	a, err := h.EmbedDocuments(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.EmbedDocuments(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range a {
		if len(v) != 256 {
			t.Fatalf("vector %d has %d dimensions, want 256", i, len(v))
		}
		var n float64
		for j, x := range v {
			n += float64(x) * float64(x)
			if x != b[i][j] {
				t.Fatalf("EmbedDocuments is not deterministic")
			}
		}
		if math.Abs(n-1) > 1e-4 {
			t.Errorf("vector %d has norm² %v, want 1", i, n)
		}
	}
	// An English question lands nearer its Italian passage than another one,
	// through the glossary and shared n-grams.
	q, err := h.EmbedQuery(ctx, "When did the Russian parliament ratify the mutual defense treaty?")
	if err != nil {
		t.Fatal(err)
	}
	if near, far := cosine(q, a[0]), cosine(q, a[1]); near <= far {
		t.Errorf("cos(question, right passage) = %.3f <= cos(question, wrong passage) = %.3f", near, far)
	}
	if h.Name() == hashed.New(128, nil).Name() {
		t.Error("embedders of different dimensions share a name: changing dimensions would not rebuild")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := h.EmbedDocuments(cctx, texts); err == nil {
		t.Error("EmbedDocuments ignored a cancelled context")
	}
}
