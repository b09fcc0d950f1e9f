package rag

import (
	"context"
	"strings"

	"github.com/briefing/briefing"
)

// Glosser translates texts, in order, for Citation.Gloss.
type Glosser interface {
	TranslateBatch(ctx context.Context, texts []string) ([]string, error)
}

// maxGlossBytes bounds a glossed quote: a longer one (a passage of one
// long sentence under a large index.chunk_chars) goes without, as a
// translation that long would bury the quote, and could exceed what the
// translator takes and cost the answer's other glosses.
const maxGlossBytes = 2000

// gloss fills Citation.Gloss of a's citations whose document is in
// GlossFrom when a is in GlossTo: one batch under TranslateTimeout for the
// quotes not cached. A failure leaves the glosses empty and logs one Warn
// line; the answer itself is never held back or changed.
func (e *Engine) gloss(ctx context.Context, s *snapshot, a *briefing.Answer) {
	if e.opts.Glosser == nil || a.Lang != e.opts.GlossTo || a.Refused || len(a.Citations) == 0 {
		return
	}
	cites := make([]briefing.Citation, len(a.Citations))
	copy(cites, a.Citations) // the caller's slice may be cached elsewhere
	var todo []int
	var texts []string
	for i, c := range cites {
		if c.Quote == "" || len(c.Quote) > maxGlossBytes || s.Meta(c.Passage.DocID).Lang != e.opts.GlossFrom {
			continue
		}
		if g, ok := e.glosses.Get(c.Quote); ok {
			cites[i].Gloss = g
			continue
		}
		todo = append(todo, i)
		texts = append(texts, c.Quote)
	}
	if len(todo) > 0 {
		tctx, cancel := context.WithTimeout(ctx, e.opts.TranslateTimeout)
		out, err := e.opts.Glosser.TranslateBatch(tctx, texts)
		cancel()
		switch {
		case err != nil:
			if ctx.Err() == nil {
				e.log.Warn("quote translation failed; the answer goes without glosses", "err", err)
			}
		case len(out) != len(texts):
			e.log.Warn("quote translation returned the wrong number of texts; the answer goes without glosses", "want", len(texts), "got", len(out))
		default:
			for j, i := range todo {
				g := strings.TrimSpace(out[j])
				if g == strings.Join(strings.Fields(texts[j]), " ") {
					g = "" // nothing translated (names, numbers): no gloss
				}
				e.glosses.Add(texts[j], g)
				cites[i].Gloss = g
			}
		}
	}
	a.Citations = cites
}
