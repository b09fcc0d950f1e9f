package rag

import (
	"context"
	"fmt"
	"time"

	"github.com/briefing/briefing/internal/analysis"
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

// retrieval is what a question found, kept for the answer stage.
type retrieval struct {
	snap     *snapshot
	lang     string
	query    analysis.Query
	concepts []concept
	// rewrite is the question translated into the corpus language, and
	// altConcepts its concepts; both empty without a rewrite.
	rewrite     string
	altConcepts []concept
	hits        []Hit
	took        time.Duration
}

// Search returns up to k passages for query, best first (k <= 0: TopK),
// ordered by Hit.Fused; Hit.Score is each passage's relevance.
func (e *Engine) Search(ctx context.Context, query string, k int) ([]Hit, error) {
	q, err := e.checkQuestion(query)
	if err != nil {
		return nil, err
	}
	r, err := e.retrieve(ctx, q, nil, k)
	if err != nil {
		return nil, err
	}
	return r.hits, nil
}

// retrieve runs the hybrid search. extra are further texts (earlier turns of
// a conversation) whose concepts count at half weight.
func (e *Engine) retrieve(ctx context.Context, q string, extra []string, k int) (*retrieval, error) {
	return e.retrieveWith(ctx, q, "", extra, k)
}

// retrieveWith is retrieve with an optional rewrite of q into the corpus
// language (see rewriteQuery). With a rewrite, each text's lexical and
// dense rankings are fused by RRF, the two fused runs are merged by each
// passage's better score, and a passage's Score is the better of its
// coverage of the question's concepts and of the rewrite's. Without one it
// is the offline search exactly.
func (e *Engine) retrieveWith(ctx context.Context, q, rewrite string, extra []string, k int) (*retrieval, error) {
	start := time.Now()
	s := e.cur.Load()
	if s == nil {
		return nil, ErrNoIndex
	}
	if k <= 0 {
		k = e.opts.TopK
	}
	lang := detectLang(q)
	aq := e.analyzer.Query(q, lang)
	r := &retrieval{snap: s, lang: lang, query: aq}
	var history []concept
	for _, x := range extra {
		for _, c := range s.lex.resolve(e.analyzer.Query(x, detectLang(x))) {
			c.weight /= 2
			history = append(history, c)
		}
	}
	r.concepts = append(s.lex.resolve(aq), history...)
	texts := []string{q}
	if rewrite != "" {
		rq := e.analyzer.Query(rewrite, detectLang(rewrite))
		if len(rq.Concepts) > 0 {
			r.rewrite = rewrite
			r.altConcepts = append(s.lex.resolve(rq), history...)
			texts = append(texts, rewrite)
		}
	}
	if len(aq.Concepts) == 0 && r.rewrite == "" {
		r.took = time.Since(start)
		return r, nil
	}
	depth := max(4*k, 20)

	fused := map[int]*Hit{}
	get := func(p int) *Hit {
		h, ok := fused[p]
		if !ok {
			h = &Hit{Passage: s.passages[p]}
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
	for i, text := range texts {
		concepts := r.concepts
		if i == 1 {
			concepts = r.altConcepts
		}
		rrf := map[int]float64{}
		for rank, sc := range bm25(concepts, depth) {
			h := get(sc.passage)
			if i == 0 || sc.score > h.Lexical {
				h.Lexical = sc.score
			}
			rrf[sc.passage] += 1 / float64(rrfK+rank+1)
		}
		qv, err := e.embedder.EmbedQuery(ctx, text)
		if err != nil {
			return nil, fmt.Errorf("rag: embed question: %w", err)
		}
		dense, err := s.vec.query(ctx, qv, depth)
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
		for p, v := range rrf {
			cov := s.lex.coverage(concepts, p)
			fused[p].Score = max(fused[p].Score, cov)
			if f, ok := fusedScore[p]; !ok || v+coverageWeight*cov/rrfK > f {
				fusedScore[p] = v + coverageWeight*cov/rrfK
			}
		}
	}
	order := make([]scored, 0, len(fused))
	for p := range fused {
		if r.rewrite != "" {
			// Score covers what either text asks, wherever it was found.
			fused[p].Score = max(s.lex.coverage(r.concepts, p), s.lex.coverage(r.altConcepts, p))
		}
		order = append(order, scored{p, fusedScore[p]})
	}
	sortScored(order)
	if len(order) > k {
		order = order[:k]
	}
	for i, o := range order {
		h := fused[o.passage]
		h.Rank = i + 1
		h.Fused = o.score
		r.hits = append(r.hits, *h)
	}
	r.took = time.Since(start)
	return r, nil
}

// best returns the highest Score among hits.
func best(hits []Hit) float64 {
	b := 0.0
	for _, h := range hits {
		b = max(b, h.Score)
	}
	return b
}
