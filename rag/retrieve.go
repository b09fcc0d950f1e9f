package rag

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/internal/relevance"
	"github.com/briefing/briefing/rag/extract"
	"github.com/briefing/briefing/rag/lexical"
)

// retrieval is what a question found, kept for the answer stage.
type retrieval struct {
	snap     *snapshot
	lang     string
	query    analysis.Query
	concepts []lexical.Concept
	// rewrite is the question in the corpus language (an LLM rewrite or a
	// translation), and altConcepts its concepts; both empty without one.
	rewrite     string
	altConcepts []lexical.Concept
	// rq is the question as the answer model reads it, ranked its scored
	// candidates (best first), confidence the model's probability that
	// the answer built from them is right, and state what that means.
	rq         relevance.Query
	ranked     []relevance.Scored
	confidence float64
	coverage   float64 // P(the corpus holds the question's subject)
	state      briefing.State
	hits       []briefing.Hit
	took       time.Duration
}

// retrieve ranks the passages of snapshot s for q with the fitted answer
// model and judges whether they answer it. rewrite is q in the corpus
// language (an LLM rewrite), or "" to let the Translator, if any, provide
// one when q's language is the one it translates from. extra are earlier
// questions of a conversation: when q alone is not confidently answered, q
// read after the latest of them is tried too (a follow-up such as "and in
// 2025?"), and the more confident reading wins.
//
// Dates enter in separate steps (see recency.go): f drops candidates
// outside its range or outlets before the model judges them, and
// preferRecent orders by date only ties and, for a question asking for the
// latest, the most relevant candidates.
func (e *Engine) retrieve(ctx context.Context, s *snapshot, q, rewrite string, extra []string, k int, f corpus.Filter) (*retrieval, error) {
	start := time.Now()
	if k <= 0 {
		k = e.opts.TopK
	}
	lang := analysis.DetectLang(q)
	if rewrite == "" && lang == e.opts.TranslateFrom && s.lang == e.opts.TranslateTo {
		rewrite = e.translate(ctx, q)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("rag: retrieve: %w", err)
	}
	r, err := e.rank(ctx, s, q, lang, rewrite, f)
	if err != nil {
		return nil, err
	}
	if r.state != briefing.StateAnswer && len(extra) > 0 {
		prev := extra[len(extra)-1]
		joined := prev + " " + q
		jr, err := e.rank(ctx, s, joined, lang, "", f)
		if err != nil {
			return nil, err
		}
		if jr.confidence > r.confidence {
			r = jr
		}
	}
	if len(r.ranked) > k {
		r.ranked = r.ranked[:k]
	}
	for i, c := range r.ranked {
		r.hits = append(r.hits, briefing.Hit{Passage: s.passages[c.Passage], Score: c.Cover, Fused: c.Logit,
			Dense: c.Dense, Lexical: c.Lexical, Rank: i + 1})
	}
	r.took = time.Since(start)
	return r, nil
}

// rank runs the answer model for one reading of a question.
func (e *Engine) rank(ctx context.Context, s *snapshot, q, lang, rewrite string, f corpus.Filter) (*retrieval, error) {
	if !s.inScope("", f) {
		return nil, fmt.Errorf("rag: %w (%s)", briefing.ErrNoMatch, f)
	}
	aq := e.analyzer.Query(q, lang)
	r := &retrieval{snap: s, lang: lang, query: aq, concepts: s.lex.Resolve(aq), state: briefing.StateRefused}
	texts := []string{q}
	if rewrite != "" {
		r.rewrite = rewrite
		r.altConcepts = s.lex.Resolve(e.analyzer.Query(rewrite, analysis.DetectLang(rewrite)))
		texts = append(texts, rewrite)
	}
	dense := map[int]float64{}
	vecs, err := e.embedQueries(ctx, texts)
	if err != nil {
		return nil, err
	}
	for _, v := range vecs {
		if v == nil {
			continue
		}
		found, err := s.vec.Query(ctx, v, relevance.DenseDepth)
		if err != nil {
			return nil, fmt.Errorf("rag: %w", err)
		}
		for _, d := range found {
			if p, ok := s.byID[d.ID]; ok {
				dense[p] = max(dense[p], float64(d.Similarity))
			}
		}
	}
	r.rq = s.rel.NewQuery(e.analyzer, q, lang, rewrite, s.lang)
	concept, cover := s.lex.ConceptScores(r.concepts, r.altConcepts, relevance.ConceptDepth)
	cands := s.rel.Candidates(r.rq, relevance.Signals{Dense: dense, Concept: concept, ConceptCover: cover})
	if !f.IsZero() {
		cands = slices.DeleteFunc(cands, func(c relevance.Candidate) bool { return !f.Match(s.passages[c.Passage]) })
	}
	r.ranked = e.model.Rank(cands)
	if len(r.ranked) > 0 {
		r.confidence, r.coverage = e.model.Judge(s.rel, r.rq, r.ranked)
		r.state = briefing.State(e.model.Decide(r.confidence, r.coverage))
	}
	r.preferRecent(q)
	return r, nil
}

// preferRecent reorders r's ranking by date where recency.go says so
// (ties, and questions asking for the latest).
func (r *retrieval) preferRecent(q string) {
	hits := make(map[int]*briefing.Hit, len(r.ranked))
	byPassage := make(map[int]relevance.Scored, len(r.ranked))
	order := make([]lexical.Scored, len(r.ranked))
	for i, c := range r.ranked {
		hits[c.Passage] = &briefing.Hit{Passage: r.snap.passages[c.Passage], Score: c.Cover, Dense: c.Dense, Lexical: c.Lexical}
		byPassage[c.Passage] = c
		order[i] = lexical.Scored{Passage: c.Passage, Score: c.Logit}
	}
	preferRecent(order, func(p int) *briefing.Hit { return hits[p] }, analysis.WantsLatest(q))
	for i, o := range order {
		r.ranked[i] = byPassage[o.Passage]
	}
}

// Translator translates a question into a language, for retrieval.
type Translator interface {
	Translate(ctx context.Context, text string) (string, error)
}

// translate returns q in the corpus language through the Translator, under
// TranslateTimeout, cached; "" without a Translator or when it fails (one
// Warn line): the glossary bridge then serves alone.
func (e *Engine) translate(ctx context.Context, q string) string {
	if e.opts.Translator == nil {
		return ""
	}
	if t, ok := e.rewrites.Get("tr|" + q); ok {
		return t
	}
	tctx, cancel := context.WithTimeout(ctx, e.opts.TranslateTimeout)
	defer cancel()
	t, err := e.opts.Translator.Translate(tctx, q)
	if err != nil {
		if ctx.Err() == nil {
			e.log.Warn("question translation failed; retrieval uses the glossary bridge only", "err", err)
		}
		return ""
	}
	t = strings.TrimSpace(t)
	e.rewrites.Add("tr|"+q, t)
	return t
}

// embedQueries embeds the texts of a question (cached by text) under
// EmbedTimeout. When the embedder fails or is too slow it returns nil and
// no error, having logged one Warn line: retrieval then runs lexical-only.
// Only the caller's own cancellation is an error.
func (e *Engine) embedQueries(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	var todo []int
	for i, t := range texts {
		if v, ok := e.queryVecs.Get(t); ok {
			out[i] = v
		} else {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return out, nil
	}
	ectx, cancel := context.WithTimeout(ctx, e.opts.EmbedTimeout)
	defer cancel()
	start := time.Now()
	var errs []error
	for _, i := range todo {
		v, err := e.embedder.EmbedQuery(ectx, texts[i])
		if err == nil && len(v) == 0 {
			err = errors.New("empty vector")
		}
		if err != nil {
			errs = append(errs, err)
			break
		}
		out[i] = v
		e.queryVecs.Add(texts[i], v)
	}
	if len(errs) == 0 {
		return out, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("rag: embed question: %w", err)
	}
	e.log.Warn("query embedding failed; retrieval is lexical-only for this question",
		"err", strings.Join(strings.Fields(errors.Join(errs...).Error()), " "),
		"embedder", e.embedder.Name(), "elapsed_ms", time.Since(start).Milliseconds(),
		"timeout_ms", e.opts.EmbedTimeout.Milliseconds())
	return nil, nil
}

// extractQuestion is r's question as the extracts need it.
func (r *retrieval) extractQuestion() *extract.Question {
	return &extract.Question{Lang: r.lang, Kind: r.query.Kind, Concepts: r.concepts,
		AltConcepts: r.altConcepts, Rewritten: r.rewrite != ""}
}
