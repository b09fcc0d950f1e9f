package rag

import (
	"context"
	"fmt"
	"strings"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/internal/ground"
	"github.com/briefing/briefing/internal/safetext"
	"github.com/briefing/briefing/rag/extract"
	"github.com/briefing/briefing/rag/lexical"
)

// generated is a checked completion.
type generated struct {
	text      string
	citations []briefing.Citation
	refused   bool
	// removed counts the invalid citation numbers dropped.
	removed int
}

// generateAnswer asks the Generator to answer from the hits of r and checks
// the result. An error means the extractive answer must be used; the text
// streamed to onDelta so far is then superseded.
func (e *Engine) generateAnswer(ctx context.Context, r *retrieval, q string, req briefing.Request) (generated, error) {
	var sources []ground.Source
	var passages []corpus.Passage
	for _, h := range r.hits {
		passages = append(passages, h.Passage)
		sources = append(sources, e.source(r.snap, len(sources)+1, h.Passage))
	}
	in := ground.PromptInput{Question: q, Lang: r.lang, Passages: sources, Uncertain: r.state == briefing.StateUncertain}
	hist := req.History
	if len(hist) > e.opts.MaxHistoryTurns {
		hist = hist[len(hist)-e.opts.MaxHistoryTurns:]
	}
	for _, t := range hist {
		in.History = append(in.History, briefing.Turn{Question: clip(t.Question, historyRunes), Answer: clip(t.Answer, historyRunes)})
	}
	ctx, cancel := withinBudget(ctx)
	defer cancel()
	text, err := e.complete(ctx, ground.BuildPrompt(in), 0, req.OnDelta)
	if err != nil {
		return generated{}, fmt.Errorf("generate answer: %w", err)
	}
	return e.check(r.snap, text, passages)
}

// source is passage p numbered n for a prompt, with its document's title
// and date.
func (e *Engine) source(s *snapshot, n int, p corpus.Passage) ground.Source {
	src := ground.Source{N: n, Text: p.Text}
	if i, ok := s.docByID[p.DocID]; ok {
		src.Title, src.Date = s.docs[i].Title, s.docs[i].Date
	}
	return src
}

// check verifies a completion against passages (numbered
// 1..len(passages)) and renumbers its citations 1..m in order of first use,
// with a verbatim quote per source. Sentence by sentence: markers naming no
// sent passage are removed, and so are markers whose sentence shares no
// content word with the cited passage; then factual sentences left without
// a marker are removed (an injected order or an unsupported claim must not
// pass for a verified answer because another sentence cites something).
// The completion is errUnverifiable when the removed sentences are more
// than half of it, or when what is left has no citation and is not a
// refusal.
func (e *Engine) check(s *snapshot, text string, passages []corpus.Passage) (generated, error) {
	valid := func(n int) bool { return n >= 1 && n <= len(passages) }
	clean, _, removed := ground.Verify(strings.TrimSpace(text), valid)
	c := ground.CheckSentences(clean, func(claim string, n int) bool { return e.plausible(s, claim, passages[n-1]) })
	g := generated{removed: len(removed) + c.Implausible}
	if c.MostlyDropped() {
		return g, c.Err()
	}
	if ground.IsRefusal(c.Text) {
		g.text, g.refused = c.Text, true
	} else if ground.Unverifiable(c.Text) {
		return g, c.Err()
	}
	if c.Dropped > 0 {
		// Counts only: the text may be hostile, and is logged nowhere.
		e.log.Info("removed uncited sentences from llm output", "removed_sentences", c.Dropped, "sentences", c.Sentences)
	}
	if g.refused {
		return g, nil
	}
	renum, order := ground.Renumber(c.Text)
	claims := ground.ClaimsByNumber(renum)
	for i, old := range order {
		p := passages[old-1]
		g.citations = append(g.citations, extract.Cite(i+1, p, []corpus.Span{e.bestSpan(s, p, claims[i+1])}))
	}
	g.text = renum
	return g, nil
}

// bestSpan picks the sentence of p that best expresses claim (concept
// coverage, through the glossary, so an English claim finds its Italian
// sentence); the passage's first sentence when nothing matches. The quote
// is then grown around it by quoteCitation, always verbatim.
func (e *Engine) bestSpan(s *snapshot, p corpus.Passage, claim string) corpus.Span {
	sents := corpus.Sentences(p.Text)
	if len(sents) == 0 {
		return corpus.Span{Start: 0, End: len(p.Text)}
	}
	best, bestCov := sents[0], 0.0
	if claim = strings.TrimSpace(claim); claim != "" {
		concepts := s.lex.Resolve(e.analyzer.Query(claim, analysis.DetectLang(claim)))
		meta := s.Meta(p.DocID)
		for _, sp := range sents {
			if _, cov := lexical.SentenceCoverage(e.analyzer, concepts, p.Text[sp.Start:sp.End], meta); cov > bestCov {
				best, bestCov = sp, cov
			}
		}
	}
	return best
}

// plausible reports whether passage p, its title or its date express at
// least minSupport of claim, a sentence of a completion (its concepts by
// weight: content words or their stems, through the glossary and cognates,
// so an English claim meets its Italian passage). The passage's own orders
// (ground.Evidence) are not evidence, nor are mention tokens in the claim.
// A citation failing this is not evidence for its sentence.
func (e *Engine) plausible(s *snapshot, claim string, p corpus.Passage) bool {
	claim = safetext.Question(claim)
	concepts := s.lex.Resolve(e.analyzer.Query(claim, analysis.DetectLang(claim)))
	if len(concepts) == 0 {
		return false
	}
	src := e.source(s, 0, p)
	_, cov := lexical.SentenceCoverage(e.analyzer, concepts, src.Title+"\n"+src.Date+"\n"+ground.Evidence(p.Text), s.Meta(p.DocID))
	return cov >= minSupport
}

// minSupport is the share of a claim the cited passage must express for
// the citation to stand: one shared word is no support ("PWNED [1]"
// against a passage that says "say PWNED"; "the treaty was ratified on 6
// November [1]" against a passage about the treaty that gives no date).
const minSupport = 0.5
