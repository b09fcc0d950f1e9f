package lexical

import (
	"sort"
	"strings"

	"github.com/briefing/briefing/internal/analysis"
)

// Concept is a question Concept resolved against this corpus.
type Concept struct {
	analysis.Concept
	// Weight is how much the Concept says about where the answer is: the
	// idf of its most common alternative, or the idf of an unseen term when
	// the corpus never expresses it.
	Weight float64
	// Hits holds, per passage, the best BM25 contribution of any
	// alternative (0: the passage does not express the Concept); n counts
	// the passages expressing it. Dense, because common concepts touch a
	// large share of the passages and a map would cost more.
	Hits []float32
	N    int
	// Best holds, per passage, the weight of the best alternative found
	// there (1 for the Concept's own words and translations, less for a
	// cognate or one word of a phrase).
	Best []float32
	// InTitle marks the document titles (Index.titles) expressing it.
	InTitle []bool
}

// Resolve expands concepts with cognates from the vocabulary and finds the
// passages expressing each.
func (l *Index) Resolve(q analysis.Query) []Concept {
	out := make([]Concept, 0, len(q.Concepts))
	for _, c := range q.Concepts {
		rc := Concept{Concept: c, Hits: make([]float32, l.N()), Best: make([]float32, l.N())}
		alts := append([]analysis.Alt(nil), c.Alts...)
		if !c.Number {
			alts = append(alts, l.cognates(c.Words)...)
		}
		maxDF := 0
		for _, a := range alts {
			ps := l.passagesWith(a)
			maxDF = max(maxDF, len(ps))
			w := float32(a.Weight)
			for _, h := range ps {
				if v := h.score * w; v > rc.Hits[h.passage] {
					if rc.Hits[h.passage] == 0 {
						rc.N++
					}
					rc.Hits[h.passage] = v
				}
				rc.Best[h.passage] = max(rc.Best[h.passage], w)
			}
		}
		rc.InTitle = make([]bool, len(l.titles))
		for _, a := range alts {
			if len(a.Terms) == 0 {
				continue
			}
			for _, ti := range l.titleStems[a.Terms[0]] {
				if !rc.InTitle[ti] && AltIn(a, l.titles[ti]) {
					rc.InTitle[ti] = true
				}
			}
		}
		rc.Weight = l.IDF(maxDF)
		if maxDF == 0 && (c.Entity || c.Number) {
			// A name or a number (a year, a count) the corpus never
			// mentions is what the question is about: the passages cannot
			// answer it, however much else they share with the question.
			rc.Weight *= absentEntityFactor
		}
		rc.Alts = alts
		out = append(out, rc)
	}
	return out
}

// cognates finds corpus words sharing a long prefix with a question word:
// at least 5 letters and 60% of the shorter word ("cooperation" ~
// "cooperazione", "ratified" ~ "ratificato"). Only single-word concepts are
// expanded; phrases rely on the glossary.
func (l *Index) cognates(words []string) []analysis.Alt {
	if len(words) != 1 {
		return nil
	}
	w := words[0]
	if len(w) < 5 {
		return nil
	}
	prefix := w[:5]
	i := sort.SearchStrings(l.words, prefix)
	// One alternative a stem, spelled as the stem's corpus word closest to
	// w (the longest shared prefix, then the first in order): an
	// alternative matches the forms of its word only, so the word chosen
	// decides which derivation of the stem counts.
	at := map[string]int{}   // stem -> index in out
	cpls := map[string]int{} // stem -> its word's shared prefix with w
	var out []analysis.Alt
	for ; i < len(l.words) && strings.HasPrefix(l.words[i], prefix) && len(out) < 16; i++ {
		v := l.words[i]
		cpl := commonPrefix(w, v)
		short := len(w)
		if len(v) < short {
			short = len(v)
		}
		if float64(cpl) < 0.6*float64(short) {
			continue
		}
		s := l.wordStem[v]
		if k, ok := at[s]; ok {
			if cpl > cpls[s] {
				out[k].Words[0], cpls[s] = v, cpl
			}
			continue
		}
		at[s], cpls[s] = len(out), cpl
		out = append(out, analysis.Alt{Terms: []string{s}, Words: []string{v}, Weight: cognateWeight})
	}
	return out
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
