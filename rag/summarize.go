package rag

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/rag/answerable"
	"github.com/briefing/briefing/rag/extract"
)

// topicPassages is how many passages a topic summary draws from.
const topicPassages = 8

// Summarize writes a cited briefing of the whole corpus (empty request), of
// one document (DocID), or of a topic (Topic, optionally within DocID). A
// topic the corpus does not cover is refused like a question, without
// calling an LLM.
//
// Without a Generator the summary is extractive: the most central sentences
// of the scope, each cited. With one it is written by map-reduce: the
// scope's passages, numbered once for the whole request, are split into
// groups of at most SummaryTokenBudget estimated tokens; each group is
// summarised with [n] citations, and the partial summaries are merged
// keeping them. Citations are verified against the numbers sent and
// renumbered 1..m, quotes are verbatim, and the result is cached by index
// version and request. Any failure (LLM error, GenerateTimeout, no valid
// citation) returns the extractive summary with Answer.Fallback set and one
// Warn line logged; cancellation of ctx returns its error. SummaryRequest.Gloss
// glosses quotes as Request.Gloss does.
func (e *Engine) Summarize(ctx context.Context, req briefing.SummaryRequest) (briefing.Answer, error) {
	start := time.Now()
	s, err := e.snap()
	if err != nil {
		return briefing.Answer{}, err
	}
	a, err := e.summarize(ctx, s, req, start)
	if err == nil && req.Gloss {
		e.gloss(ctx, s, &a)
		a.Timings.Total = time.Since(start)
	}
	return a, err
}

// summarize is Summarize on the snapshot s, without glosses.
func (e *Engine) summarize(ctx context.Context, s *snapshot, req briefing.SummaryRequest, start time.Time) (briefing.Answer, error) {
	llmCtx, cancel := ctx, context.CancelFunc(func() {})
	if e.opts.Generator != nil {
		llmCtx, cancel = e.llmContext(ctx)
	}
	defer cancel()
	if req.DocID != "" {
		if _, ok := s.docByID[req.DocID]; !ok {
			return briefing.Answer{}, fmt.Errorf("%w: %q", briefing.ErrUnknownDocument, req.DocID)
		}
	}
	if !s.inScope(req.DocID, req.Filter) {
		return briefing.Answer{}, fmt.Errorf("rag: %w (%s)", briefing.ErrNoMatch, req.Filter)
	}
	a := briefing.Answer{Question: req.Topic, Lang: req.Lang, State: briefing.StateAnswer}
	var passages []corpus.Passage
	var focus *extract.Question
	if strings.TrimSpace(req.Topic) != "" {
		q, err := e.checkQuestion(req.Topic)
		if err != nil {
			return briefing.Answer{}, err
		}
		rewrite, rwErr := e.rewriteQuery(llmCtx, s, q)
		if err := ctx.Err(); err != nil {
			return briefing.Answer{}, fmt.Errorf("rag: summarize: %w", err)
		}
		if rwErr != nil {
			e.log.Warn("query rewrite failed; retrieval used the glossary bridge only", "err", rwErr)
		}
		r, err := e.retrieve(ctx, s, q, rewrite, nil, topicPassages*4, req.Filter)
		if err != nil {
			return briefing.Answer{}, err
		}
		focus = r.extractQuestion()
		if a.Lang == "" {
			a.Lang = r.lang
		}
		for _, h := range r.hits {
			if e.policy.Quotable(h.Score) && (req.DocID == "" || h.Passage.DocID == req.DocID) && len(passages) < topicPassages {
				passages = append(passages, h.Passage)
				a.Hits = append(a.Hits, h)
			}
		}
		a.Timings.Retrieval = r.took
		scores := make([]float64, len(a.Hits))
		for i, h := range a.Hits {
			scores[i] = h.Score
		}
		if !e.policy.Covered(scores) {
			a.Hits = nil
			a.Refused, a.State = true, briefing.StateRefused
			a.Text = answerable.TopicRefusal(a.Lang, req.DocID != "")
			a.Timings.Total = time.Since(start)
			return a, nil
		}
	} else {
		for _, p := range s.passages {
			if (req.DocID == "" || p.DocID == req.DocID) && req.Filter.Match(p) {
				passages = append(passages, p)
			}
		}
	}
	if a.Lang == "" {
		a.Lang = s.ScopeLang(req.DocID)
	}
	if err := ctx.Err(); err != nil {
		return briefing.Answer{}, err
	}
	if e.opts.Generator != nil {
		genStart := time.Now()
		g, err := e.generateSummary(llmCtx, s, req, a.Lang, passages)
		a.Timings.Generation = time.Since(genStart)
		if cerr := ctx.Err(); cerr != nil {
			return briefing.Answer{}, fmt.Errorf("rag: summarize: %w", cerr)
		}
		if err == nil {
			a.Text, a.Citations, a.Generated = g.text, g.citations, true
			a.Timings.Total = time.Since(start)
			return a, nil
		}
		a.Fallback, a.FallbackReason = true, reason(err)
		e.log.Warn("llm summary replaced by the extractive summary", "reason", a.FallbackReason,
			"passages", len(passages), "generation_ms", a.Timings.Generation.Milliseconds())
	}
	e.extractor.Summary(s, &a, req.DocID, passages, focus)
	a.Timings.Total = time.Since(start)
	return a, nil
}
