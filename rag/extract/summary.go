package extract

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/rag/hashed"
	"github.com/briefing/briefing/rag/lexical"
)

// Extractive summaries pick the most central sentences of the scope
// (closest to the centroid of all its sentences, or to the topic), avoiding
// repeats with maximal marginal relevance, and list them in reading order.
const (
	summarySentences = 5
	mmrLambda        = 0.7
	minSummaryChars  = 40
)

// summarySentence is a candidate sentence with its passage.
type summarySentence struct {
	passage corpus.Passage
	span    corpus.Span // relative to the passage
	vec     []float32
	score   float64
	order   int // position in scope, for reading order
}

// central picks up to summarySentences sentences by centrality (and topic
// coverage when focus is set) with MMR.
func (x Extractor) central(docs Docs, passages []corpus.Passage, focus *Question) []summarySentence {
	var cands []summarySentence
	dim := x.Hashed.Dim()
	centroid := make([]float32, dim)
	for _, p := range passages {
		for _, sp := range corpus.Sentences(p.Text) {
			text := p.Text[sp.Start:sp.End]
			if utf8.RuneCountInString(text) < minSummaryChars || !isStatement(text) {
				continue
			}
			v := x.Hashed.Document(text)
			for i, x := range v {
				centroid[i] += x
			}
			cands = append(cands, summarySentence{passage: p, span: sp, vec: v, order: len(cands)})
		}
	}
	if len(cands) == 0 {
		return nil
	}
	hashed.Normalize(centroid)
	for i := range cands {
		c := &cands[i]
		c.score = float64(hashed.Dot(c.vec, centroid))
		if focus != nil {
			_, cov := lexical.SentenceCoverage(x.Analyzer, focus.Concepts, c.passage.Text[c.span.Start:c.span.End], docs.Meta(c.passage.DocID))
			c.score = 0.4*c.score + 0.6*cov
		}
	}
	var picked []summarySentence
	used := make([]bool, len(cands))
	if focus == nil {
		// Every document in scope gets its most central sentence first: the
		// centroid leans towards the longest document, and a briefing of
		// the corpus that ignores an article misrepresents it.
		bestOf := map[string]int{}
		for i, c := range cands {
			if j, ok := bestOf[c.passage.DocID]; !ok || c.score > cands[j].score {
				bestOf[c.passage.DocID] = i
			}
		}
		firsts := make([]int, 0, len(bestOf))
		for _, i := range bestOf {
			firsts = append(firsts, i)
		}
		sort.Slice(firsts, func(a, b int) bool { return cands[firsts[a]].score > cands[firsts[b]].score })
		for _, i := range firsts {
			if len(picked) == summarySentences {
				break
			}
			used[i] = true
			picked = append(picked, cands[i])
		}
	}
	for len(picked) < summarySentences && len(picked) < len(cands) {
		bestI, bestV := -1, -1e9
		for i, c := range cands {
			if used[i] {
				continue
			}
			red := 0.0
			for _, p := range picked {
				red = max(red, float64(hashed.Dot(c.vec, p.vec)))
			}
			v := mmrLambda*c.score - (1-mmrLambda)*red
			if v > bestV {
				bestI, bestV = i, v
			}
		}
		if bestI < 0 {
			break
		}
		used[bestI] = true
		// Near-duplicates (a sentence the article repeats) are skipped.
		dup := false
		for _, p := range picked {
			if hashed.Dot(cands[bestI].vec, p.vec) > 0.9 {
				dup = true
			}
		}
		if !dup {
			picked = append(picked, cands[bestI])
		}
	}
	sort.Slice(picked, func(i, j int) bool { return picked[i].order < picked[j].order })
	return picked
}

// Summary writes into a (whose Lang and Question, the topic, are set) the
// extractive summary of passages, the scope (one document when docID is
// set): its most central sentences (closest to the centroid of all its
// sentences, or, with focus, to the topic's concepts too), avoiding repeats
// with maximal marginal relevance, in reading order, each cited.
func (x Extractor) Summary(docs Docs, a *briefing.Answer, docID string, passages []corpus.Passage, focus *Question) {
	picked := x.central(docs, passages, focus)
	var b strings.Builder
	title := ""
	if docID != "" {
		title = docs.Title(docID)
	}
	switch {
	case a.Lang == "it" && title != "":
		fmt.Fprintf(&b, "Sintesi di “%s”:", title)
	case a.Lang == "it" && a.Question != "":
		fmt.Fprintf(&b, "Sintesi su “%s”:", a.Question)
	case a.Lang == "it":
		b.WriteString("Sintesi dei documenti:")
	case title != "":
		fmt.Fprintf(&b, "Summary of “%s”%s:", title, inLang(docs.ScopeLang(docID)))
	case a.Question != "":
		fmt.Fprintf(&b, "Summary on “%s”%s:", a.Question, inLang(docs.ScopeLang(docID)))
	default:
		fmt.Fprintf(&b, "Summary of the documents%s:", inLang(docs.ScopeLang(docID)))
	}
	num := map[string]int{}
	for _, p := range picked {
		n, ok := num[p.passage.ID]
		if !ok {
			n = len(a.Citations) + 1
			num[p.passage.ID] = n
			a.Citations = append(a.Citations, Cite(n, p.passage, []corpus.Span{p.span}))
		} else {
			a.Citations[n-1] = Cite(n, p.passage, append(citedSpans(a.Citations[n-1]), p.span))
		}
		fmt.Fprintf(&b, "\n• %s [%d]", p.passage.Text[p.span.Start:p.span.End], n)
	}
	a.Text = b.String()
}

func inLang(l string) string {
	if l == "it" {
		return " (sources in Italian)"
	}
	return ""
}
