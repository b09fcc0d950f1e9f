package lexical

import (
	"math"
	"sort"
	"strings"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
)

// BM25 parameters: the usual ones; passages are short and even in length.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
	// cognateWeight discounts alternatives found by shared prefixes
	// ("nuclear" ~ "nucleare") against exact stems and glossary entries.
	cognateWeight = 0.7
	// absentEntityFactor multiplies the weight of a name the corpus lacks.
	absentEntityFactor = 3
)

// posting is a word's occurrences in one passage: tf of them, at term
// positions Index.pos[off:off+tf] (positions count the passage's analysed
// terms, stop words left out, so "Corea del Nord" is two adjacent terms).
type posting struct {
	passage int
	tf      int
	off     int32
}

// Index is the BM25 index over the analysed terms of every passage, and
// the vocabulary used to find cognates of question words.
type Index struct {
	postings  map[string][]posting // folded word -> passages, ascending
	pos       []int32              // term positions, indexed by posting.off
	stemWords map[string][]string  // stem -> the corpus words with that stem
	lengths   []int                // terms per passage
	avgLen    float64
	words     []string          // sorted folded words of the corpus
	wordStem  map[string]string // word -> stem in its document's language
	// titles holds the analysed title of each document, titleOf the index
	// of each passage's document there: a question naming an article ("the
	// analysis of Lavrov's visit") is partly answered by any of its passages.
	titles  []StemSet
	titleOf []int
	// titleStems indexes titles by stem, so a query checks only the titles
	// that could express a Concept.
	titleStems map[string][]int
}

// TitleWeight is how much a Concept found only in a passage's document
// title counts, against 1 in the passage itself.
const TitleWeight = 0.5

// DocMeta is what the Index needs of a passage's document.
type DocMeta struct {
	Lang   string
	Author string // folded
}

// Build indexes passages; meta describes each passage's document.
func Build(a *analysis.Analyzer, passages []corpus.Passage, meta func(docID string) DocMeta) *Index {
	l := &Index{postings: map[string][]posting{}, stemWords: map[string][]string{}, titleStems: map[string][]int{},
		lengths: make([]int, len(passages)), wordStem: map[string]string{}}
	total := 0
	at := map[string][]int32{} // word -> positions in the current passage
	titleIdx := map[string]int{}
	l.titleOf = make([]int, len(passages))
	for i, p := range passages {
		m := meta(p.DocID)
		ti, ok := titleIdx[p.DocID]
		if !ok {
			ti = len(l.titles)
			titleIdx[p.DocID] = ti
			ts := StemsOf(a, p.Title, DocMeta{Lang: m.Lang})
			l.titles = append(l.titles, ts)
			for st := range ts {
				l.titleStems[st] = append(l.titleStems[st], ti)
			}
		}
		l.titleOf[i] = ti
		terms := a.Terms(p.Text, m.Lang)
		if NamesAuthor(p.Text, m.Author) {
			terms = append(terms, analysis.Term{Stem: analysis.AuthorTerm, Word: analysis.AuthorTerm})
		}
		l.lengths[i] = len(terms)
		total += len(terms)
		clear(at)
		for k, t := range terms {
			at[t.Word] = append(at[t.Word], int32(k))
			if _, ok := l.wordStem[t.Word]; !ok {
				l.wordStem[t.Word] = t.Stem
				l.stemWords[t.Stem] = append(l.stemWords[t.Stem], t.Word)
			}
		}
		for w, ps := range at {
			l.postings[w] = append(l.postings[w], posting{passage: i, tf: len(ps), off: int32(len(l.pos))})
			l.pos = append(l.pos, ps...)
		}
	}
	if len(passages) > 0 {
		l.avgLen = float64(total) / float64(len(passages))
	}
	l.words = make([]string, 0, len(l.wordStem))
	for w := range l.wordStem {
		l.words = append(l.words, w)
	}
	sort.Strings(l.words)
	return l
}

// NamesAuthor reports whether text names the (folded) author.
func NamesAuthor(text, author string) bool {
	return author != "" && strings.Contains(analysis.Fold(text), author)
}

func (l *Index) N() int { return len(l.lengths) }

// IDF of a term found in df passages (BM25's, kept positive).
func (l *Index) IDF(df int) float64 {
	n := float64(l.N())
	return math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
}
