package relevance

import (
	"math"
	"strings"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
)

// SentenceFeatures are the features of a sentence of a retrieved passage as
// the place of the answer, in vector order.
var SentenceFeatures = []string{
	"bias", "cover_prefix", "cover_stem", "cover_own_words", "cover_concept", "bigram",
	"answer_type", "new_content", "position", "length", "share_of_passage",
	"heading",
}

// sHeading indexes the heading feature of a sentence vector.
const sHeading = 11

// Sentence is a sentence of a passage with its features.
type Sentence struct {
	corpus.Span // byte range in the passage text
	Features    []float64
}

// matchesKind reports whether te holds an answer of kind k.
func matchesKind(k analysis.Kind, te typeEvidence) bool {
	switch k {
	case analysis.KindTime:
		return te.year
	case analysis.KindNumber:
		return te.number
	case analysis.KindPerson, analysis.KindPlace:
		return te.name
	}
	return false
}

// Sentences splits passage p into sentences and computes their features
// for q.
func (ix *Index) Sentences(q Query, p int) []Sentence {
	text := ix.passages[p].Text
	lang := ix.passages[p].Lang
	spans := corpus.Sentences(text)
	qwords := map[string]bool{}
	for _, v := range q.views {
		for _, t := range v.prefix {
			qwords[t] = true
		}
	}
	type sent struct {
		words, stems, prefix []string
	}
	ss := make([]sent, len(spans))
	passCover := 0.0
	covers := make([]float64, len(spans))
	for i, sp := range spans {
		w, s, pr := termsOf(text[sp.Start:sp.End], lang)
		ss[i] = sent{w, s, pr}
		c := 0.0
		for _, v := range q.views {
			c = max(c, coverSeq(v.prefix, v.idf, pr))
		}
		covers[i] = c
		passCover = max(passCover, c)
	}
	out := make([]Sentence, len(spans))
	for i, sp := range spans {
		f := make([]float64, len(SentenceFeatures))
		f[0] = 1
		s := ss[i]
		// Each view's coverage, the better one; and the question's own
		// words apart, since in a translated question they are its names.
		for _, v := range q.views {
			f[1] = max(f[1], coverSeq(v.prefix, v.idf, s.prefix))
			f[2] = max(f[2], coverSeq(v.stems, v.idf, s.stems))
		}
		f[3] = coverSeq(q.views[0].prefix, q.views[0].idf, s.prefix)
		f[4] = conceptCoverSeq(q, s.stems)
		for _, v := range q.views {
			f[5] = max(f[5], bigrams(v.prefix, s.prefix))
		}
		sentence := text[sp.Start:sp.End]
		if matchesKind(q.Kind, typesExcept(sentence, qwords)) {
			f[6] = 1
		}
		if len(s.prefix) > 0 {
			n := 0
			for _, t := range s.prefix {
				if !qwords[t] {
					n++
				}
			}
			f[7] = float64(n) / float64(len(s.prefix))
		}
		f[8] = 1 / float64(1+i)
		f[9] = math.Log1p(float64(len(s.words))) / 4
		if passCover > 0 {
			f[10] = covers[i] / passCover
		}
		// A line of its own without a sentence's final punctuation is a
		// title or a heading: it names a subject and states nothing. A
		// byline is such a line too, and answers who wrote the article.
		if isHeading(text, sp) && !(ix.byline[p] && namesAuthor(sentence, ix.passages[p].Author)) {
			f[sHeading] = 1
		}
		out[i] = Sentence{Span: sp, Features: f}
	}
	return out
}

func coverSeq(terms []string, idf []float64, seq []string) float64 {
	has := map[string]bool{}
	for _, t := range seq {
		has[t] = true
	}
	return weightedShare(terms, idf, func(t string) bool { return has[t] })
}

func conceptCoverSeq(q Query, stems []string) float64 {
	has := map[string]bool{}
	for _, t := range stems {
		has[t] = true
	}
	total, got := 0.0, 0.0
	for _, c := range q.concepts {
		total += c.weight
		for _, alt := range c.alts {
			ok := true
			for _, t := range alt {
				if !has[t] {
					ok = false
					break
				}
			}
			if ok {
				got += c.weight
				break
			}
		}
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// isHeading reports whether sp is a whole line of text that reads as a
// heading (corpus.IsHeading) and holds no date: a dateline dates the
// article, and a "when" question may be answered by it.
func isHeading(text string, sp corpus.Span) bool {
	lineStart := strings.LastIndexByte(text[:sp.Start], '\n') + 1
	lineEnd := strings.IndexByte(text[sp.End:], '\n')
	if lineEnd < 0 {
		lineEnd = len(text)
	} else {
		lineEnd += sp.End
	}
	if strings.TrimSpace(text[lineStart:sp.Start]) != "" || strings.TrimSpace(text[sp.End:lineEnd]) != "" {
		return false
	}
	// Closing quotes and brackets end quoted sentences too; the mark
	// before them says how the line ends.
	line := strings.TrimRight(strings.TrimSpace(text[sp.Start:sp.End]), "\"”»)’'")
	return line != "" && corpus.IsHeading(line) && !typesOf(line).year
}
