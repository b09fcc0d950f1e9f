package lexical_test

import (
	"slices"
	"testing"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/rag/lexical"
)

func build(t *testing.T, passages ...corpus.Passage) (*analysis.Analyzer, *lexical.Index) {
	t.Helper()
	a := analysis.New(analysis.NewGlossary())
	return a, lexical.Build(a, passages, func(string) lexical.DocMeta { return lexical.DocMeta{Lang: "it"} })
}

func concept(t *testing.T, cs []lexical.Concept, word string) lexical.Concept {
	t.Helper()
	for _, c := range cs {
		if slices.Contains(c.Words, word) {
			return c
		}
	}
	t.Fatalf("no concept for %q among %d", word, len(cs))
	return lexical.Concept{}
}

// TestResolveCognates: a word the glossary lacks finds the corpus words
// sharing a long prefix with it, at a discount against an exact match. Of
// the corpus words of one stem ("coordinare" and "coordinatore" both stem
// to "coordin") the one spelled closest to the question's word spells the
// alternative, wherever it falls in alphabetical order: an alternative
// matches the forms of its word only.
func TestResolveCognates(t *testing.T) {
	t.Parallel()
	a, l := build(t,
		corpus.Passage{DocID: "a", Text: "Il governo deve coordinare gli aiuti."},
		corpus.Passage{DocID: "a", Text: "Il coordinatore degli aiuti."},
		corpus.Passage{DocID: "a", Text: "Il tempo è bello."},
	)
	c := concept(t, l.Resolve(a.Query("coordinator", "en")), "coordinator")
	var spelled []string
	for _, alt := range c.Alts {
		if alt.Weight < 1 {
			spelled = append(spelled, alt.Words...)
		}
	}
	if !slices.Contains(spelled, "coordinatore") || slices.Contains(spelled, "coordinare") {
		t.Errorf("cognates of coordinator spelled %v, want coordinatore and not coordinare", spelled)
	}
	if c.Hits[1] == 0 || c.Hits[2] != 0 {
		t.Errorf("hits %v, want coordinatore's passage and not the unrelated one", c.Hits)
	}
}

// TestResolveAbsentName: a name the corpus never mentions weighs more than
// a common word it never mentions.
func TestResolveAbsentName(t *testing.T) {
	t.Parallel()
	a, l := build(t,
		corpus.Passage{DocID: "a", Text: "Il ministro ha incontrato i giornalisti."},
		corpus.Passage{DocID: "a", Text: "Il ministro è partito."},
	)
	cs := l.Resolve(a.Query("Il ministro ha incontrato Zelensky o i vescovi?", "it"))
	name, word := concept(t, cs, "zelensky"), concept(t, cs, "vescovi")
	if name.N != 0 || word.N != 0 {
		t.Fatalf("absent concepts found: %d, %d passages", name.N, word.N)
	}
	if name.Weight <= word.Weight {
		t.Errorf("absent name weighs %v, absent word %v: want the name heavier", name.Weight, word.Weight)
	}
}

// TestBM25RanksRareConceptFirst: the passage holding the rare concept
// outranks those holding only the common one, passages with no concept
// are left out, and n bounds the result.
func TestBM25RanksRareConceptFirst(t *testing.T) {
	t.Parallel()
	a, l := build(t,
		corpus.Passage{DocID: "a", Text: "La Russia e la guerra."},
		corpus.Passage{DocID: "a", Text: "La Russia e i droni iraniani."},
		corpus.Passage{DocID: "a", Text: "La Russia e il grano."},
		corpus.Passage{DocID: "a", Text: "Il tempo è bello."},
	)
	cs := l.Resolve(a.Query("Russia droni", "it"))
	got := lexical.BM25(cs, 10)
	if len(got) != 3 {
		t.Fatalf("BM25 returned %d passages, want the 3 that hold a concept: %+v", len(got), got)
	}
	if got[0].Passage != 1 {
		t.Errorf("top passage %d, want 1 (droni): %+v", got[0].Passage, got)
	}
	if got[1].Score != got[2].Score || got[1].Passage > got[2].Passage {
		t.Errorf("ties not ordered by passage: %+v", got[1:])
	}
	if top := lexical.BM25(cs, 1); len(top) != 1 || top[0] != got[0] {
		t.Errorf("BM25(n=1) = %+v, want [%+v]", top, got[0])
	}
	if lexical.BM25(nil, 3) != nil {
		t.Error("BM25 of no concepts is not empty")
	}
}

// TestCoverage: a passage holding every concept covers the question; one
// holding only the common concept covers little; a concept found only in
// the document title counts as TitleWeight.
func TestCoverage(t *testing.T) {
	t.Parallel()
	a, l := build(t,
		corpus.Passage{DocID: "a", Title: "Droni", Text: "La Russia e i droni iraniani."},
		corpus.Passage{DocID: "a", Title: "Droni", Text: "La Russia e il grano."},
		corpus.Passage{DocID: "b", Title: "Grano", Text: "La Russia e il grano."},
		corpus.Passage{DocID: "b", Title: "Grano", Text: "La Russia e il petrolio."},
	)
	cs := l.Resolve(a.Query("Russia droni", "it"))
	full, title, common := l.Coverage(cs, 0), l.Coverage(cs, 1), l.Coverage(cs, 2)
	if full != 1 {
		t.Errorf("coverage of the passage holding both = %v, want 1", full)
	}
	if !(common < title && title < full) {
		t.Errorf("coverage: both %v, title only %v, common only %v: want common < title < both", full, title, common)
	}
	if common > 0.5 {
		t.Errorf("coverage of the common concept alone = %v, want under half", common)
	}
}

// TestSentenceCoverage: a derivational conflation of the stemmer is no
// match ("popolazione" and "popolare" share a stem), an inflection is.
func TestSentenceCoverage(t *testing.T) {
	t.Parallel()
	a, l := build(t, corpus.Passage{DocID: "a", Text: "La popolazione civile."})
	cs := l.Resolve(a.Query("popolazione", "it"))
	meta := lexical.DocMeta{Lang: "it"}
	if has, cov := lexical.SentenceCoverage(a, cs, "Le popolazioni civili soffrono.", meta); cov != 1 || !has[0] {
		t.Errorf("popolazioni: coverage %v %v, want 1", cov, has)
	}
	if has, cov := lexical.SentenceCoverage(a, cs, "Un leader popolare.", meta); cov != 0 || has[0] {
		t.Errorf("popolare: coverage %v %v, want 0", cov, has)
	}
}
