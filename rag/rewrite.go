package rag

import (
	"context"
	"fmt"

	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/internal/ground"
)

// rewriteQuery translates q into the corpus's dominant language for
// retrieval, when a Generator is set, Options.RewriteQueries is on and the
// languages differ. It returns "" with a nil error when no rewrite applies,
// and "" with the cause when the completion failed or was unusable (the
// caller logs it; retrieval then relies on the glossary bridge alone).
// Successful rewrites are cached by language pair and question; failures
// are not, so a transient error is retried by the next question.
func (e *Engine) rewriteQuery(ctx context.Context, s *snapshot, q string) (string, error) {
	if e.opts.Generator == nil || !e.opts.RewriteQueries {
		return "", nil
	}
	from, to := analysis.DetectLang(q), s.ScopeLang("")
	if from == to {
		return "", nil
	}
	key := from + ">" + to + "\x00" + q
	if rw, ok := e.rewrites.Get(key); ok {
		return rw, nil
	}
	ctx, cancel := withinBudget(ctx)
	defer cancel()
	ctx, cancelRewrite := context.WithTimeout(ctx, e.opts.RewriteTimeout)
	defer cancelRewrite()
	text, err := e.complete(ctx, ground.RewritePrompt(q, from, to), maxRewriteTokens, nil)
	if err != nil {
		return "", fmt.Errorf("rewrite query: %w", err)
	}
	rw, ok := ground.CleanRewrite(text)
	if !ok {
		return "", fmt.Errorf("rewrite query: unusable completion (%d chars)", len(text))
	}
	e.rewrites.Add(key, rw)
	return rw, nil
}
