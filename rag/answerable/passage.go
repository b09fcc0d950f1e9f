package answerable

import (
	"github.com/briefing/briefing/rag/lexical"
)

// missesMain reports whether passage p lacks a known concept carrying more
// than maxMissingShare of the question's weight: of "Who is South Korea's
// president?", a passage naming South Korea but no president cannot say.
func missesMain(l *lexical.Index, concepts []lexical.Concept, p int) bool {
	var total float64
	for _, c := range concepts {
		total += c.Weight
	}
	for _, c := range concepts {
		if c.N > 0 && c.Best[p] == 0 && !c.InTitle[l.TitleOf(p)] && c.Weight > maxMissingShare*total {
			return true
		}
	}
	return false
}

// maxMissingShare is the largest share of a question's weight one concept
// may have and still be missing from the passage that answers it.
const maxMissingShare = 0.4

// supports reports whether passage p answers a question that falls short of
// the relevance floor only through words the corpus never uses: at most a
// third of its concepts are unknown (none of them a name or a number), the
// passage covers at least three quarters of the known ones' weight, and what
// it covers is specific (at least 1.5 times the weight of one unknown word).
// "How does Pyongyang's involvement make life harder for Washington?" has
// two unknown words but a passage holding all the rest.
func supports(l *lexical.Index, concepts []lexical.Concept, p int) bool {
	var known, covered, unknown float64
	for _, c := range concepts {
		if c.N == 0 {
			if c.Entity || c.Number {
				return false
			}
			unknown++
			continue
		}
		known += c.Weight
		w := float64(c.Best[p])
		if c.InTitle[l.TitleOf(p)] {
			w = max(w, lexical.TitleWeight)
		}
		covered += c.Weight * w
	}
	return unknown > 0 && 3*unknown <= float64(len(concepts)) && covered >= 0.75*known && covered >= 1.5*l.IDF(0)
}
