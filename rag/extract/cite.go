package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
)

// kindBonus is 1 when a sentence holds what the question asks for: a number,
// a date, a name.
func kindBonus(k analysis.Kind, text string) float64 {
	if k == analysis.KindOther {
		return 0
	}
	toks := analysis.Tokenize(text)
	for i, t := range toks {
		switch k {
		case analysis.KindNumber:
			if t.Number || analysis.IsQuantity(t.Text) {
				return 1
			}
		case analysis.KindTime:
			if analysis.IsMonth(t.Text) || (t.Number && len(t.Text) == 4 && (t.Text[:2] == "19" || t.Text[:2] == "20")) ||
				(t.Number && (t.Text == "anni" || (i+1 < len(toks) && (toks[i+1].Text == "anni" || toks[i+1].Text == "years")))) {
				return 1
			}
		case analysis.KindPerson, analysis.KindPlace:
			if i > 0 {
				r := []rune(text[t.Start:t.End])
				if len(r) > 1 && unicode.IsUpper(r[0]) {
					return 1
				}
			}
		}
	}
	return 0
}

// Cite cites passage p around the given sentence spans (relative to
// the passage): the sentences themselves plus their neighbours while the
// quote stays near quoteChars, so the reader sees the context.
func Cite(n int, p corpus.Passage, spans []corpus.Span) briefing.Citation {
	lo, hi := spans[0].Start, spans[0].End
	for _, s := range spans[1:] {
		lo, hi = min(lo, s.Start), max(hi, s.End)
	}
	sents := corpus.Sentences(p.Text)
	for grew := true; grew; {
		grew = false
		for _, s := range sents {
			// Context is whole sentences: not a heading, nor a sentence
			// announcing (":") what the quote would leave out.
			if t := p.Text[s.Start:s.End]; !isStatement(t) && !strings.HasSuffix(t, "?") {
				continue
			}
			if s.End <= lo && s.Start < lo && hi-s.Start <= quoteChars && !between(p.Text, s.End, lo) {
				lo, grew = s.Start, true
			}
			if s.Start >= hi && s.End-lo <= quoteChars && !between(p.Text, hi, s.Start) {
				hi, grew = s.End, true
			}
		}
	}
	return briefing.Citation{N: n, Passage: p, Quote: p.Text[lo:hi], QuoteStart: p.Start + lo, QuoteEnd: p.Start + hi}
}

// between reports whether text[a:b] holds anything but white space: only
// adjacent sentences are joined into a quote.
func between(text string, a, b int) bool {
	if a > b {
		return true
	}
	return strings.TrimSpace(text[a:b]) != ""
}

// isStatement reports whether text ends as a statement does (. ! …, maybe
// before closing quotes): not a heading, a byline or a question.
func isStatement(text string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimRight(text, "”\"»’')]"))
	// Questions are the article's rhetoric, not its content.
	return strings.ContainsRune(".!…", r)
}

// citedSpans recovers the passage-relative span of a citation's quote.
func citedSpans(c briefing.Citation) []corpus.Span {
	return []corpus.Span{{Start: c.QuoteStart - c.Passage.Start, End: c.QuoteEnd - c.Passage.Start}}
}
