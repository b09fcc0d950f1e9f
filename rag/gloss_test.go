package rag_test

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/translate"
	"github.com/briefing/briefing/rag"
)

// fakeGlosser "translates" a text by marking it, counting the texts it
// was asked for, and fails on demand.
type fakeGlosser struct {
	mu    sync.Mutex
	texts []string
	fail  bool
}

func (g *fakeGlosser) TranslateBatch(_ context.Context, texts []string) ([]string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.fail {
		return nil, errors.New("apertium pipeline ended")
	}
	g.texts = append(g.texts, texts...)
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = "EN<" + t + ">"
	}
	return out, nil
}

func (g *fakeGlosser) asked() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.texts)
}

// wantMarkedGlosses checks that a has citations, each glossed by
// fakeGlosser.
func wantMarkedGlosses(t *testing.T, what string, a briefing.Answer) {
	t.Helper()
	if len(a.Citations) == 0 {
		t.Fatalf("%s %+v has no citations", what, a)
	}
	for _, c := range a.Citations {
		if want := "EN<" + c.Quote + ">"; c.Gloss != want {
			t.Errorf("%s: citation [%d] gloss = %q, want %q", what, c.N, c.Gloss, want)
		}
	}
}

const englishSeedQuestion = "When did the Russian parliament ratify the mutual defence treaty?"

// TestGlossTranslatesForeignQuotes: an English question over the Italian
// articles, asking for glosses, gets each Italian quote's translation
// beside it; the text and the verbatim quotes are those of the answer
// without glosses.
func TestGlossTranslatesForeignQuotes(t *testing.T) {
	t.Parallel()
	g := &fakeGlosser{}
	e := mustEngine(t, "", rag.Options{Glosser: g, GlossFrom: "it", GlossTo: "en"}, mustDefaultDocs(t))
	ctx := context.Background()
	plain, err := e.Answer(ctx, briefing.Request{Question: englishSeedQuestion})
	if err != nil {
		t.Fatal(err)
	}
	if g.asked() != 0 {
		t.Errorf("without Request.Gloss the glosser was asked for %d texts, want 0", g.asked())
	}
	a, err := e.Answer(ctx, briefing.Request{Question: englishSeedQuestion, Gloss: true})
	if err != nil {
		t.Fatal(err)
	}
	wantMarkedGlosses(t, "answer", a)
	if a.Text != plain.Text || len(a.Citations) != len(plain.Citations) {
		t.Fatalf("glossed answer %q with %d citations, want the plain one %q with %d", a.Text, len(a.Citations), plain.Text, len(plain.Citations))
	}
	for i, c := range a.Citations {
		c.Gloss = ""
		if !reflect.DeepEqual(c, plain.Citations[i]) {
			t.Errorf("citation [%d] = %+v, want the plain answer's %+v", c.N, c, plain.Citations[i])
		}
	}
	// The same quotes again come from the cache.
	n := g.asked()
	b, err := e.Answer(ctx, briefing.Request{Question: englishSeedQuestion, Gloss: true})
	if err != nil {
		t.Fatal(err)
	}
	if g.asked() != n || !reflect.DeepEqual(b.Citations, a.Citations) {
		t.Errorf("second answer: glosser asked for %d more texts, citations equal %v; want 0 and true", g.asked()-n, reflect.DeepEqual(b.Citations, a.Citations))
	}
}

// TestGlossOnlyAcrossLanguages: an Italian question over Italian articles
// needs no translation, and a summary asks like an answer.
func TestGlossOnlyAcrossLanguages(t *testing.T) {
	t.Parallel()
	g := &fakeGlosser{}
	e := mustEngine(t, "", rag.Options{Glosser: g, GlossFrom: "it", GlossTo: "en"}, mustDefaultDocs(t))
	ctx := context.Background()
	a, err := e.Answer(ctx, briefing.Request{Question: "Quando il parlamento russo ha ratificato il trattato?", Gloss: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range a.Citations {
		if c.Gloss != "" {
			t.Errorf("Italian answer: citation [%d] gloss = %q, want none", c.N, c.Gloss)
		}
	}
	if g.asked() != 0 {
		t.Errorf("Italian answer: glosser asked for %d texts, want 0", g.asked())
	}
	s, err := e.Summarize(ctx, briefing.SummaryRequest{Lang: "en", Gloss: true})
	if err != nil {
		t.Fatal(err)
	}
	wantMarkedGlosses(t, "English summary", s)
}

// TestGlossFailureKeepsTheAnswer: a dead translator costs the glosses
// only, with one Warn line.
func TestGlossFailureKeepsTheAnswer(t *testing.T) {
	t.Parallel()
	logs := &logBuffer{}
	g := &fakeGlosser{fail: true}
	e := mustEngine(t, "", rag.Options{Glosser: g, GlossFrom: "it", GlossTo: "en",
		Logger: slog.New(slog.NewTextHandler(logs, nil))}, mustDefaultDocs(t))
	a, err := e.Answer(context.Background(), briefing.Request{Question: englishSeedQuestion, Gloss: true})
	if err != nil {
		t.Fatalf("Answer with a dead glosser: %v", err)
	}
	if len(a.Citations) == 0 || a.Refused {
		t.Fatalf("answer %+v: want cited", a)
	}
	for _, c := range a.Citations {
		if c.Gloss != "" {
			t.Errorf("citation [%d] gloss = %q, want none", c.N, c.Gloss)
		}
	}
	if w := logs.lines("WARN"); len(w) != 1 || !strings.Contains(w[0], "quote translation failed") {
		t.Errorf("warn lines = %q, want one about the quote translation", w)
	}
}

// TestGlossWithApertium glosses with the real Italian→English chain.
func TestGlossWithApertium(t *testing.T) {
	t.Parallel()
	tr := apertium(t, translate.Options{Pairs: translate.GlossPairs}, "the glosses are its translations")
	e := mustEngine(t, "", rag.Options{Glosser: tr, GlossFrom: "it", GlossTo: "en"}, mustDefaultDocs(t))
	a, err := e.Answer(context.Background(), briefing.Request{Question: englishSeedQuestion, Gloss: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Citations) == 0 || !strings.Contains(a.Citations[0].Quote, "parlamento russo") {
		t.Fatalf("citations %+v: want the 6 November passage first", a.Citations)
	}
	if g := a.Citations[0].Gloss; !strings.Contains(g, "Russian parliament") || !strings.Contains(g, "November") {
		t.Errorf("gloss = %q, want an English translation of %q", g, a.Citations[0].Quote)
	}
}

// TestSearchGlossesForeignPassages: an English search asking for glosses
// gets each Italian passage's translation; the hits are those of the plain
// search, and an Italian search gets none.
func TestSearchGlossesForeignPassages(t *testing.T) {
	t.Parallel()
	g := &fakeGlosser{}
	e := mustEngine(t, "", rag.Options{Glosser: g, GlossFrom: "it", GlossTo: "en"}, mustDefaultDocs(t))
	ctx := context.Background()
	plain, err := e.Find(ctx, briefing.SearchRequest{Query: englishSeedQuestion, K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if g.asked() != 0 {
		t.Errorf("without SearchRequest.Gloss the glosser was asked for %d texts, want 0", g.asked())
	}
	hits, err := e.Find(ctx, briefing.SearchRequest{Query: englishSeedQuestion, K: 3, Gloss: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 3 || len(plain) != 3 {
		t.Fatalf("%d glossed and %d plain hits, want 3 and 3", len(hits), len(plain))
	}
	for i, h := range hits {
		if want := "EN<" + h.Passage.Text + ">"; h.Gloss != want {
			t.Errorf("hit %d gloss = %q, want %q", i+1, h.Gloss, want)
		}
		h.Gloss = ""
		if !reflect.DeepEqual(h, plain[i]) {
			t.Errorf("hit %d = %+v, want the plain search's %+v", i+1, h, plain[i])
		}
	}
	n := g.asked()
	it, err := e.Find(ctx, briefing.SearchRequest{Query: "Quando il parlamento russo ha ratificato il trattato?", Gloss: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range it {
		if h.Gloss != "" {
			t.Errorf("Italian search: hit %d gloss = %q, want none", i+1, h.Gloss)
		}
	}
	if g.asked() != n {
		t.Errorf("Italian search: glosser asked for %d texts, want 0", g.asked()-n)
	}
}
