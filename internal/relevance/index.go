package relevance

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
)

// BM25 parameters: Robertson's usual ones.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// prefixLen is the length words are cut to in the prefix field: a crude,
// language-independent stemmer that also matches many Italian–English
// cognates ("nucle-ar", "nucle-are").
const prefixLen = 5

// Passage is what the model needs of a passage.
type Passage struct {
	Text  string
	Title string
	Lang  string
	// Doc identifies the passage's document; a document's passages are
	// given together and in order.
	Doc string
	// Author is the document's author, when known: a passage naming it
	// (a byline) answers "who wrote it?".
	Author string
}

// field is one analysed view of every passage (words, stems or prefixes):
// per passage the sequence of its terms, and the postings of each term.
type field struct {
	seqs     [][]string       // passage -> its terms, in order
	postings map[string][]int // term -> passages holding it, ascending
	tf       []map[string]int // passage -> term -> count
	avgLen   float64
}

func (f *field) df(t string) int { return len(f.postings[t]) }

// Index holds the statistics the features need over a set of passages. It
// is immutable once built and safe for concurrent use.
type Index struct {
	n                    int
	words, stems, prefix field
	titles               []map[string]bool // passage -> stems of its title
	types                []typeEvidence    // passage -> answer types it holds
	passages             []Passage
	// docOf is each passage's document ordinal; docTerms the prefix terms
	// each document holds anywhere.
	// sentEnds holds, per passage, the end (exclusive) in its prefix
	// sequence of each of its sentences.
	sentEnds [][]int
	// sentTypes holds, per passage and sentence, the words that are
	// evidence of an answer type, to weigh them net of a question's words.
	sentTypes [][][]typedWord
	byline    []bool // passage -> names its document's author
	docOf     []int
	docTerms  []map[string]bool
}

// typeEvidence says which kinds of answer a text can give.
type typeEvidence struct {
	year, number, name bool
}

// termsOf analyses text three ways: folded words without function words,
// their stems in lang, and their prefixes.
func termsOf(text, lang string) (words, stems, prefix []string) {
	for _, t := range analysis.Tokenize(text) {
		w := t.Text
		if analysis.IsStop(w, lang) || (utf8.RuneCountInString(w) == 1 && !t.Number) {
			continue
		}
		words = append(words, w)
		stems = append(stems, analysis.Stem(w, lang))
		prefix = append(prefix, prefixOf(w))
	}
	return words, stems, prefix
}

func prefixOf(w string) string {
	i := 0
	for j := range w {
		if i == prefixLen {
			return w[:j]
		}
		i++
	}
	return w
}

// NewIndex analyses passages.
func NewIndex(passages []Passage) *Index {
	ix := &Index{n: len(passages), passages: passages,
		titles: make([]map[string]bool, len(passages)), types: make([]typeEvidence, len(passages))}
	for _, f := range []*field{&ix.words, &ix.stems, &ix.prefix} {
		f.seqs = make([][]string, len(passages))
		f.tf = make([]map[string]int, len(passages))
		f.postings = map[string][]int{}
	}
	titleCache := map[string]map[string]bool{}
	ix.docOf = make([]int, len(passages))
	for i, p := range passages {
		if i == 0 || p.Doc != passages[i-1].Doc {
			ix.docTerms = append(ix.docTerms, map[string]bool{})
		}
		ix.docOf[i] = len(ix.docTerms) - 1
		ends, types := sentenceEnds(p.Text, p.Lang)
		ix.sentEnds = append(ix.sentEnds, ends)
		ix.sentTypes = append(ix.sentTypes, types)
		byline := namesAuthor(p.Text, p.Author)
		w, s, pr := termsOf(p.Text, p.Lang)
		if byline {
			// The byline holds "who wrote it?" in no word of its own:
			// it carries the term a question about the author has.
			w, s, pr = append(w, analysis.AuthorTerm), append(s, analysis.AuthorTerm), append(pr, analysis.AuthorTerm)
		}
		for k, seq := range [][]string{w, s, pr} {
			f := []*field{&ix.words, &ix.stems, &ix.prefix}[k]
			f.seqs[i] = seq
			tf := make(map[string]int, len(seq))
			for _, t := range seq {
				if tf[t] == 0 {
					f.postings[t] = append(f.postings[t], i)
				}
				tf[t]++
			}
			f.tf[i] = tf
			f.avgLen += float64(len(seq))
		}
		for _, t := range pr {
			ix.docTerms[ix.docOf[i]][t] = true
		}
		ts, ok := titleCache[p.Title]
		if !ok {
			_, stems, _ := termsOf(p.Title, p.Lang)
			ts = map[string]bool{}
			for _, st := range stems {
				ts[st] = true
			}
			titleCache[p.Title] = ts
		}
		ix.titles[i] = ts
		ix.types[i] = typesOf(p.Text)
		ix.byline = append(ix.byline, byline)
	}
	for _, f := range []*field{&ix.words, &ix.stems, &ix.prefix} {
		if ix.n > 0 {
			f.avgLen /= float64(ix.n)
		}
	}
	return ix
}

// Len is the number of passages.
func (ix *Index) Len() int { return ix.n }

// idf is BM25's, kept positive; a term no passage holds gets the largest.
func (ix *Index) idf(df int) float64 {
	n := float64(ix.n)
	return math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
}

// typesOf finds answer-type evidence in text: a year, any number, a name
// (a capitalised word that does not start a sentence).
func typesOf(text string) typeEvidence { return typesExcept(text, nil) }

// typesExcept is typesOf over the words of text whose prefix is not in
// skip: a number the question gives is not its answer.
func typesExcept(text string, skip map[string]bool) typeEvidence {
	var te typeEvidence
	for _, w := range typedWords(text) {
		if skip[w.prefix] {
			continue
		}
		te.year = te.year || w.year
		te.number = te.number || w.number
		te.name = te.name || w.name
	}
	return te
}

// sentenceStart reports whether the word at byte i follows a sentence end.
func sentenceStart(text string, i int) bool {
	j := strings.LastIndexFunc(text[:i], func(r rune) bool { return !unicode.IsSpace(r) && !strings.ContainsRune("\"“«‘'(", r) })
	if j < 0 {
		return true
	}
	return strings.ContainsRune(".!?:…\n", rune(text[j]))
}

// sentenceEnds returns, for each sentence of text, the number of analysed
// terms up to its end.
func sentenceEnds(text, lang string) ([]int, [][]typedWord) {
	var ends []int
	var types [][]typedWord
	n := 0
	for _, sp := range corpus.Sentences(text) {
		sentence := text[sp.Start:sp.End]
		w, _, _ := termsOf(sentence, lang)
		n += len(w)
		ends = append(ends, n)
		types = append(types, typedWords(sentence))
	}
	return ends, types
}

// typedWord is a word that is evidence of an answer type, by its prefix
// term.
type typedWord struct {
	prefix string
	typeEvidence
}

// typedWords lists the words of text that are evidence of an answer type,
// each with the evidence it gives: a number (a year when it has four
// digits from 1000 to 2999), a number word ("tre", "migliaia"), a month (a
// date), a capitalised word that does not start a sentence (a name; a
// month can be both).
func typedWords(text string) []typedWord {
	var out []typedWord
	for _, t := range analysis.Tokenize(text) {
		var te typeEvidence
		if t.Number {
			te.number = true
			te.year = len(t.Text) == 4 && (strings.HasPrefix(t.Text, "1") || strings.HasPrefix(t.Text, "2"))
		} else {
			te.number = analysis.IsNumberWord(t.Text)
			te.year = analysis.IsMonth(t.Text)
			if t.Start > 0 && !sentenceStart(text, t.Start) {
				r, _ := utf8.DecodeRuneInString(text[t.Start:])
				te.name = unicode.IsUpper(r)
			}
		}
		if te != (typeEvidence{}) {
			out = append(out, typedWord{prefixOf(t.Text), te})
		}
	}
	return out
}

// namesAuthor reports whether text names author by surname (the last word
// of the name, folded).
func namesAuthor(text, author string) bool {
	f := strings.Fields(analysis.Fold(author))
	if len(f) == 0 {
		return false
	}
	for _, t := range analysis.Tokenize(text) {
		if t.Text == f[len(f)-1] {
			return true
		}
	}
	return false
}
