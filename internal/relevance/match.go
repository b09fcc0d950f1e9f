package relevance

import (
	"math"
	"sort"
)

// bigrams is the share of adjacent pairs of the question's terms that stand
// in order within three terms of each other in seq.
func bigrams(terms, seq []string) float64 {
	if len(terms) < 2 {
		return 0
	}
	// A scan per pair instead of a position index of seq: a question has a
	// few pairs, and this runs for every candidate without allocating.
	hit := 0
	for i := 0; i+1 < len(terms); i++ {
		a, b := terms[i], terms[i+1]
		found := false
		for y := 1; y < len(seq) && !found; y++ {
			if seq[y] != b {
				continue
			}
			for x := max(0, y-3); x < y; x++ {
				if seq[x] == a {
					found = true
					break
				}
			}
		}
		if found {
			hit++
		}
	}
	return float64(hit) / float64(len(terms)-1)
}

// proximity is how tightly the distinct question terms seq holds stand
// together: their number over the length of the shortest window of seq
// holding all of them (1 when adjacent, 0 when fewer than two match).
func proximity(terms, seq []string) float64 {
	want := map[string]bool{}
	for _, t := range terms {
		want[t] = true
	}
	present := map[string]bool{}
	for _, t := range seq {
		if want[t] {
			present[t] = true
		}
	}
	k := len(present)
	if k < 2 {
		return 0
	}
	count := map[string]int{}
	have, best, lo := 0, math.MaxInt, 0
	for hi, t := range seq {
		if !present[t] {
			continue
		}
		if count[t] == 0 {
			have++
		}
		count[t]++
		for have == k {
			if w := hi - lo + 1; w < best {
				best = w
			}
			if u := seq[lo]; present[u] {
				count[u]--
				if count[u] == 0 {
					have--
				}
			}
			lo++
		}
	}
	return float64(k) / float64(best)
}

// topKeys returns the n keys of m with the largest values (ties by key).
func topKeys(m map[int]float64, n int) []int {
	type kv struct {
		k int
		v float64
	}
	better := func(a, b kv) bool { return a.v > b.v || a.v == b.v && a.k < b.k }
	// The best n so far, best first: most entries lose to the worst of
	// them in one comparison, so a question over a large corpus does not
	// pay for sorting every passage that shares a word with it.
	if n <= 0 {
		return []int{}
	}
	top := make([]kv, 0, min(n, len(m)))
	for k, v := range m {
		if v <= 0 {
			continue
		}
		e := kv{k, v}
		if len(top) == n && !better(e, top[n-1]) {
			continue
		}
		at := sort.Search(len(top), func(i int) bool { return better(e, top[i]) })
		if len(top) < n {
			top = append(top, kv{})
		}
		copy(top[at+1:], top[at:len(top)-1])
		top[at] = e
	}
	keys := make([]int, len(top))
	for i, e := range top {
		keys[i] = e.k
	}
	return keys
}
