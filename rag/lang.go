package rag

import "github.com/briefing/briefing/corpus"

// detectLang is the language of a question: "it" or "en".
func detectLang(s string) string { return corpus.DetectLang(s) }
