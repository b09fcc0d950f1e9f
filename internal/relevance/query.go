package relevance

import (
	"slices"

	"github.com/briefing/briefing/internal/analysis"
)

// view is one way of reading the question against the index: its own words,
// or a machine translation of it into the corpus language.
type view struct {
	words, stems, prefix []string
	// idf of each prefix term (the field used for coverage and proximity).
	idf []float64
}

// Query is a question prepared for scoring.
type Query struct {
	Text string
	Lang string
	Kind analysis.Kind
	// views[0] is the question itself; views[1], when present, is its
	// translation.
	views []view
	// concepts are the glossary's reading of the question: each a set of
	// alternative stem sequences in either language.
	concepts []concept
	// oov is the share of the question's term weight (idf) that no passage
	// of the index holds in any view: the corpus never mentions it.
	oov float64
	// terms counts the question's content words.
	terms int
	// asksAuthor is set when the question asks who wrote something.
	asksAuthor bool
}

type concept struct {
	alts   [][]string // stem sequences
	weight float64
}

// NewQuery prepares question (in lang) for scoring against ix. translation
// is the question in the corpus language, or "" when there is none; a is
// the glossary analyser (nil: no bridge matches).
func (ix *Index) NewQuery(a *analysis.Analyzer, question, lang, translation, translationLang string) Query {
	q := Query{Text: question, Lang: lang}
	q.views = append(q.views, ix.view(question, lang))
	if translation != "" {
		q.views = append(q.views, ix.view(translation, translationLang))
	}
	q.terms = len(q.views[0].words)
	for _, t := range analysis.Tokenize(question) {
		if analysis.IsAuthorWord(t.Text) {
			q.asksAuthor = true
		}
	}
	if a != nil {
		aq := a.Query(question, lang)
		q.Kind = aq.Kind
		for _, c := range aq.Concepts {
			var cc concept
			for _, alt := range c.Alts {
				if len(alt.Terms) > 0 && alt.Weight >= 1 {
					cc.alts = append(cc.alts, alt.Terms)
				}
			}
			if len(cc.alts) == 0 {
				continue
			}
			// A concept weighs what its rarest alternative says about a
			// passage: the idf of the most selective spelling present.
			df := ix.n
			for _, alt := range cc.alts {
				d := ix.n
				for _, t := range alt {
					d = min(d, ix.stems.df(t))
				}
				if d > 0 {
					df = min(df, d)
				}
			}
			if df == ix.n {
				df = 0 // nowhere in the corpus
			}
			cc.weight = ix.idf(df)
			q.concepts = append(q.concepts, cc)
		}
	}
	// oov: weight of question terms that are nowhere in the corpus, in
	// the best-matching view.
	q.oov = 1
	for _, v := range q.views {
		total, missing := 0.0, 0.0
		for i, t := range v.prefix {
			total += v.idf[i]
			if ix.prefix.df(t) == 0 {
				missing += v.idf[i]
			}
		}
		if total > 0 {
			q.oov = min(q.oov, missing/total)
		}
	}
	if len(q.views[0].prefix) == 0 {
		q.oov = 1
	}
	return q
}

func (ix *Index) view(text, lang string) view {
	var v view
	v.words, v.stems, v.prefix = termsOf(text, lang)
	for _, t := range analysis.Tokenize(text) {
		if analysis.IsAuthorWord(t.Text) {
			v.words, v.stems, v.prefix = append(v.words, analysis.AuthorTerm), append(v.stems, analysis.AuthorTerm), append(v.prefix, analysis.AuthorTerm)
			break
		}
	}
	v.idf = make([]float64, len(v.prefix))
	for i, t := range v.prefix {
		v.idf[i] = ix.idf(ix.prefix.df(t))
	}
	return v
}

// hasPrefix reports whether a view of q holds the prefix term t.
func (q Query) hasPrefix(t string) bool {
	for _, v := range q.views {
		if slices.Contains(v.prefix, t) {
			return true
		}
	}
	return false
}
