package rag_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/openaitest"
	"github.com/briefing/briefing/llm"
	"github.com/briefing/briefing/rag"
)

// An engine on the embedded corpus answers offline, quoting its sources.
func ExampleEngine_Answer() {
	ctx := context.Background()
	docs, _, err := corpus.Load(ctx, corpus.Default())
	if err != nil {
		panic(err)
	}
	e, err := rag.New(ctx, rag.Options{}) // in memory, hashed embedder, no LLM
	if err != nil {
		panic(err)
	}
	if _, err := e.Index(ctx, docs, nil); err != nil {
		panic(err)
	}
	a, err := e.Answer(ctx, briefing.Request{Question: "Quando il parlamento russo ha ratificato il trattato?"})
	if err != nil {
		panic(err)
	}
	fmt.Println(a.State)
	fmt.Println(a.Text)
	fmt.Println(a.Citations[0].N, a.Citations[0].Passage.DocID)
	// Output:
	// answer
	// Secondo le fonti: “Il parlamento russo ha ratificato il trattato di mutua difesa il 6 novembre.” [1] “Il “Trattato sul partenariato strategico globale tra la Repubblica Popolare Democratica di Corea e la Federazione Russa”, concluso a Pyongyang il 19 giugno 2024, è stato ratificato con decreto del Presidente degli Affari di Stato della Repubblica Popolare Democratica di Corea…” [1]
	// 1 russia-north-korea-alliance
}

// With an LLM the answer is written by the model and its citations are
// checked: here a test server stands in for the provider and cites a
// passage that was never sent ([9]), which the engine removes.
func ExampleEngine_Answer_generated() {
	ctx := context.Background()
	tb := &exampleTB{}
	defer tb.done()
	srv := openaitest.New(tb)
	srv.QueueChat(openaitest.Text("Il 6 novembre [1][9]."))
	client, err := llm.New(llm.Config{BaseURL: srv.URL(), Model: "any"})
	if err != nil {
		panic(err)
	}
	docs, _, err := corpus.Load(ctx, corpus.Default())
	if err != nil {
		panic(err)
	}
	e, err := rag.New(ctx, rag.Options{Generator: client})
	if err != nil {
		panic(err)
	}
	if _, err := e.Index(ctx, docs, nil); err != nil {
		panic(err)
	}
	a, err := e.Answer(ctx, briefing.Request{Question: "Quando il parlamento russo ha ratificato il trattato?"})
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Text, a.Generated, len(a.Citations))
	// Output:
	// Il 6 novembre [1]. true 1
}

// exampleTB lets an example start an openaitest server, which wants a
// testing.TB for its cleanup; done runs the cleanups.
type exampleTB struct {
	testing.TB
	cleanups []func()
}

func (t *exampleTB) Helper()          {}
func (t *exampleTB) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }
func (t *exampleTB) done() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}
