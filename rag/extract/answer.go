package extract

import (
	"fmt"
	"strings"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/rag/answerable"
	"github.com/briefing/briefing/rag/hashed"
	"github.com/briefing/briefing/rag/lexical"
)

// quoteChars is the target size of a citation's quote around its sentence.
const quoteChars = 420

// Extractor writes extractive summaries.
type Extractor struct {
	// Analyzer analyses sentences as the engine analyses passages.
	Analyzer *analysis.Analyzer
	// Hashed compares sentences for summaries (local and free, whatever
	// the engine's embedder).
	Hashed *hashed.Embedder
	// Policy says which passages are relevant enough to quote.
	Policy answerable.Policy
}

// Question is what an extractive answer needs of the question: its
// language, kind and concepts, and those of its rewrite into the corpus
// language when there is one (Rewritten).
type Question struct {
	Lang                  string
	Kind                  analysis.Kind
	Concepts, AltConcepts []lexical.Concept
	Rewritten             bool
}

// Docs is what the extracts need of the indexed documents (the engine's
// index snapshot).
type Docs interface {
	// Meta describes a passage's document (zero when unknown).
	Meta(docID string) lexical.DocMeta
	// Title is a document's title.
	Title(docID string) string
	// ScopeLang is the most common language of the documents in scope (one
	// document, or all when docID is empty).
	ScopeLang(docID string) string
}

// Pick is a retrieved passage (an index into the hits) and the spans of
// its text an answer quotes, in reading order.
type Pick struct {
	Hit   int
	Spans []corpus.Span
}

// Quote renders an extractive answer in lang: an intro, then each pick's
// sentences in quotation marks, each followed by its [n] citation, and
// the citations (verbatim quotes with their offsets). uncertain frames it
// as the closest passages rather than an answer.
func Quote(docs Docs, lang string, uncertain bool, hits []briefing.Hit, picks []Pick) (string, []briefing.Citation) {
	var cits []briefing.Citation
	var b strings.Builder
	b.WriteString(framing(lang, docs, hits, picks, uncertain))
	for _, pk := range picks {
		if len(pk.Spans) == 0 {
			continue
		}
		p := hits[pk.Hit].Passage
		n := len(cits) + 1
		cits = append(cits, Cite(n, p, pk.Spans))
		for _, sp := range joinAdjacent(p.Text, pk.Spans) {
			// Line breaks inside a quote (one over two paragraphs) would
			// break the answer's flow; the citation keeps the verbatim text.
			fmt.Fprintf(&b, " “%s” [%d]", corpus.Inline(p.Text[sp.Start:sp.End]), n)
		}
	}
	return b.String(), cits
}

// joinAdjacent merges spans separated only by white space, so two
// consecutive sentences read as one quote.
func joinAdjacent(text string, spans []corpus.Span) []corpus.Span {
	var out []corpus.Span
	for _, sp := range spans {
		if n := len(out); n > 0 && !between(text, out[n-1].End, sp.Start) {
			out[n-1].End = sp.End
			continue
		}
		out = append(out, sp)
	}
	return out
}

// framing introduces a quoted answer: as the sources' or as the closest
// passages, noting when all or some of them are in another language.
func framing(lang string, docs Docs, hits []briefing.Hit, picks []Pick, uncertain bool) string {
	foreign, quoted := "", 0
	some := false
	for _, pk := range picks {
		if len(pk.Spans) == 0 {
			continue
		}
		quoted++
		if dl := docs.Meta(hits[pk.Hit].Passage.DocID).Lang; dl != "" && dl != lang {
			foreign = dl
		} else {
			some = true // at least one quote is in the reader's language
		}
	}
	note := ""
	switch {
	case foreign == "" || quoted == 0:
	case lang == "it" && foreign == "en" && some:
		note = " (in parte in inglese)"
	case lang == "it" && foreign == "en":
		note = " (in inglese)"
	case lang != "it" && foreign == "it" && some:
		note = " (some in Italian)"
	case lang != "it" && foreign == "it":
		note = " (in Italian)"
	}
	switch {
	case uncertain && lang == "it":
		return "Nessun passaggio risponde direttamente; i più vicini" + note + " sono:"
	case uncertain:
		return "No passage answers this directly; the closest ones" + note + " are:"
	case lang == "it":
		return "Secondo le fonti" + note + ":"
	}
	return "According to the sources" + note + ":"
}
