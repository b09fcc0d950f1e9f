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
	q, err := e.checkQuestion(query)
	if err != nil {
		return nil, err
	}
	s, err := e.snap()
	if err != nil {
		return nil, err
	}
	r, err := e.retrieve(ctx, s, q, "", nil, k, f)
	if err != nil {
		return nil, err
	}
	return r.hits, nil
}
