package rag_test

import (
	"context"
	"fmt"

	"github.com/briefing/briefing/corpus"
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
	a, err := e.Answer(ctx, rag.Request{Question: "Quando il parlamento russo ha ratificato il trattato?"})
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Text)
	fmt.Println(a.Citations[0].N, a.Citations[0].Passage.DocID)
	// Output:
	// Secondo le fonti: “Il parlamento russo ha ratificato il trattato di mutua difesa il 6 novembre.” [1]
	// 1 russia-north-korea-alliance
}
