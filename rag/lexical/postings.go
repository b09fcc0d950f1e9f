package lexical

import (
	"slices"

	"github.com/briefing/briefing/internal/analysis"
)

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
func (l *Index) passagesWith(alt analysis.Alt) []phit {
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
		idf := l.IDF(len(ps))
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
func (l *Index) wordPassages(alt analysis.Alt) []phit {
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
	idf := l.IDF(len(ps))
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
func (l *Index) termPostings(stem, want string) []termPosting {
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
