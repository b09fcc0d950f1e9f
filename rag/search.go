package rag

import (
	"context"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
)

// Search returns up to k passages for query, best first (k <= 0: TopK),
// ordered by Hit.Fused; Hit.Score is each passage's relevance.
func (e *Engine) Search(ctx context.Context, query string, k int) ([]briefing.Hit, error) {
	return e.SearchFilter(ctx, query, k, corpus.Filter{})
}

// SearchFilter is Search over the passages f keeps (a date range, outlets).
func (e *Engine) SearchFilter(ctx context.Context, query string, k int, f corpus.Filter) ([]briefing.Hit, error) {
	return e.Find(ctx, briefing.SearchRequest{Query: query, K: k, Filter: f})
}

// Find is Search as a request: with req.Gloss, passages in another language
// than the query's get their machine translation (Hit.Gloss) when the
// engine has a Glosser for the pair.
func (e *Engine) Find(ctx context.Context, req briefing.SearchRequest) ([]briefing.Hit, error) {
	q, err := e.checkQuestion(req.Query)
	if err != nil {
		return nil, err
	}
	s, err := e.snap()
	if err != nil {
		return nil, err
	}
	r, err := e.retrieve(ctx, s, q, "", nil, req.K, req.Filter)
	if err != nil {
		return nil, err
	}
	hits := r.hits
	if req.Gloss && len(hits) > 0 {
		hits = append([]briefing.Hit(nil), hits...) // r.hits may be shared
		texts := make([]string, len(hits))
		for i, h := range hits {
			texts[i] = h.Passage.Text
		}
		for i, g := range e.glossTexts(ctx, s, r.lang, texts, func(i int) string { return hits[i].Passage.DocID }) {
			hits[i].Gloss = g
		}
	}
	return hits, nil
}
