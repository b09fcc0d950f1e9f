package rag

import (
	"cmp"
	"math"
	"slices"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/rag/lexical"
)

// latestShare is how relevant, as a share of the best candidate's relevance,
// a candidate must be to be moved up by its date when the question asks for
// the latest news: near enough to answer it, not merely on the topic.
const latestShare = 0.75

// preferRecent lets publication dates order candidates, as a step after
// scoring that leaves the scores alone:
//
//   - Candidates with the same evidence (relevance, BM25 and dense scores
//     equal: the same fact worded the same way) that sit side by side go
//     newest first, where the ranking would have left them in index order.
//   - When latest is set (the question asks for "ultime notizie", "the most
//     recent"), the candidates at least latestShare as relevant as the best
//     go first, newest first; undated ones after the dated, each group in
//     its scored order.
//
// order is sorted by the model's score; hit gives each candidate's scores.
func preferRecent(order []lexical.Scored, hit func(p int) *briefing.Hit, latest bool) {
	newer := func(a, b lexical.Scored) int {
		return compareRecency(hit(a.Passage).Passage, hit(b.Passage).Passage)
	}
	for i := 0; i < len(order); {
		j := i + 1
		for j < len(order) && sameEvidence(hit(order[i].Passage), hit(order[j].Passage)) {
			j++
		}
		slices.SortStableFunc(order[i:j], newer)
		i = j
	}
	if !latest || len(order) == 0 {
		return
	}
	best := 0.0
	for _, o := range order {
		best = max(best, hit(o.Passage).Score)
	}
	if best == 0 {
		return
	}
	// Stable partition: the relevant enough first, then the rest.
	var front, back []lexical.Scored
	for _, o := range order {
		if hit(o.Passage).Score >= latestShare*best {
			front = append(front, o)
		} else {
			back = append(back, o)
		}
	}
	slices.SortStableFunc(front, newer)
	copy(order, append(front, back...))
}

// sameEvidence reports whether two hits rest on the same evidence.
func sameEvidence(a, b *briefing.Hit) bool {
	const eps = 1e-9
	return math.Abs(a.Score-b.Score) < eps && math.Abs(a.Lexical-b.Lexical) < eps && math.Abs(a.Dense-b.Dense) < 1e-6
}

// compareRecency orders newer passages first and undated ones last.
func compareRecency(a, b corpus.Passage) int {
	switch {
	case a.Published.IsZero() && b.Published.IsZero():
		return 0
	case a.Published.IsZero():
		return 1
	case b.Published.IsZero():
		return -1
	}
	return cmp.Compare(b.Published.UnixNano(), a.Published.UnixNano())
}
