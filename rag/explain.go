package rag

import (
	"context"
	"fmt"
	"strings"
)

// Explain describes how a question is analysed against the current index:
// its language, answer kind, and each concept with its weight, its
// alternatives and how many passages express it. For operators tuning a
// glossary; the format is for reading, not parsing.
func (e *Engine) Explain(ctx context.Context, question string) (string, error) {
	q, err := e.checkQuestion(question)
	if err != nil {
		return "", err
	}
	r, err := e.retrieve(ctx, q, nil, e.opts.TopK)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "lang=%s kind=%d concepts=%d\n", r.lang, r.query.Kind, len(r.concepts))
	for _, c := range r.concepts {
		var alts []string
		for _, a := range c.Alts {
			alts = append(alts, fmt.Sprintf("%s(%.1f)", a.Key(), a.Weight))
		}
		fmt.Fprintf(&b, "  %-24q weight=%.2f passages=%d alts=%s\n", c.Text, c.weight, c.n, strings.Join(alts, " "))
	}
	for _, h := range r.hits {
		fmt.Fprintf(&b, "  #%d score=%.2f dense=%.3f lex=%.2f %s[%d] %.70q\n", h.Rank, h.Score, h.Dense, h.Lexical, h.Passage.DocID, h.Passage.Paragraph, h.Passage.Text)
	}
	return b.String(), nil
}
