package corpus_test

import (
	"fmt"

	"github.com/briefing/briefing/corpus"
)

func ExampleChunk() {
	doc, err := corpus.Parse("trattato.md", []byte(`---
id: trattato
title: Il trattato
---
Il trattato di difesa

Il parlamento russo ha ratificato il trattato il 6 novembre. Più di 10.000 soldati sono partiti.
L’accordo prevede “tutti i mezzi”.
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range corpus.Chunk(doc, corpus.ChunkOptions{MaxChars: 100}) {
		fmt.Printf("%s ¶%d [%d:%d] %q\n", p.DocID, p.Paragraph, p.Start, p.End, p.Text)
	}
	// Output:
	// trattato ¶0 [0:83] "Il trattato di difesa\n\nIl parlamento russo ha ratificato il trattato il 6 novembre."
	// trattato ¶1 [84:120] "Più di 10.000 soldati sono partiti."
	// trattato ¶2 [121:161] "L’accordo prevede “tutti i mezzi”."
}

func ExampleParse_error() {
	_, err := corpus.Parse("lavrov.md", []byte("---\nid: lavrov\ntitel: Lavrov\n---\nTesto."))
	fmt.Println(err)
	// Output:
	// corpus: parse lavrov.md:3: unknown front matter key "titel"
}

func ExampleSentences() {
	text := "Più di 10.000 truppe. Il sig. Rossi disse: “Basta!” Poi tacque…"
	for _, s := range corpus.Sentences(text) {
		fmt.Println(text[s.Start:s.End])
	}
	// Output:
	// Più di 10.000 truppe.
	// Il sig. Rossi disse: “Basta!”
	// Poi tacque…
}
