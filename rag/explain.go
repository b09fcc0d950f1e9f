package rag

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/relevance"
)

// Explanation is how a question is analysed against the current index and
// why the engine would answer, show the closest passages or refuse: for
// operators checking a glossary, a corpus or the answer model (briefing
// search --explain).
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
	// Passages are the top passages, each with why it ranks there.
	Passages []ExplainedPassage `json:"passages"`
	// Answered is true when the engine answers (state answer).
	Answered bool `json:"answered"`
	// State, Confidence (P(answerable)) and Coverage (P(covered)) are the
	// answer model's verdict, with the thresholds it compares them to.
	State       briefing.State `json:"state"`
	Confidence  float64        `json:"confidence"`
	Coverage    float64        `json:"coverage"`
	AnswerAt    float64        `json:"answer_threshold"`
	RefuseBelow float64        `json:"refuse_below"`
}

// ExplainedConcept is one concept of a question.
type ExplainedConcept struct {
	Text     string   `json:"text"`
	Weight   float64  `json:"weight"`
	Passages int      `json:"passages"`
	Alts     []string `json:"alternatives"`
}

// ExplainedPassage is one retrieved passage and why it ranks where it does.
type ExplainedPassage struct {
	Hit       briefing.Hit `json:"-"`
	Rank      int          `json:"rank"`
	PassageID string       `json:"passage_id"`
	// Evidence is true for the passage the answer is taken from.
	Evidence bool `json:"evidence"`
	// Why says what decided, in one line.
	Why string `json:"why"`
	// Prob is the passage's share of the ranking, and Features the
	// features that placed it there, the largest effect first.
	Prob     float64                  `json:"prob"`
	Features []relevance.Contribution `json:"features,omitempty"`
}

// Explain retrieves up to k passages for question (k <= 0: TopK), as
// Search does, and explains them: the question's concepts and weights, each
// passage's share of the ranking and the features behind it, and the answer
// model's verdict. Like Search it retrieves offline: no query rewrite, no
// history.
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
		// Alternatives of one spelling in several fields (word, stem,
		// prefix) read the same: each is shown once, at its best weight.
		best := map[string]float64{}
		var keys []string
		for _, a := range c.Alts {
			w, seen := best[a.Key()]
			if !seen {
				keys = append(keys, a.Key())
			}
			best[a.Key()] = max(w, a.Weight)
		}
		for _, k := range keys {
			ec.Alts = append(ec.Alts, fmt.Sprintf("%s(%.1f)", k, best[k]))
		}
		x.Concepts = append(x.Concepts, ec)
	}
	x.State, x.Confidence, x.Coverage = r.state, r.confidence, r.coverage
	x.AnswerAt, x.RefuseBelow = e.model.Thresholds.Answer, e.model.Thresholds.Uncertain
	x.Answered = r.state == briefing.StateAnswer
	for i, sc := range r.ranked {
		fs := e.model.Passage.Contributions(sc.Features)
		if len(fs) > explainedFeatures {
			fs = fs[:explainedFeatures]
		}
		parts := make([]string, len(fs))
		for j, f := range fs {
			parts[j] = fmt.Sprintf("%s %+.2f", f.Feature, f.Effect)
		}
		x.Passages = append(x.Passages, ExplainedPassage{Hit: r.hits[i], Rank: r.hits[i].Rank, PassageID: r.hits[i].Passage.ID,
			Evidence: i == 0 && x.Answered, Prob: sc.Prob, Features: fs,
			Why: fmt.Sprintf("p=%.3f: %s", sc.Prob, strings.Join(parts, ", "))})
	}
	return x, nil
}

// explainedFeatures is how many features Explain lists for a passage.
const explainedFeatures = 6

// excerptChars bounds the passage excerpt Format shows.
const excerptChars = 100

// excerpt is text on one line, cut at a word boundary near n characters
// with "…" when it is longer.
func excerpt(text string, n int) string {
	text = corpus.Inline(text)
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	cut := n
	for cut > n/2 && r[cut] != ' ' {
		cut--
	}
	if r[cut] != ' ' {
		cut = n // one long word (a URL): cut it at n
	}
	return strings.TrimRight(string(r[:cut]), " ,;:") + "…"
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
		answer := ""
		if p.Evidence {
			answer = " (the answer's passage)"
		}
		fmt.Fprintf(&b, "  #%d score=%.2f dense=%.3f lex=%.2f %s ¶%d%s %s\n     “%s”\n", h.Rank, h.Score, h.Dense, h.Lexical,
			h.Passage.DocID, h.Passage.Paragraph, answer, p.Why, excerpt(h.Passage.Text, excerptChars))
	}
	fmt.Fprintf(&b, "state=%s: P(answerable)=%.3f (answer at >= %.3f), P(covered)=%.3f (refused below %.3f)\n",
		x.State, x.Confidence, x.AnswerAt, x.Coverage, x.RefuseBelow)
	_, err := io.WriteString(w, b.String())
	return err
}
