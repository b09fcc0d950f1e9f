package lexical

import (
	"container/heap"
	"sort"
)

// Scored is a passage index with a score.
type Scored struct {
	Passage int
	Score   float64
}

// BM25 ranks passages by the sum over concepts of their best alternative
// and returns the top n.
func BM25(concepts []Concept, n int) []Scored {
	if len(concepts) == 0 {
		return nil
	}
	sum := make([]float64, len(concepts[0].Hits))
	for _, c := range concepts {
		for p, s := range c.Hits {
			sum[p] += float64(s)
		}
	}
	return topN(sum, n)
}

// topN selects the n highest positive scores with a bounded min-heap.
func topN(scores []float64, n int) []Scored {
	h := make(minHeap, 0, n+1)
	for p, s := range scores {
		if s <= 0 || (len(h) == n && !better(Scored{p, s}, h[0])) {
			continue
		}
		heap.Push(&h, Scored{p, s})
		if len(h) > n {
			heap.Pop(&h)
		}
	}
	out := []Scored(h)
	SortScored(out)
	return out
}

// better orders Scored entries: higher score, then lower passage.
func better(a, b Scored) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.Passage < b.Passage
}

// minHeap keeps the worst of the best n at its root.
type minHeap []Scored

func (h minHeap) Len() int           { return len(h) }
func (h minHeap) Less(i, j int) bool { return better(h[j], h[i]) }
func (h minHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *minHeap) Push(x any)        { *h = append(*h, x.(Scored)) }
func (h *minHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Coverage is the share of the question's Concept weight that passage p
// expresses: 1 when it holds every Concept, near 0 when it only holds the
// common ones ("Russia", "Corea") and misses what the question is about.
func (l *Index) Coverage(concepts []Concept, p int) float64 {
	var have, all float64
	for _, c := range concepts {
		all += c.Weight
		w := float64(c.Best[p])
		if c.InTitle[l.titleOf[p]] {
			w = max(w, TitleWeight)
		}
		have += c.Weight * w
	}
	if all == 0 {
		return 0
	}
	return have / all
}

// SortScored orders s by score, best first, then by passage.
func SortScored(s []Scored) {
	sort.Slice(s, func(i, j int) bool {
		if s[i].Score != s[j].Score {
			return s[i].Score > s[j].Score
		}
		return s[i].Passage < s[j].Passage
	})
}

// ConceptScores are the concept BM25 of a question's top n passages, the
// better of its two readings (cs, and alt, its translation's concepts, or
// nil), and a passage's coverage by the better of them: the concept
// signals the answer model ranks with.
func (l *Index) ConceptScores(cs, alt []Concept, n int) (bm25 map[int]float64, cover func(p int) float64) {
	bm25 = map[int]float64{}
	for _, c := range [][]Concept{cs, alt} {
		for _, sc := range BM25(c, n) {
			bm25[sc.Passage] = max(bm25[sc.Passage], sc.Score)
		}
	}
	return bm25, func(p int) float64 { return max(l.Coverage(cs, p), l.Coverage(alt, p)) }
}
