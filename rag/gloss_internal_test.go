package rag

import (
	"context"
	"strings"
	"testing"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
)

// lengthCheckingGlosser fails a batch holding a text over limit, as
// Apertium's translator does past its MaxInputBytes.
type lengthCheckingGlosser struct{ limit int }

func (g lengthCheckingGlosser) TranslateBatch(_ context.Context, texts []string) ([]string, error) {
	out := make([]string, len(texts))
	for i, t := range texts {
		if len(t) > g.limit {
			return nil, context.DeadlineExceeded
		}
		out[i] = "EN " + t
	}
	return out, nil
}

// TestGlossSkipsOverlongQuotes: a quote past maxGlossBytes goes without a
// gloss and does not cost the other quotes theirs.
func TestGlossSkipsOverlongQuotes(t *testing.T) {
	t.Parallel()
	e, err := New(context.Background(), Options{Glosser: lengthCheckingGlosser{limit: 4096}, GlossFrom: "it", GlossTo: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Index(context.Background(), []corpus.Document{treatyDoc("a")}, nil); err != nil {
		t.Fatal(err)
	}
	s, err := e.snap()
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Il parlamento russo ha ratificato il trattato di mutua difesa, ", 80)
	p := corpus.Passage{DocID: "a"}
	a := briefing.Answer{Lang: "en", Citations: []briefing.Citation{{N: 1, Passage: p, Quote: long}, {N: 2, Passage: p, Quote: "Il trattato."}}}
	e.gloss(context.Background(), s, &a)
	if a.Citations[0].Gloss != "" || a.Citations[1].Gloss != "EN Il trattato." {
		t.Errorf("glosses %q, %q; want none for the %d-byte quote and the short one's", a.Citations[0].Gloss, a.Citations[1].Gloss, len(long))
	}
}
