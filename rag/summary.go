package rag

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/briefing/briefing/corpus"
)

// Extractive summaries pick the most central sentences of the scope
// (closest to the centroid of all its sentences, or to the topic), avoiding
// repeats with maximal marginal relevance, and list them in reading order.
const (
	summarySentences = 5
	mmrLambda        = 0.7
	minSummaryChars  = 40
	// topicPassages is how many passages a topic summary draws from.
	topicPassages = 8
)

// Summarize writes a cited briefing of the whole corpus (empty request), of
// one document (DocID), or of a topic (Topic, optionally within DocID). A
// topic the corpus does not cover is refused like a question, without
// calling an LLM.
//
// Without a Generator the summary is extractive: the most central sentences
// of the scope, each cited. With one it is written by map-reduce: the
// scope's passages, numbered once for the whole request, are split into
// groups of at most SummaryTokenBudget estimated tokens; each group is
// summarised with [n] citations, and the partial summaries are merged
// keeping them. Citations are verified against the numbers sent and
// renumbered 1..m, quotes are verbatim, and the result is cached by index
// version and request. Any failure (LLM error, GenerateTimeout, no valid
// citation) returns the extractive summary with Answer.Fallback set and one
// Warn line logged; cancellation of ctx returns its error.
func (e *Engine) Summarize(ctx context.Context, req SummaryRequest) (Answer, error) {
	start := time.Now()
	s := e.cur.Load()
	if s == nil {
		return Answer{}, ErrNoIndex
	}
	llmCtx, cancel := ctx, context.CancelFunc(func() {})
	if e.opts.Generator != nil {
		llmCtx, cancel = e.llmContext(ctx)
	}
	defer cancel()
	if req.DocID != "" {
		if _, ok := s.docByID[req.DocID]; !ok {
			return Answer{}, fmt.Errorf("%w: %q", ErrUnknownDocument, req.DocID)
		}
	}
	a := Answer{Question: req.Topic, Lang: req.Lang}
	var passages []corpus.Passage
	var focus *retrieval
	if strings.TrimSpace(req.Topic) != "" {
		q, err := e.checkQuestion(req.Topic)
		if err != nil {
			return Answer{}, err
		}
		rewrite, rwErr := e.rewriteQuery(llmCtx, s, q)
		if err := ctx.Err(); err != nil {
			return Answer{}, fmt.Errorf("rag: summarize: %w", err)
		}
		if rwErr != nil {
			e.log.Warn("query rewrite failed; retrieval used the glossary bridge only", "err", rwErr)
		}
		r, err := e.retrieveWith(ctx, q, rewrite, nil, topicPassages*4)
		if err != nil {
			return Answer{}, err
		}
		focus = r
		if a.Lang == "" {
			a.Lang = r.lang
		}
		for _, h := range r.hits {
			if h.Score >= e.opts.MinScore/2 && (req.DocID == "" || h.Passage.DocID == req.DocID) && len(passages) < topicPassages {
				passages = append(passages, h.Passage)
				a.Hits = append(a.Hits, h)
			}
		}
		a.Timings.Retrieval = r.took
		if len(passages) == 0 || best(a.Hits) < e.opts.MinScore {
			a.Hits, passages = nil, nil
			a.Refused = true
			a.Text = refusal(a.Lang)
			a.Timings.Total = time.Since(start)
			return a, nil
		}
	} else {
		for _, p := range s.passages {
			if req.DocID == "" || p.DocID == req.DocID {
				passages = append(passages, p)
			}
		}
	}
	if a.Lang == "" {
		a.Lang = s.scopeLang(req.DocID)
	}
	if err := ctx.Err(); err != nil {
		return Answer{}, err
	}
	if e.opts.Generator != nil {
		genStart := time.Now()
		g, err := e.generateSummary(llmCtx, s, req, a.Lang, passages)
		a.Timings.Generation = time.Since(genStart)
		if cerr := ctx.Err(); cerr != nil {
			return Answer{}, fmt.Errorf("rag: summarize: %w", cerr)
		}
		if err == nil {
			a.Text, a.Citations, a.Generated = g.text, g.citations, true
			a.Timings.Total = time.Since(start)
			return a, nil
		}
		a.Fallback, a.FallbackReason = true, reason(err)
		e.log.Warn("llm summary replaced by the extractive summary", "reason", a.FallbackReason,
			"passages", len(passages), "generation_ms", a.Timings.Generation.Milliseconds())
	}
	picked := e.central(passages, focus, s)
	e.writeSummary(&a, s, req.DocID, picked)
	a.Timings.Total = time.Since(start)
	return a, nil
}

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
func (e *Engine) central(passages []corpus.Passage, focus *retrieval, s *snapshot) []summarySentence {
	var cands []summarySentence
	dim := e.hashed.dim
	centroid := make([]float32, dim)
	for _, p := range passages {
		for _, sp := range corpus.Sentences(p.Text) {
			text := p.Text[sp.Start:sp.End]
			if utf8.RuneCountInString(text) < minSummaryChars || !endsSentence(text) {
				continue
			}
			v := e.hashed.document(text)
			for i, x := range v {
				centroid[i] += x
			}
			cands = append(cands, summarySentence{passage: p, span: sp, vec: v, order: len(cands)})
		}
	}
	if len(cands) == 0 {
		return nil
	}
	normalize(centroid)
	for i := range cands {
		c := &cands[i]
		c.score = float64(dot(c.vec, centroid))
		if focus != nil {
			_, cov := sentenceCoverage(e.analyzer, focus.concepts, c.passage.Text[c.span.Start:c.span.End], s.meta(c.passage.DocID))
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
				red = max(red, float64(dot(c.vec, p.vec)))
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
			if dot(cands[bestI].vec, p.vec) > 0.9 {
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

func (e *Engine) writeSummary(a *Answer, s *snapshot, docID string, picked []summarySentence) {
	var b strings.Builder
	title := ""
	if docID != "" {
		title = s.docs[s.docByID[docID]].Title
	}
	switch {
	case a.Lang == "it" && title != "":
		fmt.Fprintf(&b, "Sintesi di “%s”:", title)
	case a.Lang == "it" && a.Question != "":
		fmt.Fprintf(&b, "Sintesi su “%s”:", a.Question)
	case a.Lang == "it":
		b.WriteString("Sintesi dei documenti:")
	case title != "":
		fmt.Fprintf(&b, "Summary of “%s”%s:", title, inLang(s.scopeLang(docID)))
	case a.Question != "":
		fmt.Fprintf(&b, "Summary on “%s”%s:", a.Question, inLang(s.scopeLang(docID)))
	default:
		fmt.Fprintf(&b, "Summary of the documents%s:", inLang(s.scopeLang(docID)))
	}
	num := map[string]int{}
	for _, p := range picked {
		n, ok := num[p.passage.ID]
		if !ok {
			n = len(a.Citations) + 1
			num[p.passage.ID] = n
			a.Citations = append(a.Citations, quoteCitation(n, p.passage, []corpus.Span{p.span}))
		} else {
			a.Citations[n-1] = quoteCitation(n, p.passage, append(citedSpans(a.Citations[n-1]), p.span))
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

// scopeLang is the most common language of the documents in scope.
func (s *snapshot) scopeLang(docID string) string {
	count := map[string]int{}
	for _, d := range s.docs {
		if docID == "" || d.ID == docID {
			count[d.Lang]++
		}
	}
	best, n := "en", 0
	for l, c := range count {
		if c > n || (c == n && l < best) {
			best, n = l, c
		}
	}
	return best
}

func endsSentence(text string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimRight(text, "”\"»’')]"))
	// Questions are the article's rhetoric, not its content.
	return strings.ContainsRune(".!…", r)
}

func dot(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
