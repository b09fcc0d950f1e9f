package relevance

import (
	"slices"
	"sort"

	"github.com/briefing/briefing/internal/analysis"
)

// PassageFeatures names the features of a candidate passage, in vector
// order. weights.json names them too, so a model fitted on another feature
// set is refused rather than misread. Where the question has a translation,
// each per-view feature is the better of the two views.
var PassageFeatures = []string{
	"bias",
	"bm25_word", "bm25_stem", "bm25_prefix", "bm25_prefix_abs",
	"cover_word", "cover_stem", "cover_prefix", "bigram", "proximity",
	"cover_concept", "cover_title", "dense", "answer_type", "inv_rank",
	"cross_lingual", "cross_lingual_cover", "translated",
	"context_bm25", "doc_bm25", "doc_cover", "sentence_cover", "byline",
	"concept_bm25", "concept_phrase_cover",
	"xl_bm25_prefix", "xl_cover_concept", "xl_concept_bm25", "xl_concept_phrase_cover", "xl_dense",
	"rank_concept_bm25", "rank_concept_phrase_cover", "rank_dense", "rank_cover_stem", "rank_sentence_cover", "rank_proximity",
}

// Indexes into a passage feature vector.
const (
	fBias = iota
	fBM25Word
	fBM25Stem
	fBM25Prefix
	fBM25PrefixAbs
	fCoverWord
	fCoverStem
	fCoverPrefix
	fBigram
	fProximity
	fCoverConcept
	fCoverTitle
	fDense
	fAnswerType
	fInvRank
	fCrossLingual
	fCrossLingualCover
	fTranslated
	fContextBM25
	fDocBM25
	fDocCover
	fSentenceCover
	fByline
	fConceptBM25
	fConceptPhraseCover
	// Copies for a passage in another language than the question's: there
	// the question's own words match only names and numbers, so the
	// glossary's concepts and the translation carry more of the evidence
	// than in a passage in the question's language, and the model fits
	// them their own weights.
	fXLBM25Prefix
	fXLCoverConcept
	fXLConceptBM25
	fXLConceptPhraseCover
	fXLDense
	// Each signal's rank among the question's candidates, as 1/(1+the
	// number of candidates scoring strictly better): the ranking within a
	// question says what an absolute score cannot when every passage
	// shares the subject's words.
	fRankConceptBM25
	fRankConceptPhraseCover
	fRankDense
	fRankCoverStem
	fRankSentenceCover
	fRankProximity
)

// rankedFeatures pairs each rank feature with the feature it ranks.
var rankedFeatures = [][2]int{
	{fRankConceptBM25, fConceptBM25},
	{fRankConceptPhraseCover, fConceptPhraseCover},
	{fRankDense, fDense},
	{fRankCoverStem, fCoverStem},
	{fRankSentenceCover, fSentenceCover},
	{fRankProximity, fProximity},
}

// DenseDepth and ConceptDepth are how many passages the dense search and
// the concept BM25 offer the model, in the engine and when it is fitted.
const (
	DenseDepth   = 20
	ConceptDepth = 40
)

// Signals are the rankings of other retrievers, offered to the model as
// candidates and features: the dense search, and BM25 over the glossary's
// concepts with phrase positions (rag/lexical).
type Signals struct {
	// Dense maps passage to dense similarity (its top passages only).
	Dense map[int]float64
	// Concept maps passage to its concept BM25 (its top passages only).
	Concept map[int]float64
	// ConceptCover gives a passage's weighted share of the question's
	// concepts, phrases matched in order; nil: none.
	ConceptCover func(p int) float64
}

// Candidate is a passage considered for a question, with its features.
type Candidate struct {
	Passage  int
	Features []float64
	// Cover is the best share of the question's weight the passage holds,
	// over the views and the glossary reading.
	Cover float64
	// Dense is the passage's dense similarity, Lexical its best BM25 over
	// prefixes (for display).
	Dense, Lexical float64
	// Missing is the largest idf of a question term the passage lacks, in
	// the best view, over the largest idf the index can give.
	Missing float64
}

// candidateDepth is how many passages each first-stage ranking contributes.
const candidateDepth = 40

// Candidates gathers the passages worth scoring for q — the best of BM25
// over prefixes in each view, of the glossary reading, and the given dense
// ranking — and computes their features. dense maps passage to dense
// similarity (may be nil).
func (ix *Index) Candidates(q Query, sig Signals) []Candidate {
	dense := sig.Dense
	pool := map[int]bool{}
	type vscores struct{ w, s, p map[int]float64 }
	vs := make([]vscores, len(q.views))
	for i, v := range q.views {
		vs[i] = vscores{ix.bm25(&ix.words, v.words), ix.bm25(&ix.stems, v.stems), ix.bm25(&ix.prefix, v.prefix)}
		for _, p := range topKeys(vs[i].p, candidateDepth) {
			pool[p] = true
		}
	}
	conceptCover := ix.conceptCover(q)
	for _, p := range topKeys(conceptCover, candidateDepth) {
		pool[p] = true
	}
	for _, p := range topKeys(dense, candidateDepth/2) {
		pool[p] = true
	}
	for _, p := range topKeys(sig.Concept, candidateDepth) {
		pool[p] = true
	}
	if q.asksAuthor {
		for p, b := range ix.byline {
			if b {
				pool[p] = true
			}
		}
	}
	ids := make([]int, 0, len(pool))
	for p := range pool {
		ids = append(ids, p)
	}
	slices.Sort(ids)

	// Per-view maxima normalise BM25 within the question: its scale says
	// more about the question than about the passage.
	maxOf := func(m map[int]float64) float64 {
		b := 0.0
		for _, p := range ids {
			b = max(b, m[p])
		}
		return b
	}
	// docBest is, per view and document, the best BM25 of its passages.
	docBest := make([]map[int]float64, len(q.views))
	for i := range q.views {
		docBest[i] = map[int]float64{}
		for p, x := range vs[i].p {
			d := ix.docOf[p]
			docBest[i][d] = max(docBest[i][d], x)
		}
	}
	rank := map[int]int{}
	for i, p := range topKeys(vs[0].p, len(ids)) {
		rank[p] = i + 1
	}
	out := make([]Candidate, 0, len(ids))
	for _, p := range ids {
		f := make([]float64, len(PassageFeatures))
		f[fBias] = 1
		for i, v := range q.views {
			m := maxOf(vs[i].p)
			best := func(k int, x float64) { f[k] = max(f[k], x) }
			best(fBM25Word, norm(vs[i].w[p], maxOf(vs[i].w)))
			best(fBM25Stem, norm(vs[i].s[p], maxOf(vs[i].s)))
			best(fBM25Prefix, norm(vs[i].p[p], m))
			best(fBM25PrefixAbs, vs[i].p[p]/(sumIDF(v)*(bm25K1+1)+1e-9))
			best(fCoverWord, ix.cover(&ix.words, v.words, v.idf, p))
			best(fCoverStem, ix.cover(&ix.stems, v.stems, v.idf, p))
			best(fCoverPrefix, ix.cover(&ix.prefix, v.prefix, v.idf, p))
			best(fBigram, bigrams(v.prefix, ix.prefix.seqs[p]))
			best(fProximity, proximity(v.prefix, ix.prefix.seqs[p]))
			best(fSentenceCover, ix.sentenceCover(v, p))
			// The passage's neighbours and its document: a question is
			// about an article, and a passage cut from a long paragraph
			// loses context.
			for _, nb := range []int{p - 1, p + 1} {
				if nb >= 0 && nb < ix.n && ix.docOf[nb] == ix.docOf[p] {
					best(fContextBM25, norm(vs[i].p[nb], m))
				}
			}
			best(fDocBM25, norm(docBest[i][ix.docOf[p]], m))
			best(fDocCover, ix.docCover(v, ix.docOf[p]))
		}
		cover := max(conceptCover[p], f[fCoverStem], f[fCoverPrefix])
		f[fCoverConcept] = conceptCover[p]
		f[fCoverTitle] = ix.titleCover(q, p)
		f[fDense] = dense[p]
		f[fAnswerType] = ix.typeMatch(q, p)
		if r := rank[p]; r > 0 {
			f[fInvRank] = 1 / float64(r)
		}
		if q.Lang != "" && ix.passages[p].Lang != "" && q.Lang != ix.passages[p].Lang {
			// In a foreign passage the question's own words that match
			// are names and numbers.
			f[fCrossLingual] = 1
			f[fCrossLingualCover] = ix.cover(&ix.prefix, q.views[0].prefix, q.views[0].idf, p)
		}
		if len(q.views) > 1 {
			f[fTranslated] = 1
		}
		if q.asksAuthor && ix.byline[p] {
			f[fByline] = 1
		}
		f[fConceptBM25] = norm(sig.Concept[p], maxOf(sig.Concept))
		if sig.ConceptCover != nil {
			f[fConceptPhraseCover] = sig.ConceptCover(p)
		}
		if f[fCrossLingual] == 1 {
			f[fXLBM25Prefix] = f[fBM25Prefix]
			f[fXLCoverConcept] = f[fCoverConcept]
			f[fXLConceptBM25] = f[fConceptBM25]
			f[fXLConceptPhraseCover] = f[fConceptPhraseCover]
			f[fXLDense] = f[fDense]
		}
		missing := 1.0
		for _, v := range q.views {
			mv := 0.0
			for j, t := range v.prefix {
				if ix.prefix.tf[p][t] == 0 {
					mv = max(mv, v.idf[j])
				}
			}
			missing = min(missing, mv/ix.idf(0))
		}
		lex := 0.0
		for i := range q.views {
			lex = max(lex, vs[i].p[p])
		}
		out = append(out, Candidate{Passage: p, Features: f, Cover: cover, Missing: missing, Dense: dense[p], Lexical: lex})
	}
	for _, rf := range rankedFeatures {
		vals := make([]float64, len(out))
		for i, c := range out {
			vals[i] = c.Features[rf[1]]
		}
		sorted := slices.Clone(vals)
		slices.Sort(sorted)
		for i, c := range out {
			if vals[i] <= 0 {
				continue // no evidence is no rank
			}
			better := len(sorted) - sort.Search(len(sorted), func(k int) bool { return sorted[k] > vals[i] })
			c.Features[rf[0]] = 1 / float64(1+better)
		}
	}
	return out
}

func norm(x, m float64) float64 {
	if m <= 0 {
		return 0
	}
	return x / m
}

func sumIDF(v view) float64 {
	s := 0.0
	for _, x := range v.idf {
		s += x
	}
	return s
}

// bm25 scores every passage holding a term of terms (each distinct term
// counted once).
func (ix *Index) bm25(f *field, terms []string) map[int]float64 {
	out := map[int]float64{}
	seen := map[string]bool{}
	for _, t := range terms {
		if seen[t] {
			continue
		}
		seen[t] = true
		ps := f.postings[t]
		if len(ps) == 0 {
			continue
		}
		idf := ix.idf(len(ps))
		for _, p := range ps {
			tf := float64(f.tf[p][t])
			dl := float64(len(f.seqs[p]))
			out[p] += idf * tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*dl/f.avgLen))
		}
	}
	return out
}

// cover is the idf-weighted share of terms that passage p holds; idf are
// the weights of the terms (from the prefix field, so the three fields
// weigh a word alike).
func (ix *Index) cover(f *field, terms []string, idf []float64, p int) float64 {
	return weightedShare(terms, idf, func(t string) bool { return f.tf[p][t] > 0 })
}

// weightedShare is the idf-weighted share of the distinct terms that has
// holds; each term counts once, with the weight of its first occurrence.
func weightedShare(terms []string, idf []float64, has func(string) bool) float64 {
	total, got := 0.0, 0.0
	seen := map[string]bool{}
	for i, t := range terms {
		if seen[t] {
			continue
		}
		seen[t] = true
		total += idf[i]
		if has(t) {
			got += idf[i]
		}
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// conceptCover is, per passage holding any, the weighted share of the
// glossary concepts of q it expresses (some alternative's stems all
// present).
func (ix *Index) conceptCover(q Query) map[int]float64 {
	total := 0.0
	for _, c := range q.concepts {
		total += c.weight
	}
	out := map[int]float64{}
	if total == 0 {
		return out
	}
	for _, c := range q.concepts {
		got := map[int]bool{}
		for _, alt := range c.alts {
			for _, p := range ix.stems.postings[alt[0]] {
				if got[p] {
					continue
				}
				ok := true
				for _, t := range alt[1:] {
					if ix.stems.tf[p][t] == 0 {
						ok = false
						break
					}
				}
				if ok {
					got[p] = true
				}
			}
		}
		for p := range got {
			out[p] += c.weight / total
		}
	}
	return out
}

// titleCover is the share of the question's stems found in p's title, in
// the best view.
func (ix *Index) titleCover(q Query, p int) float64 {
	best := 0.0
	for _, v := range q.views {
		if len(v.stems) == 0 {
			continue
		}
		n := 0
		for _, s := range v.stems {
			if ix.titles[p][s] {
				n++
			}
		}
		best = max(best, float64(n)/float64(len(v.stems)))
	}
	return best
}

// typeMatch is 1 when p holds the kind of answer the question asks for.
func (ix *Index) typeMatch(q Query, p int) float64 {
	if matchesKind(q.Kind, ix.types[p]) {
		return 1
	}
	return 0
}

// docCover is the idf-weighted share of the view's prefix terms that
// document d holds anywhere.
func (ix *Index) docCover(v view, d int) float64 {
	total, got := 0.0, 0.0
	seen := map[string]bool{}
	for i, t := range v.prefix {
		if seen[t] {
			continue
		}
		seen[t] = true
		total += v.idf[i]
		if ix.docTerms[d][t] {
			got += v.idf[i]
		}
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// sentenceCover is the best idf-weighted share of the view's terms that
// one sentence of p holds: a question usually paraphrases one sentence.
func (ix *Index) sentenceCover(v view, p int) float64 {
	best := 0.0
	ix.sentenceShares(v, p, func(_ int, share float64) { best = max(best, share) })
	return best
}

// typedSentenceCover is, for a question asking for a kind of answer, the
// best share of its terms (in the best view) held by a sentence of p that
// also holds an answer of that kind in a word the question does not have:
// a passage can share every word of "how many engineers…" and give no
// number for them.
func (ix *Index) typedSentenceCover(q Query, p int) float64 {
	if q.Kind == analysis.KindOther {
		return 0
	}
	best := 0.0
	for _, v := range q.views {
		ix.sentenceShares(v, p, func(si int, share float64) {
			if share == 0 || share <= best {
				return
			}
			for _, tw := range ix.sentTypes[p][si] {
				if matchesKind(q.Kind, tw.typeEvidence) && !q.hasPrefix(tw.prefix) {
					best = share
					return
				}
			}
		})
	}
	return best
}

// sentenceShares calls f with each sentence of p (by index) and the
// idf-weighted share of the view's distinct terms it holds; it calls f
// for none when the view has no weight.
func (ix *Index) sentenceShares(v view, p int, f func(si int, share float64)) {
	total := 0.0
	w := map[string]float64{}
	for i, t := range v.prefix {
		if _, ok := w[t]; !ok {
			w[t] = v.idf[i]
			total += v.idf[i]
		}
	}
	if total == 0 {
		return
	}
	seq := ix.prefix.seqs[p]
	start := 0
	seen := map[string]bool{}
	for si, end := range ix.sentEnds[p] {
		clear(seen)
		got := 0.0
		for _, t := range seq[start:min(end, len(seq))] {
			if x, ok := w[t]; ok && !seen[t] {
				seen[t] = true
				got += x
			}
		}
		f(si, got/total)
		start = end
	}
}
