package rag

import (
	"context"
	"fmt"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/rag/answerable"
)

// Answer answers a question with cited passages (state answer), shows the
// closest passages as such when none answers it (state uncertain), or
// refuses when the corpus does not cover its subject (state refused,
// Answer.Refused, no citations). Errors are reserved for
// bad questions (briefing.ErrEmptyQuestion and the like), a
// missing index (ErrNoIndex) and cancellation of ctx, which stops the
// request and is returned wrapped.
//
// Without a Generator the answer is extractive. With one, retrieval runs as
// usual (on the question and, with RewriteQueries, its translation into the
// corpus language); a refused question never reaches the LLM; an uncertain
// one goes with a note that the passages may not answer it, and an LLM
// saying they do not is shown as uncertain; otherwise the LLM answers from
// the top passages within GenerateTimeout (brought forward so the fallback
// still fits the caller's deadline), its [n] citations are verified sentence by sentence
// (markers naming no passage sent, or a passage sharing nothing with their
// sentence, are removed; factual sentences left uncited are dropped) and
// renumbered 1..m in order of use, and Answer.Generated is set. When the LLM
// fails, times out, or writes an answer that is mostly uncited or has no
// valid citation left and is not a refusal, the extractive answer is
// returned instead with Answer.Fallback and FallbackReason set, and one Warn
// line is logged. With Request.Gloss, quotes in another language than the
// question's get their machine translation (Citation.Gloss) when the
// engine has a Glosser for the pair.
func (e *Engine) Answer(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
	start := time.Now()
	q, err := e.checkQuestion(req.Question)
	if err != nil {
		return briefing.Answer{}, err
	}
	s, err := e.snap()
	if err != nil {
		return briefing.Answer{}, err
	}
	var extra []string
	for _, t := range req.History {
		extra = append(extra, t.Question)
	}
	llmCtx, cancel := ctx, context.CancelFunc(func() {})
	if e.opts.Generator != nil {
		llmCtx, cancel = e.llmContext(ctx)
	}
	defer cancel()
	rewrite, rwErr := e.rewriteQuery(llmCtx, s, q)
	if err := ctx.Err(); err != nil {
		return briefing.Answer{}, fmt.Errorf("rag: answer: %w", err)
	}
	r, err := e.retrieve(ctx, s, q, rewrite, extra, e.opts.TopK, req.Filter)
	if err != nil {
		return briefing.Answer{}, err
	}
	a := briefing.Answer{Question: q, Lang: r.lang, Hits: r.hits, State: r.state, Confidence: r.confidence}
	a.Timings.Retrieval = r.took
	logRewrite := func() {
		if rwErr != nil {
			e.log.Warn("query rewrite failed; retrieval used the glossary bridge only", "err", rwErr)
		}
	}
	switch {
	case r.state == briefing.StateRefused:
		logRewrite()
		a.Refused = true
		a.Text = answerable.Refusal(r.lang)
	case e.opts.Generator == nil:
		a.Text, a.Citations = e.extractive(r, r.state)
	default:
		genStart := time.Now()
		g, err := e.generateAnswer(llmCtx, r, q, req)
		a.Timings.Generation = time.Since(genStart)
		if cerr := ctx.Err(); cerr != nil {
			return briefing.Answer{}, fmt.Errorf("rag: answer: %w", cerr)
		}
		if err != nil {
			a.Text, a.Citations = e.extractive(r, r.state)
			a.Fallback, a.FallbackReason = true, reason(err)
			attrs := []any{"reason", a.FallbackReason, "passages", len(r.hits), "generation_ms", a.Timings.Generation.Milliseconds()}
			if rwErr != nil {
				attrs = append(attrs, "rewrite_err", rwErr)
			}
			e.log.Warn("llm answer replaced by the extractive answer", attrs...)
			break
		}
		logRewrite()
		if g.removed > 0 {
			e.log.Info("removed invalid citations from llm answer", "removed", g.removed, "kept", len(g.citations))
		}
		if g.refused {
			// The LLM read the passages and found no answer in them: the
			// closest passages are shown as such, cited, never a bare
			// refusal of a subject the corpus does cover.
			a.State = briefing.StateUncertain
			a.Text, a.Citations = e.extractive(r, briefing.StateUncertain)
			a.Generated = true
			break
		}
		a.Text, a.Citations, a.Generated = g.text, g.citations, true
	}
	if req.Gloss {
		e.gloss(ctx, s, &a)
	}
	a.Timings.Total = time.Since(start)
	return a, nil
}
