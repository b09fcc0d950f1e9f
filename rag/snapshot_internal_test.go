package rag

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
)

// echoGenerator answers every prompt by quoting the first passage it was
// sent, cited [1], so generated answers and summaries verify.
type echoGenerator struct{}

func (echoGenerator) Generate(_ context.Context, msgs []briefing.Message) (string, error) {
	if strings.Contains(msgs[0].Content, "Translate") || strings.Contains(msgs[0].Content, "translate") {
		return "", nil
	}
	return "Il parlamento russo ha ratificato il trattato di mutua difesa il 6 novembre [1].", nil
}

func (g echoGenerator) Stream(ctx context.Context, msgs []briefing.Message, onDelta func(string)) (string, error) {
	text, err := g.Generate(ctx, msgs)
	onDelta(text)
	return text, err
}

// treatyDoc is a one-passage document about the treaty under id.
func treatyDoc(id string) corpus.Document {
	return corpus.Document{ID: id, Title: "Trattato " + id, Lang: "it",
		Body: "Il parlamento russo ha ratificato il trattato di mutua difesa il 6 novembre. La Corea del Nord lo ha approvato l'11 novembre."}
}

// swappingEngine returns an engine indexed on document "a" whose next
// request swaps in an index of document "b" right after taking its
// snapshot, and that first snapshot.
func swappingEngine(t *testing.T, opts Options) (*Engine, *snapshot) {
	t.Helper()
	ctx := context.Background()
	e, err := New(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Index(ctx, []corpus.Document{treatyDoc("a")}, nil); err != nil {
		t.Fatal(err)
	}
	first := e.cur.Load()
	var once sync.Once
	e.testHookSnapshot = func() {
		once.Do(func() {
			if _, err := e.Index(ctx, []corpus.Document{treatyDoc("b")}, nil); err != nil {
				t.Errorf("Index b: %v", err)
			}
		})
	}
	return e, first
}

// onlyFrom fails unless every hit and citation is of document id.
func onlyFrom(t *testing.T, what string, a briefing.Answer, id string) {
	t.Helper()
	if len(a.Hits) == 0 && len(a.Citations) == 0 {
		t.Fatalf("%s: no hits nor citations: %+v", what, a)
	}
	for _, h := range a.Hits {
		if h.Passage.DocID != id {
			t.Errorf("%s: hit from %q, want only %q (the snapshot the request started on)", what, h.Passage.DocID, id)
		}
	}
	for _, c := range a.Citations {
		if c.Passage.DocID != id {
			t.Errorf("%s: citation of %q, want only %q", what, c.Passage.DocID, id)
		}
	}
}

// TestOneSnapshotPerRequest swaps the index right after a request took its
// snapshot: the request must answer, cite and cache from that snapshot
// alone, while the next request sees the new index.
func TestOneSnapshotPerRequest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const q = "Quando il parlamento russo ha ratificato il trattato?"

	t.Run("answer", func(t *testing.T) {
		t.Parallel()
		e, _ := swappingEngine(t, Options{})
		a, err := e.Answer(ctx, briefing.Request{Question: q})
		if err != nil || a.Refused {
			t.Fatalf("Answer = %+v, %v", a, err)
		}
		onlyFrom(t, "Answer", a, "a")
		if docs := e.Documents(); len(docs) != 1 || docs[0].ID != "b" {
			t.Fatalf("the index was not swapped: %+v", docs)
		}
		a, err = e.Answer(ctx, briefing.Request{Question: q})
		if err != nil {
			t.Fatal(err)
		}
		onlyFrom(t, "the next Answer", a, "b")
	})
	t.Run("generated answer with rewrites", func(t *testing.T) {
		t.Parallel()
		e, _ := swappingEngine(t, Options{Generator: echoGenerator{}, RewriteQueries: true})
		a, err := e.Answer(ctx, briefing.Request{Question: "When did the Russian parliament ratify the treaty?"})
		if err != nil || a.Refused {
			t.Fatalf("Answer = %+v, %v", a, err)
		}
		onlyFrom(t, "Answer", a, "a")
	})
	t.Run("search", func(t *testing.T) {
		t.Parallel()
		e, _ := swappingEngine(t, Options{})
		hits, err := e.Search(ctx, q, 3)
		if err != nil {
			t.Fatal(err)
		}
		onlyFrom(t, "Search", briefing.Answer{Hits: hits}, "a")
	})
	t.Run("summary", func(t *testing.T) {
		t.Parallel()
		e, first := swappingEngine(t, Options{Generator: echoGenerator{}})
		req := briefing.SummaryRequest{Topic: "ratifica del trattato"}
		a, err := e.Summarize(ctx, req)
		if err != nil || a.Refused || !a.Generated {
			t.Fatalf("Summarize = %+v, %v; want a generated summary", a, err)
		}
		onlyFrom(t, "Summarize", a, "a")
		keys := e.summaries.Keys()
		if want := summaryKey(first, req, a.Lang); len(keys) != 1 || keys[0] != want {
			t.Errorf("summary cached under %q, want %q (the first snapshot's version)", keys, want)
		}
	})
}
