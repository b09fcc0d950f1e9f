package fit

import (
	"context"
	"fmt"
	"math"

	"github.com/briefing/briefing"
)

// memoEmbedder embeds each distinct text once: every fold's corpus without
// its articles is made of the full corpus's passages, and every question is
// asked of several corpora, so a remote embedder would otherwise be called
// many times over for the same texts. Its vectors are unit length, as the
// engine's vector store makes them, so that a dot product is the cosine the
// engine's dense search ranks by. Not safe for concurrent use: the fit
// prepares its items one at a time.
type memoEmbedder struct {
	briefing.Embedder
	docs, queries map[string][]float32
}

func newMemoEmbedder(e briefing.Embedder) *memoEmbedder {
	return &memoEmbedder{Embedder: e, docs: map[string][]float32{}, queries: map[string][]float32{}}
}

func (m *memoEmbedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	var missing []string
	seen := map[string]bool{}
	for _, t := range texts {
		if _, ok := m.docs[t]; !ok && !seen[t] {
			seen[t] = true
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		vs, err := m.Embedder.EmbedDocuments(ctx, missing)
		if err != nil {
			return nil, err
		}
		if len(vs) != len(missing) {
			return nil, fmt.Errorf("embedder %s gave %d vectors for %d texts", m.Name(), len(vs), len(missing))
		}
		for i, t := range missing {
			m.docs[t] = unit(vs[i])
		}
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = m.docs[t]
	}
	return out, nil
}

func (m *memoEmbedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	if v, ok := m.queries[text]; ok {
		return v, nil
	}
	v, err := m.Embedder.EmbedQuery(ctx, text)
	if err != nil {
		return nil, err
	}
	v = unit(v)
	m.queries[text] = v
	return v, nil
}

// unit returns v scaled to unit length, or v itself when it is already
// (within the tolerance of the engine's vector store) or is zero.
func unit(v []float32) []float32 {
	var sq float64
	for _, x := range v {
		sq += float64(x) * float64(x)
	}
	n := math.Sqrt(sq)
	if n == 0 || math.Abs(n-1) < 1e-6 {
		return v
	}
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / n)
	}
	return out
}
