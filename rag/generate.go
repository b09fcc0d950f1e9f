package rag

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/ground"
)

// LimitedGenerator is an optional capability of a Generator: a completion
// capped at maxTokens. The engine uses it for query rewrites, which need a
// few dozen tokens; a Generator without it is bounded by the rewrite prompt,
// RewriteTimeout and ground.CleanRewrite's length check instead.
type LimitedGenerator interface {
	GenerateLimited(ctx context.Context, msgs []Message, maxTokens int) (string, error)
}

// Bounds of what the engine sends and keeps.
const (
	// maxRewriteTokens caps a rewrite completion when the Generator is a
	// LimitedGenerator.
	maxRewriteTokens = 64
	// historyRunes bounds each question and answer of a history turn in the
	// prompt.
	historyRunes = 600
	// maxReasonRunes bounds Answer.FallbackReason.
	maxReasonRunes = 200
	// rewriteCacheSize and summaryCacheSize bound the caches.
	rewriteCacheSize = 512
	summaryCacheSize = 64
)

// complete runs one completion: streamed when onDelta is set, capped at
// maxTokens (> 0) when the Generator allows it.
func (e *Engine) complete(ctx context.Context, msgs []Message, maxTokens int, onDelta func(string)) (string, error) {
	g := e.opts.Generator
	if onDelta != nil {
		return g.Stream(ctx, msgs, onDelta)
	}
	if lg, ok := g.(LimitedGenerator); ok && maxTokens > 0 {
		return lg.GenerateLimited(ctx, msgs, maxTokens)
	}
	return g.Generate(ctx, msgs)
}

// minFallbackMargin is the least time kept back from a caller's deadline
// for building the extractive answer after the LLM gave up.
const minFallbackMargin = 200 * time.Millisecond

// fallbackMargin is the time kept back from a deadline that is left away:
// a tenth of it, at least minFallbackMargin.
func fallbackMargin(left time.Duration) time.Duration {
	return max(left/10, minFallbackMargin)
}

// budgetKey marks a context whose deadline already keeps the fallback
// margin, so withinBudget does not take it twice.
type budgetKey struct{}

// llmContext returns the context for the LLM's part of an Answer or
// Summarize call: it ends after GenerateTimeout or, when ctx has a
// deadline, early enough before it (fallbackMargin) that the extractive
// fallback is still built and returned in time. A caller's deadline shorter
// than GenerateTimeout thus yields the fallback, not a context error;
// cancellation of ctx still ends it at once.
func (e *Engine) llmContext(ctx context.Context) (context.Context, context.CancelFunc) {
	d := e.opts.GenerateTimeout
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		d = min(d, left-fallbackMargin(left))
	}
	lctx, cancel := context.WithTimeout(ctx, d)
	return context.WithValue(lctx, budgetKey{}, true), cancel
}

// withinBudget is llmContext's margin for a context that did not come
// from it: a deadline is brought forward by fallbackMargin. Every LLM call
// of the engine (rewrite, answer, summary) goes through it, so the caller
// always has time left for the fallback whichever way its context was
// bounded.
func withinBudget(ctx context.Context) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok || ctx.Value(budgetKey{}) != nil {
		return ctx, func() {}
	}
	lctx, cancel := context.WithDeadline(ctx, dl.Add(-fallbackMargin(time.Until(dl))))
	return context.WithValue(lctx, budgetKey{}, true), cancel
}

func toMessages(ms []ground.Msg) []Message {
	out := make([]Message, len(ms))
	for i, m := range ms {
		out[i] = Message{Role: m.Role, Content: m.Content}
	}
	return out
}

// reason turns a generation error into Answer.FallbackReason: one short
// line for the operator.
func reason(err error) string {
	msg := err.Error()
	if errors.Is(err, context.DeadlineExceeded) && !strings.Contains(msg, "timed out") {
		msg = "llm timeout: " + msg
	}
	msg = strings.Join(strings.Fields(msg), " ")
	if utf8.RuneCountInString(msg) > maxReasonRunes {
		msg = string([]rune(msg)[:maxReasonRunes]) + "…"
	}
	return msg
}

// generated is a checked completion.
type generated struct {
	text      string
	citations []Citation
	refused   bool
	// removed counts the invalid citation numbers dropped.
	removed int
}

// generateAnswer asks the Generator to answer from the hits of r and checks
// the result. An error means the extractive answer must be used; the text
// streamed to onDelta so far is then superseded.
func (e *Engine) generateAnswer(ctx context.Context, r *retrieval, q string, req Request) (generated, error) {
	var sources []ground.Source
	var passages []corpus.Passage
	for i, h := range r.hits {
		if i > 0 && h.Score < e.opts.MinScore/2 {
			continue
		}
		passages = append(passages, h.Passage)
		sources = append(sources, e.source(r.snap, len(sources)+1, h.Passage))
	}
	in := ground.PromptInput{Question: q, Lang: r.lang, Passages: sources}
	hist := req.History
	if len(hist) > e.opts.MaxHistoryTurns {
		hist = hist[len(hist)-e.opts.MaxHistoryTurns:]
	}
	for _, t := range hist {
		in.History = append(in.History, ground.Turn{Q: clip(t.Question, historyRunes), A: clip(t.Answer, historyRunes)})
	}
	ctx, cancel := withinBudget(ctx)
	defer cancel()
	text, err := e.complete(ctx, toMessages(ground.BuildPrompt(in)), 0, req.OnDelta)
	if err != nil {
		return generated{}, fmt.Errorf("generate answer: %w", err)
	}
	return e.check(r.snap, text, r.lang, passages)
}

// source is passage p numbered n for a prompt, with its document's title
// and date.
func (e *Engine) source(s *snapshot, n int, p corpus.Passage) ground.Source {
	src := ground.Source{N: n, Text: p.Text}
	if i, ok := s.docByID[p.DocID]; ok {
		src.Title, src.Date = s.docs[i].Title, s.docs[i].Date
	}
	return src
}

// check verifies a completion against passages (numbered
// 1..len(passages)) and renumbers its citations 1..m in order of first use,
// with a verbatim quote per source. Sentence by sentence: markers naming no
// sent passage are removed, and so are markers whose sentence shares no
// content word with the cited passage; then factual sentences left without
// a marker are removed (an injected order or an unsupported claim must not
// pass for a verified answer because another sentence cites something).
// The completion is errUnverifiable when the removed sentences are more
// than half of it, or when what is left has no citation and is not a
// refusal.
func (e *Engine) check(s *snapshot, text, lang string, passages []corpus.Passage) (generated, error) {
	valid := func(n int) bool { return n >= 1 && n <= len(passages) }
	clean, _, removed := ground.Verify(strings.TrimSpace(text), valid)
	c := checkSentences(clean, lang, func(claim string, n int) bool { return e.plausible(s, claim, passages[n-1]) })
	g := generated{removed: len(removed) + c.implausible}
	if c.mostlyDropped() {
		return g, c.err()
	}
	if ground.IsRefusal(c.text, lang) {
		g.text, g.refused = c.text, true
	} else if ground.Unverifiable(c.text, lang) {
		return g, c.err()
	}
	if c.dropped > 0 {
		// Counts only: the text may be hostile, and is logged nowhere.
		e.log.Info("removed uncited sentences from llm output", "removed_sentences", c.dropped, "sentences", c.sentences)
	}
	if g.refused {
		return g, nil
	}
	renum, order := ground.Renumber(c.text)
	claims := claimsByNumber(renum)
	for i, old := range order {
		p := passages[old-1]
		g.citations = append(g.citations, quoteCitation(i+1, p, []corpus.Span{e.bestSpan(s, p, claims[i+1])}))
	}
	g.text = renum
	return g, nil
}

// claimsByNumber maps each citation number of text to the text it backs:
// what precedes each marker back to the previous marker (adjacent markers
// such as "[1][2]" share one claim).
func claimsByNumber(text string) map[int]string {
	out := map[int]string{}
	prev, last := 0, ""
	for _, m := range ground.ParseCitations(text) {
		seg := strings.TrimSpace(strings.TrimLeft(text[prev:m.Start], ".,;:!?)” \n\t"))
		if seg == "" {
			seg = last
		}
		last = seg
		for _, n := range m.Numbers {
			out[n] += " " + seg
		}
		prev = m.End
	}
	return out
}

// bestSpan picks the sentence of p that best expresses claim (concept
// coverage, through the glossary, so an English claim finds its Italian
// sentence); the passage's first sentence when nothing matches. The quote
// is then grown around it by quoteCitation, always verbatim.
func (e *Engine) bestSpan(s *snapshot, p corpus.Passage, claim string) corpus.Span {
	sents := corpus.Sentences(p.Text)
	if len(sents) == 0 {
		return corpus.Span{Start: 0, End: len(p.Text)}
	}
	best, bestCov := sents[0], 0.0
	if claim = strings.TrimSpace(claim); claim != "" {
		concepts := s.lex.resolve(e.analyzer.Query(claim, detectLang(claim)))
		meta := s.meta(p.DocID)
		for _, sp := range sents {
			if _, cov := sentenceCoverage(e.analyzer, concepts, p.Text[sp.Start:sp.End], meta); cov > bestCov {
				best, bestCov = sp, cov
			}
		}
	}
	return best
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
