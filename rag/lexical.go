package rag

import (
	"container/heap"
	"math"
	"slices"
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
// positions lexicon.pos[off:off+tf] (positions count the passage's analysed
// terms, stop words left out, so "Corea del Nord" is two adjacent terms).
type posting struct {
	passage int
	tf      int
	off     int32
}

// lexicon is the BM25 index over the analysed terms of every passage, and
// the vocabulary used to find cognates of question words.
type lexicon struct {
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
	titles  []stemSet
	titleOf []int
	// titleStems indexes titles by stem, so a query checks only the titles
	// that could express a concept.
	titleStems map[string][]int
}

// titleWeight is how much a concept found only in a passage's document
// title counts, against 1 in the passage itself.
const titleWeight = 0.5

// docMeta is what the lexicon needs of a passage's document.
type docMeta struct {
	lang   string
	author string // folded
}

func buildLexicon(a *analysis.Analyzer, passages []corpus.Passage, meta func(docID string) docMeta) *lexicon {
	l := &lexicon{postings: map[string][]posting{}, stemWords: map[string][]string{}, titleStems: map[string][]int{},
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
			ts := stemsOf(a, p.Title, docMeta{lang: m.lang})
			l.titles = append(l.titles, ts)
			for st := range ts {
				l.titleStems[st] = append(l.titleStems[st], ti)
			}
		}
		l.titleOf[i] = ti
		terms := a.Terms(p.Text, m.lang)
		if namesAuthor(p.Text, m.author) {
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

// namesAuthor reports whether text names the (folded) author.
func namesAuthor(text, author string) bool {
	return author != "" && strings.Contains(analysis.Fold(text), author)
}

func (l *lexicon) n() int { return len(l.lengths) }

// idf of a term found in df passages (BM25's, kept positive).
func (l *lexicon) idf(df int) float64 {
	n := float64(l.n())
	return math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
}

// phit is a passage with a partial score; lists of them are sorted by
// passage.
type phit struct {
	passage int32
	score   float32
}

// passagesWith returns, sorted by passage, the passages holding alt with
// the summed BM25 contribution of its terms. The terms of a phrase must
// stand in order and next to each other ("repubblica ... corea" in
// "Repubblica Popolare Democratica di Corea" is not "Republic of Korea").
func (l *lexicon) passagesWith(alt analysis.Alt) []phit {
	if len(alt.Terms) == 1 {
		return l.wordPassages(alt)
	}
	type partial struct {
		passage int
		score   float32
		ends    []int32 // positions where the phrase so far ends
	}
	var cur []partial
	for i, t := range alt.Terms {
		want := ""
		if i < len(alt.Words) {
			want = alt.Words[i]
		}
		ps := l.termPostings(t, want)
		if len(ps) == 0 {
			return nil
		}
		idf := l.idf(len(ps))
		part := func(p termPosting) float32 {
			tf := float64(len(p.pos))
			norm := tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*float64(l.lengths[p.passage])/l.avgLen))
			return float32(idf * norm)
		}
		if i == 0 {
			cur = make([]partial, len(ps))
			for k, p := range ps {
				cur[k] = partial{p.passage, part(p), p.pos}
			}
			continue
		}
		next := cur[:0]
		a, b := 0, 0
		for a < len(cur) && b < len(ps) {
			switch pa, pb := cur[a].passage, ps[b].passage; {
			case pa < pb:
				a++
			case pa > pb:
				b++
			default:
				if ends := follows(cur[a].ends, ps[b].pos); len(ends) > 0 {
					next = append(next, partial{pa, cur[a].score + part(ps[b]), ends})
				}
				a++
				b++
			}
		}
		cur = next
		if len(cur) == 0 {
			return nil
		}
	}
	out := make([]phit, len(cur))
	for k, c := range cur {
		out[k] = phit{int32(c.passage), c.score}
	}
	return out
}

// wordPassages is passagesWith for a one-term alternative: no positions
// needed, so counts are summed straight from the postings.
func (l *lexicon) wordPassages(alt analysis.Alt) []phit {
	want := ""
	if len(alt.Words) > 0 {
		want = alt.Words[0]
	}
	var ps []posting
	for _, w := range l.stemWords[alt.Terms[0]] {
		if !analysis.Compatible(w, want) {
			continue
		}
		if next := l.postings[w]; len(next) > 0 {
			if ps == nil {
				ps = next
			} else {
				ps = sumPostings(ps, next)
			}
		}
	}
	if len(ps) == 0 {
		return nil
	}
	idf := l.idf(len(ps))
	out := make([]phit, len(ps))
	for k, p := range ps {
		tf := float64(p.tf)
		norm := tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*float64(l.lengths[p.passage])/l.avgLen))
		out[k] = phit{int32(p.passage), float32(idf * norm)}
	}
	return out
}

// sumPostings merges two lists sorted by passage, summing counts (the
// positions are dropped: only one-term matches use it).
func sumPostings(a, b []posting) []posting {
	return mergeByPassage(a, b, func(p posting) int { return p.passage }, func(x, y posting) posting {
		return posting{passage: x.passage, tf: x.tf + y.tf}
	})
}

// mergeByPassage merges two lists sorted by passage, combining the entries
// of a passage found in both.
func mergeByPassage[T any](a, b []T, passage func(T) int, combine func(T, T) T) []T {
	out := make([]T, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch pa, pb := passage(a[i]), passage(b[j]); {
		case pa < pb:
			out = append(out, a[i])
			i++
		case pa > pb:
			out = append(out, b[j])
			j++
		default:
			out = append(out, combine(a[i], b[j]))
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// follows returns the positions of next that come right after one of
// prev (both sorted).
func follows(prev, next []int32) []int32 {
	var out []int32
	i := 0
	for _, q := range next {
		for i < len(prev) && prev[i] < q-1 {
			i++
		}
		if i < len(prev) && prev[i] == q-1 {
			out = append(out, q)
		}
	}
	return out
}

// termPosting is a stem's occurrences in one passage.
type termPosting struct {
	passage int
	pos     []int32 // sorted
}

// termPostings returns, sorted by passage, the occurrences of the words with
// stem whose form is compatible with want.
func (l *lexicon) termPostings(stem, want string) []termPosting {
	var out []termPosting
	for _, w := range l.stemWords[stem] {
		if !analysis.Compatible(w, want) {
			continue
		}
		ps := l.postings[w]
		if len(ps) == 0 {
			continue
		}
		list := make([]termPosting, len(ps))
		for k, p := range ps {
			list[k] = termPosting{p.passage, l.pos[p.off : p.off+int32(p.tf)]}
		}
		if out == nil {
			out = list
		} else {
			out = mergePostings(out, list)
		}
	}
	return out
}

// mergePostings merges two lists sorted by passage, merging positions.
func mergePostings(a, b []termPosting) []termPosting {
	return mergeByPassage(a, b, func(p termPosting) int { return p.passage }, func(x, y termPosting) termPosting {
		pos := append(append(make([]int32, 0, len(x.pos)+len(y.pos)), x.pos...), y.pos...)
		slices.Sort(pos)
		return termPosting{x.passage, pos}
	})
}

// concept is a question concept resolved against this corpus.
type concept struct {
	analysis.Concept
	// weight is how much the concept says about where the answer is: the
	// idf of its most common alternative, or the idf of an unseen term when
	// the corpus never expresses it.
	weight float64
	// hits holds, per passage, the best BM25 contribution of any
	// alternative (0: the passage does not express the concept); n counts
	// the passages expressing it. Dense, because common concepts touch a
	// large share of the passages and a map would cost more.
	hits []float32
	n    int
	// best holds, per passage, the weight of the best alternative found
	// there (1 for the concept's own words and translations, less for a
	// cognate or one word of a phrase).
	best []float32
	// inTitle marks the document titles (lexicon.titles) expressing it.
	inTitle []bool
}

// resolve expands concepts with cognates from the vocabulary and finds the
// passages expressing each.
func (l *lexicon) resolve(q analysis.Query) []concept {
	out := make([]concept, 0, len(q.Concepts))
	for _, c := range q.Concepts {
		rc := concept{Concept: c, hits: make([]float32, l.n()), best: make([]float32, l.n())}
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
				if v := h.score * w; v > rc.hits[h.passage] {
					if rc.hits[h.passage] == 0 {
						rc.n++
					}
					rc.hits[h.passage] = v
				}
				rc.best[h.passage] = max(rc.best[h.passage], w)
			}
		}
		rc.inTitle = make([]bool, len(l.titles))
		for _, a := range alts {
			if len(a.Terms) == 0 {
				continue
			}
			for _, ti := range l.titleStems[a.Terms[0]] {
				if !rc.inTitle[ti] && altIn(a, l.titles[ti]) {
					rc.inTitle[ti] = true
				}
			}
		}
		rc.weight = l.idf(maxDF)
		if maxDF == 0 && (c.Entity || c.Number) {
			// A name or a number (a year, a count) the corpus never
			// mentions is what the question is about: the passages cannot
			// answer it, however much else they share with the question.
			rc.weight *= absentEntityFactor
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
func (l *lexicon) cognates(words []string) []analysis.Alt {
	if len(words) != 1 {
		return nil
	}
	w := words[0]
	if len(w) < 5 {
		return nil
	}
	prefix := w[:5]
	i := sort.SearchStrings(l.words, prefix)
	seen := map[string]bool{}
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
		if seen[s] {
			continue
		}
		seen[s] = true
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

// scored is a passage index with a score.
type scored struct {
	passage int
	score   float64
}

// bm25 ranks passages by the sum over concepts of their best alternative
// and returns the top n.
func bm25(concepts []concept, n int) []scored {
	if len(concepts) == 0 {
		return nil
	}
	sum := make([]float64, len(concepts[0].hits))
	for _, c := range concepts {
		for p, s := range c.hits {
			sum[p] += float64(s)
		}
	}
	return topN(sum, n)
}

// topN selects the n highest positive scores with a bounded min-heap.
func topN(scores []float64, n int) []scored {
	h := make(minHeap, 0, n+1)
	for p, s := range scores {
		if s <= 0 || (len(h) == n && !better(scored{p, s}, h[0])) {
			continue
		}
		heap.Push(&h, scored{p, s})
		if len(h) > n {
			heap.Pop(&h)
		}
	}
	out := []scored(h)
	sortScored(out)
	return out
}

// better orders scored entries: higher score, then lower passage.
func better(a, b scored) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.passage < b.passage
}

// minHeap keeps the worst of the best n at its root.
type minHeap []scored

func (h minHeap) Len() int           { return len(h) }
func (h minHeap) Less(i, j int) bool { return better(h[j], h[i]) }
func (h minHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *minHeap) Push(x any)        { *h = append(*h, x.(scored)) }
func (h *minHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// missesMain reports whether passage p lacks a known concept carrying more
// than maxMissingShare of the question's weight: of "Who is South Korea's
// president?", a passage naming South Korea but no president cannot say.
func (l *lexicon) missesMain(concepts []concept, p int) bool {
	var total float64
	for _, c := range concepts {
		total += c.weight
	}
	for _, c := range concepts {
		if c.n > 0 && c.best[p] == 0 && !c.inTitle[l.titleOf[p]] && c.weight > maxMissingShare*total {
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
func (l *lexicon) supports(concepts []concept, p int) bool {
	var known, covered, unknown float64
	for _, c := range concepts {
		if c.n == 0 {
			if c.Entity || c.Number {
				return false
			}
			unknown++
			continue
		}
		known += c.weight
		w := float64(c.best[p])
		if c.inTitle[l.titleOf[p]] {
			w = max(w, titleWeight)
		}
		covered += c.weight * w
	}
	return unknown > 0 && 3*unknown <= float64(len(concepts)) && covered >= 0.75*known && covered >= 1.5*l.idf(0)
}

// coverage is the share of the question's concept weight that passage p
// expresses: 1 when it holds every concept, near 0 when it only holds the
// common ones ("Russia", "Corea") and misses what the question is about.
func (l *lexicon) coverage(concepts []concept, p int) float64 {
	var have, all float64
	for _, c := range concepts {
		all += c.weight
		w := float64(c.best[p])
		if c.inTitle[l.titleOf[p]] {
			w = max(w, titleWeight)
		}
		have += c.weight * w
	}
	if all == 0 {
		return 0
	}
	return have / all
}

func sortScored(s []scored) {
	sort.Slice(s, func(i, j int) bool {
		if s[i].score != s[j].score {
			return s[i].score > s[j].score
		}
		return s[i].passage < s[j].passage
	})
}
