package rag

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/briefing/briefing"
)

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
)

// complete runs one completion: streamed when onDelta is set, capped at
// maxTokens (> 0) when the Generator allows it.
func (e *Engine) complete(ctx context.Context, msgs []briefing.Message, maxTokens int, onDelta func(string)) (string, error) {
	g := e.opts.Generator
	if onDelta != nil {
		return g.Stream(ctx, msgs, onDelta)
	}
	if lg, ok := g.(briefing.LimitedGenerator); ok && maxTokens > 0 {
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

// reason turns a generation error into Answer.FallbackReason: one short
// line for the operator.
func reason(err error) string {
	msg := err.Error()
	if errors.Is(err, context.DeadlineExceeded) && !strings.Contains(msg, "timed out") {
		msg = "llm timeout: " + msg
	}
	return clip(strings.Join(strings.Fields(msg), " "), maxReasonRunes)
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
