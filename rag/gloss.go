package rag

import (
	"context"
	"strings"

	"github.com/briefing/briefing"
)

// Glosser translates texts, in order, for Citation.Gloss and Hit.Gloss.
type Glosser interface {
	TranslateBatch(ctx context.Context, texts []string) ([]string, error)
}

// maxGlossBytes bounds a glossed quote: a longer one (a passage of one
// long sentence under a large index.chunk_chars) goes without, as a
// translation that long would bury the quote, and could exceed what the
// translator takes and cost the answer's other glosses.
const maxGlossBytes = 2000

// gloss fills Citation.Gloss of a's citations whose document is in
// GlossFrom when a is in GlossTo (see glossTexts). The answer itself is
// never held back or changed.
func (e *Engine) gloss(ctx context.Context, s *snapshot, a *briefing.Answer) {
	if a.Refused || len(a.Citations) == 0 {
		return
	}
	cites := make([]briefing.Citation, len(a.Citations))
	copy(cites, a.Citations) // the caller's slice may be cached elsewhere
	texts := make([]string, len(cites))
	for i, c := range cites {
		texts[i] = c.Quote
	}
	for i, g := range e.glossTexts(ctx, s, a.Lang, texts, func(i int) string { return cites[i].Passage.DocID }) {
		cites[i].Gloss = g
	}
	a.Citations = cites
}

// glossTexts returns the machine translations of texts into lang, "" for
// each text that gets none: lang is not GlossTo, the text's document (doc
// of its index) is not in GlossFrom, the text is empty or over
// maxGlossBytes, or translating it changed nothing (names, numbers). One
// batch under TranslateTimeout translates the texts not cached. A failure
// leaves every gloss not cached empty and logs one Warn line; it returns
// nil when there is nothing to translate with.
func (e *Engine) glossTexts(ctx context.Context, s *snapshot, lang string, texts []string, doc func(int) string) []string {
	if e.opts.Glosser == nil || lang != e.opts.GlossTo {
		return nil
	}
	glosses := make([]string, len(texts))
	var todo []int
	var batch []string
	for i, text := range texts {
		if text == "" || len(text) > maxGlossBytes || s.Meta(doc(i)).Lang != e.opts.GlossFrom {
			continue
		}
		if g, ok := e.glosses.Get(text); ok {
			glosses[i] = g
			continue
		}
		todo = append(todo, i)
		batch = append(batch, text)
	}
	if len(todo) == 0 {
		return glosses
	}
	tctx, cancel := context.WithTimeout(ctx, e.opts.TranslateTimeout)
	out, err := e.opts.Glosser.TranslateBatch(tctx, batch)
	cancel()
	switch {
	case err != nil:
		if ctx.Err() == nil {
			e.log.Warn("quote translation failed; the quotes go without glosses", "err", err)
		}
	case len(out) != len(batch):
		e.log.Warn("quote translation returned the wrong number of texts; the quotes go without glosses", "want", len(batch), "got", len(out))
	default:
		for j, i := range todo {
			g := strings.TrimSpace(out[j])
			if g == strings.Join(strings.Fields(batch[j]), " ") {
				g = "" // nothing translated (names, numbers): no gloss
			}
			e.glosses.Add(batch[j], g)
			glosses[i] = g
		}
	}
	return glosses
}
