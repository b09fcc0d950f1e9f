package extract

import (
	"strings"
	"unicode/utf8"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
)

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
