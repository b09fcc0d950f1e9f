package rag

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/ground"
	"golang.org/x/sync/errgroup"
)

// Bounds of a generated summary.
const (
	// maxMapSteps bounds the map completions of one summary; passages
	// past that many groups are left out (logged), so a huge scope costs
	// at most maxMapSteps+1 completions.
	maxMapSteps = 8
	// mapParallel is how many map completions run at once.
	mapParallel = 4
)

// summaryKey identifies a generated summary: the version of the snapshot it
// was written from (build time and passage count) and the request.
func summaryKey(s *snapshot, req briefing.SummaryRequest, lang string) string {
	return fmt.Sprintf("%s|%s|%s|%s", s.key(), req.DocID, strings.TrimSpace(req.Topic), lang)
}

// generateSummary writes a summary of passages in lang by map-reduce, or
// returns it from the cache. With req.OnDelta the last completion (the
// reduce, or the only map step) streams.
func (e *Engine) generateSummary(ctx context.Context, s *snapshot, req briefing.SummaryRequest, lang string, passages []corpus.Passage) (generated, error) {
	key := summaryKey(s, req, lang)
	if a, ok := e.summaries.Get(key); ok {
		if req.OnDelta != nil {
			req.OnDelta(a.Text)
		}
		return generated{text: a.Text, citations: slices.Clone(a.Citations)}, nil
	}
	ctx, cancel := withinBudget(ctx)
	defer cancel()
	sources := make([]ground.Source, len(passages))
	for i, p := range passages {
		sources[i] = e.source(s, i+1, p)
	}
	groups := ground.Batch(sources, e.opts.SummaryTokenBudget)
	if len(groups) > maxMapSteps {
		e.log.Info("summary scope exceeds the map steps; later passages left out",
			"groups", len(groups), "max", maxMapSteps, "budget", e.opts.SummaryTokenBudget)
		groups = groups[:maxMapSteps]
	}
	last := groups[len(groups)-1]
	sent := passages[:last[len(last)-1].N]
	topic := strings.TrimSpace(req.Topic)

	// The map steps run mapParallel at a time; the first failure cancels
	// the others (their completions would be thrown away with the fallback).
	partials := make([]string, len(groups))
	eg, gctx := errgroup.WithContext(ctx)
	eg.SetLimit(mapParallel)
	for i, g := range groups {
		var onDelta func(string)
		if len(groups) == 1 {
			onDelta = req.OnDelta
		}
		eg.Go(func() error {
			if err := gctx.Err(); err != nil {
				return fmt.Errorf("summary map step %d of %d: %w", i+1, len(groups), context.Cause(gctx))
			}
			p, err := e.mapStep(gctx, topic, lang, g, onDelta)
			if err != nil {
				return fmt.Errorf("summary map step %d of %d: %w", i+1, len(groups), err)
			}
			partials[i] = p
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return generated{}, err
	}
	var kept []string
	for _, p := range partials {
		if p != "" {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		return generated{}, fmt.Errorf("summary: %w: no map step cited its passages", ground.ErrUnverifiable)
	}
	text := kept[0]
	if len(groups) > 1 {
		var err error
		text, err = e.complete(ctx, ground.ReducePrompt(topic, lang, kept), 0, req.OnDelta)
		if err != nil {
			return generated{}, fmt.Errorf("summary reduce step: %w", err)
		}
	}
	g, err := e.check(s, text, sent)
	if err != nil {
		return generated{}, fmt.Errorf("summary: %w", err)
	}
	if g.refused {
		return generated{}, fmt.Errorf("summary: %w (the model refused)", ground.ErrUnverifiable)
	}
	if g.removed > 0 {
		e.log.Info("removed invalid citations from llm summary", "removed", g.removed, "kept", len(g.citations))
	}
	e.summaries.Add(key, briefing.Answer{Text: g.text, Citations: slices.Clone(g.citations)})
	return g, nil
}

// mapStep summarises one group of numbered passages and keeps only the
// citations of that group, and only its cited sentences. It returns "" for
// a partial that cites none of them, is mostly uncited, or refuses, which
// the reduce step then does without.
func (e *Engine) mapStep(ctx context.Context, topic, lang string, group []ground.Source, onDelta func(string)) (string, error) {
	text, err := e.complete(ctx, ground.MapPrompt(ground.SummaryInput{Topic: topic, Lang: lang, Passages: group}), 0, onDelta)
	if err != nil {
		return "", err
	}
	valid := func(n int) bool { return n >= group[0].N && n <= group[len(group)-1].N }
	clean, _, _ := ground.Verify(strings.TrimSpace(text), valid)
	// Uncited factual sentences go before the reduce step can pick them
	// up and cite them.
	c := ground.CheckSentences(clean, nil)
	if c.MostlyDropped() || ground.IsRefusal(c.Text) || ground.Unverifiable(c.Text) {
		return "", nil
	}
	return c.Text, nil
}
