package lexical

import (
	"github.com/briefing/briefing/internal/analysis"
)

// StemSet maps the stems of a text to the words they come from.
type StemSet map[string][]string

// StemsOf maps the analysed terms of text (in its document's language) to
// their words, plus AuthorTerm when it names the document's author.
func StemsOf(a *analysis.Analyzer, text string, m DocMeta) StemSet {
	stems := StemSet{}
	for _, t := range a.Terms(text, m.Lang) {
		stems[t.Stem] = append(stems[t.Stem], t.Word)
	}
	if NamesAuthor(text, m.Author) {
		stems[analysis.AuthorTerm] = []string{analysis.AuthorTerm}
	}
	return stems
}

// SentenceCoverage is the weighted share of concepts a text expresses.
func SentenceCoverage(a *analysis.Analyzer, concepts []Concept, text string, m DocMeta) (map[int]bool, float64) {
	return CoverStems(concepts, StemsOf(a, text, m))
}

// CoverStems is the weighted share of concepts stems express, and which.
func CoverStems(concepts []Concept, stems StemSet) (map[int]bool, float64) {
	has := map[int]bool{}
	var got, all float64
	for i, c := range concepts {
		all += c.Weight
		for _, alt := range c.Alts {
			if AltIn(alt, stems) {
				has[i] = true
				got += c.Weight * alt.Weight
				break
			}
		}
	}
	if all == 0 {
		return has, 0
	}
	return has, got / all
}

// AltIn reports whether every term of alt is in stems in a compatible form.
func AltIn(alt analysis.Alt, stems StemSet) bool {
	if len(alt.Terms) == 0 {
		return false
	}
	for ti, t := range alt.Terms {
		want := ""
		if ti < len(alt.Words) {
			want = alt.Words[ti]
		}
		found := false
		for _, w := range stems[t] {
			if analysis.Compatible(w, want) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
