package rag

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
)

// Explanation is how a question is analysed against the current index and
// why the engine would answer or refuse it: for operators tuning a
// glossary or the relevance floor (briefing search --explain).
type Explanation struct {
	Question string `json:"question"`
	// Lang and Kind are the question's language and answer kind ("time",
	// "number", "person", "place", "other").
	Lang string `json:"lang"`
	Kind string `json:"kind"`
	// Concepts are the question's concepts with their weights, their
	// alternatives (stem keys with weights) and how many passages express
	// them.
	Concepts []ExplainedConcept `json:"concepts"`
	// Passages are the top passages with the verdict on each.
	Passages []ExplainedPassage `json:"passages"`
	// Answered is true when one of them is evidence: the engine answers
	// rather than refuses.
	Answered bool `json:"answered"`
}

// ExplainedConcept is one concept of a question.
type ExplainedConcept struct {
	Text     string   `json:"text"`
	Weight   float64  `json:"weight"`
	Passages int      `json:"passages"`
	Alts     []string `json:"alternatives"`
}

// ExplainedPassage is one retrieved passage and whether it is evidence.
type ExplainedPassage struct {
	Hit       briefing.Hit `json:"-"`
	Rank      int          `json:"rank"`
	PassageID string       `json:"passage_id"`
	Evidence  bool         `json:"evidence"`
	// Why says what decided, in one line.
	Why string `json:"why"`
}

// Explain retrieves up to k passages for question (k <= 0: TopK), as
// Search does, and explains them: the question's concepts and weights, and
// for each passage whether it is evidence and why (rag/answerable's
// verdict). Like Search it retrieves offline: no query rewrite, no history.
func (e *Engine) Explain(ctx context.Context, question string, k int) (Explanation, error) {
	q, err := e.checkQuestion(question)
	if err != nil {
		return Explanation{}, err
	}
	s, err := e.snap()
	if err != nil {
		return Explanation{}, err
	}
	r, err := e.retrieve(ctx, s, q, "", nil, k, corpus.Filter{})
	if err != nil {
		return Explanation{}, err
	}
	x := Explanation{Question: q, Lang: r.lang, Kind: r.query.Kind.String(), Concepts: []ExplainedConcept{}, Passages: []ExplainedPassage{}}
	for _, c := range r.concepts {
		ec := ExplainedConcept{Text: c.Text, Weight: c.Weight, Passages: c.N, Alts: []string{}}
		for _, a := range c.Alts {
			ec.Alts = append(ec.Alts, fmt.Sprintf("%s(%.1f)", a.Key(), a.Weight))
		}
		x.Concepts = append(x.Concepts, ec)
	}
	qa := r.question()
	for i, c := range r.candidates() {
		v := e.policy.Judge(e.analyzer, s.lex, qa, c)
		x.Passages = append(x.Passages, ExplainedPassage{Hit: r.hits[i], Rank: r.hits[i].Rank, PassageID: r.hits[i].Passage.ID, Evidence: v.Evidence, Why: v.Why})
		x.Answered = x.Answered || v.Evidence
	}
	return x, nil
}

// Format writes the explanation for reading (not parsing).
func (x Explanation) Format(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "question: %q\nlang=%s kind=%s concepts=%d\n", x.Question, x.Lang, x.Kind, len(x.Concepts))
	for _, c := range x.Concepts {
		fmt.Fprintf(&b, "  %-24q weight=%.2f passages=%d alts=%s\n", c.Text, c.Weight, c.Passages, strings.Join(c.Alts, " "))
	}
	for _, p := range x.Passages {
		h := p.Hit
		verdict := "not evidence"
		if p.Evidence {
			verdict = "evidence"
		}
		fmt.Fprintf(&b, "  #%d score=%.2f dense=%.3f lex=%.2f %s[%d] %s: %s\n     %.70q\n", h.Rank, h.Score, h.Dense, h.Lexical,
			h.Passage.DocID, h.Passage.Paragraph, verdict, p.Why, h.Passage.Text)
	}
	if x.Answered {
		b.WriteString("answered: yes\n")
	} else {
		b.WriteString("answered: no (the engine refuses)\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
