package answerable

import (
	"fmt"

	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/rag/lexical"
)

// Policy holds the thresholds of the decisions.
type Policy struct {
	// MinScore is the relevance floor in (0, 1]: the share of a question's
	// weight a passage must cover to count as evidence (the engine's
	// Options.MinScore).
	MinScore float64
}

// Question is what the decisions need of a question: its kind (how many,
// when, who...) and its concepts resolved against the corpus, and those of
// its rewrite into the corpus language (nil without one).
type Question struct {
	Kind                  analysis.Kind
	Concepts, AltConcepts []lexical.Concept
}

// Candidate is a retrieved passage with its relevance score (the better of
// its coverage of the question's and of the rewrite's concepts).
type Candidate struct {
	// Passage is the passage's index in the lexical index.
	Passage int
	Text    string
	// Meta describes the passage's document.
	Meta  lexical.DocMeta
	Score float64
}

// Verdict is the decision on one candidate, with its reason in one short
// line for operators (search --explain).
type Verdict struct {
	Evidence bool
	Why      string
}

// Answered reports whether the candidates hold evidence for the question:
// false means the engine refuses. The candidates are judged in order and
// the first piece of evidence decides.
func (p Policy) Answered(a *analysis.Analyzer, l *lexical.Index, q Question, cands []Candidate) bool {
	for _, c := range cands {
		if p.Judge(a, l, q, c).Evidence {
			return true
		}
	}
	return false
}

// Judge decides whether candidate c is evidence for q: it covers at least
// MinScore of the question's weight (or falls short only through words the
// corpus never uses, see supports), it does not lack a concept carrying
// most of the question (missesMain), and, when the question asks how many,
// it holds a quantity next to one of its concepts ("4.000 soldati",
// "decine di migliaia di proiettili"): a passage that merely shares the
// question's words cannot say how many.
func (p Policy) Judge(a *analysis.Analyzer, l *lexical.Index, q Question, c Candidate) Verdict {
	if c.Score < p.MinScore && !supports(l, q.Concepts, c.Passage) {
		return Verdict{false, fmt.Sprintf("covers %.2f of the question, below the floor %.2f", c.Score, p.MinScore)}
	}
	if missesMain(l, q.Concepts, c.Passage) && (len(q.AltConcepts) == 0 || missesMain(l, q.AltConcepts, c.Passage)) {
		return Verdict{false, fmt.Sprintf("lacks a concept carrying over %.0f%% of the question's weight", 100*maxMissingShare)}
	}
	if q.Kind == analysis.KindNumber {
		if quantityNear(a, c.Text, c.Meta, counted(q.Concepts)) ||
			(len(q.AltConcepts) > 0 && quantityNear(a, c.Text, c.Meta, counted(q.AltConcepts))) {
			return Verdict{true, "holds a quantity next to what the question counts"}
		}
		return Verdict{false, "the question asks how many; no quantity next to what it counts"}
	}
	if c.Score < p.MinScore {
		return Verdict{true, fmt.Sprintf("covers %.2f, below the floor, but what it misses the corpus never says", c.Score)}
	}
	return Verdict{true, fmt.Sprintf("covers %.2f of the question", c.Score)}
}

// Quotable reports whether a passage of relevance score is close enough to
// the question to be quoted or sent to the LLM (half the floor): weaker
// passages are left out of answers and topic summaries.
func (p Policy) Quotable(score float64) bool { return score >= p.MinScore/2 }

// Covered reports whether the best of the relevance scores of a topic's
// quotable passages reaches the floor: a summary topic that is not covered
// is refused like a question.
func (p Policy) Covered(scores []float64) bool {
	best := 0.0
	for _, s := range scores {
		best = max(best, s)
	}
	return len(scores) > 0 && best >= p.MinScore
}

// Refusal is the "not in the corpus" answer in the question's language.
func Refusal(lang string) string {
	if lang == "it" {
		return "Il corpus non tratta questo argomento: nessun passaggio dei documenti risponde alla domanda."
	}
	return "The corpus does not cover this: no passage of the documents answers the question."
}

// counted returns the concepts a how-many question counts, or all of them
// when it names none ("what number of ...").
func counted(concepts []lexical.Concept) []lexical.Concept {
	var out []lexical.Concept
	for _, c := range concepts {
		if c.Counted {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return concepts
	}
	return out
}

// quantityWindow is how many words apart a quantity and the thing counted
// may stand ("circa 4.000 soldati", "decine di migliaia di proiettili").
const quantityWindow = 3

// quantityNear reports whether text holds a number or a quantity word within
// quantityWindow words of a word expressing one of the concepts.
func quantityNear(a *analysis.Analyzer, text string, m lexical.DocMeta, concepts []lexical.Concept) bool {
	toks := analysis.Tokenize(text)
	var qty, hit []int
	for i, t := range toks {
		if t.Number || analysis.IsQuantity(t.Text) {
			qty = append(qty, i)
		}
		if analysis.IsStop(t.Text, m.Lang) {
			continue
		}
		st := lexical.StemSet{analysis.Stem(t.Text, m.Lang): {t.Text}}
		for _, c := range concepts {
			if c.Number {
				continue
			}
			for _, alt := range c.Alts {
				if len(alt.Terms) == 1 && lexical.AltIn(alt, st) || len(alt.Terms) > 1 && anyTermIn(alt, st) {
					hit = append(hit, i)
					break
				}
			}
		}
	}
	for _, q := range qty {
		for _, h := range hit {
			if d := q - h; d != 0 && d >= -quantityWindow && d <= quantityWindow {
				return true
			}
		}
	}
	return false
}

// anyTermIn reports whether one term of a phrase alternative is in stems.
func anyTermIn(alt analysis.Alt, stems lexical.StemSet) bool {
	for i := range alt.Terms {
		one := analysis.Alt{Terms: alt.Terms[i : i+1]}
		if i < len(alt.Words) {
			one.Words = alt.Words[i : i+1]
		}
		if lexical.AltIn(one, stems) {
			return true
		}
	}
	return false
}
