package rag

import (
	"context"
	"fmt"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/rag/lexical"
)

// rrfK is the reciprocal rank fusion constant of Cormack et al.; 60 is the
// value that works without tuning.
const rrfK = 60

// Fusion weights. The offline hashed vectors are a weaker signal than BM25
// over concepts, so their ranking counts half (a neural embedder's counts
// fully); a passage's coverage of the question adds up to two top ranks'
// worth, since it is the best estimate of relevance the engine has.
const (
	hashedDenseWeight = 0.5
	coverageWeight    = 2
)

// retrieveRules is the rules ranker (Options.Ranker "rules"): the hybrid
// search on snapshot s. extra are further texts
// (earlier turns of a conversation) whose concepts count at half weight.
// With a rewrite of q into the corpus language (see rewriteQuery), each
// text's lexical and dense rankings are fused by RRF, the two fused runs
// are merged by each passage's better score, and a passage's Score is the
// better of its coverage of the question's concepts and of the rewrite's.
// Without one it is the offline search exactly.
//
// Dates enter in one separate step (see recency.go): f drops candidates
// outside its range or outlets before the cut to k, and preferRecent
// orders by date only ties and, for a question asking for the latest,
// the most relevant candidates.
func (e *Engine) retrieveRules(ctx context.Context, s *snapshot, q, rewrite string, extra []string, k int, f corpus.Filter) (*retrieval, error) {
	start := time.Now()
	if k <= 0 {
		k = e.opts.TopK
	}
	lang := analysis.DetectLang(q)
	aq := e.analyzer.Query(q, lang)
	r := &retrieval{snap: s, lang: lang, query: aq, state: briefing.StateRefused}
	var history []lexical.Concept
	for _, x := range extra {
		for _, c := range s.lex.Resolve(e.analyzer.Query(x, analysis.DetectLang(x))) {
			c.Weight /= 2
			history = append(history, c)
		}
	}
	r.concepts = append(s.lex.Resolve(aq), history...)
	texts := []string{q}
	if rewrite != "" {
		rq := e.analyzer.Query(rewrite, analysis.DetectLang(rewrite))
		if len(rq.Concepts) > 0 {
			r.rewrite = rewrite
			r.altConcepts = append(s.lex.Resolve(rq), history...)
			texts = append(texts, rewrite)
		}
	}
	if len(aq.Concepts) == 0 && r.rewrite == "" {
		r.took = time.Since(start)
		return r, nil
	}
	depth := max(4*k, 20)
	if !f.IsZero() {
		// A narrow filter would starve a shallow ranking: rank everything
		// and let the filter choose.
		depth = max(depth, len(s.passages))
	}
	vecs, err := e.embedQueries(ctx, texts)
	if err != nil {
		return nil, err
	}

	fused := map[int]*briefing.Hit{}
	get := func(p int) *briefing.Hit {
		h, ok := fused[p]
		if !ok {
			h = &briefing.Hit{Passage: s.passages[p]}
			fused[p] = h
		}
		return h
	}
	// Each text's lexical and dense rankings are fused by RRF, plus its
	// coverage as a tie-breaker, as in the offline search. With a rewrite
	// the two runs are merged by each passage's better run (CombMAX): a
	// plain RRF over all four lists would let passages that both texts
	// half-match outvote the passage only the rewrite finds, which is the
	// one a foreign-language question is after.
	fusedScore := map[int]float64{}
	denseSeen := map[int]bool{}
	for i := range texts {
		concepts := r.concepts
		if i == 1 {
			concepts = r.altConcepts
		}
		rrf := map[int]float64{}
		for rank, sc := range lexical.BM25(concepts, depth) {
			h := get(sc.Passage)
			if i == 0 || sc.Score > h.Lexical {
				h.Lexical = sc.Score
			}
			rrf[sc.Passage] += 1 / float64(rrfK+rank+1)
		}
		if vecs != nil {
			dense, err := s.vec.Query(ctx, vecs[i], depth)
			if err != nil {
				return nil, fmt.Errorf("rag: %w", err)
			}
			for rank, d := range dense {
				p, ok := s.byID[d.ID]
				if !ok {
					continue
				}
				h := get(p)
				if !denseSeen[p] || float64(d.Similarity) > h.Dense {
					h.Dense = float64(d.Similarity)
				}
				denseSeen[p] = true
				rrf[p] += e.denseWeight / float64(rrfK+rank+1)
			}
		}
		for p, v := range rrf {
			cov := s.lex.Coverage(concepts, p)
			fused[p].Score = max(fused[p].Score, cov)
			if f, ok := fusedScore[p]; !ok || v+coverageWeight*cov/rrfK > f {
				fusedScore[p] = v + coverageWeight*cov/rrfK
			}
		}
	}
	order := make([]lexical.Scored, 0, len(fused))
	for p := range fused {
		if !f.Match(s.passages[p]) {
			continue
		}
		if r.rewrite != "" {
			// Score covers what either text asks, wherever it was found.
			fused[p].Score = max(s.lex.Coverage(r.concepts, p), s.lex.Coverage(r.altConcepts, p))
		}
		order = append(order, lexical.Scored{Passage: p, Score: fusedScore[p]})
	}
	lexical.SortScored(order)
	preferRecent(order, func(p int) *briefing.Hit { return fused[p] }, analysis.WantsLatest(q))
	if len(order) > k {
		order = order[:k]
	}
	for i, o := range order {
		h := fused[o.Passage]
		h.Rank = i + 1
		h.Fused = o.Score
		r.hits = append(r.hits, *h)
	}
	r.state = briefing.StateRefused
	if e.evidenced(r) {
		r.state = briefing.StateAnswer
	}
	r.took = time.Since(start)
	return r, nil
}
