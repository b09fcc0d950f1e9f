package relevance

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/briefing/briefing/internal/analysis"
)

func TestFitLogisticRecoversWeights(t *testing.T) {
	t.Parallel()
	names := []string{"bias", "a", "b"}
	want := []float64{-1, 2, -3}
	r := rand.New(rand.NewPCG(1, 2))
	var x [][]float64
	var y []bool
	for range 20000 {
		row := []float64{1, r.NormFloat64(), r.NormFloat64()}
		x = append(x, row)
		y = append(y, r.Float64() < sigmoid(dot(want, row)))
	}
	m, err := FitLogistic(names, x, y, nil, FitOptions{L2: 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if math.Abs(m.Weights[i]-want[i]) > 0.15 {
			t.Errorf("weight %s = %.3f, want %.3f ± 0.15", names[i], m.Weights[i], want[i])
		}
	}
	again, err := FitLogistic(names, x, y, nil, FitOptions{L2: 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Weights {
		if m.Weights[i] != again.Weights[i] {
			t.Fatalf("refit weight %d = %v, first fit %v: fitting is not deterministic", i, again.Weights[i], m.Weights[i])
		}
	}
}

func TestFitSoftmaxRanksByTheInformativeFeature(t *testing.T) {
	t.Parallel()
	names := []string{"bias", "signal", "noise"}
	r := rand.New(rand.NewPCG(3, 4))
	var gs []Group
	for range 500 {
		var g Group
		rel := r.IntN(10)
		for j := range 10 {
			s := r.Float64()
			if j == rel {
				s += 0.5
			}
			g.X = append(g.X, []float64{1, s, r.Float64()})
			g.Relevant = append(g.Relevant, j == rel)
		}
		gs = append(gs, g)
	}
	m, err := FitSoftmax(names, gs, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Weights[1] <= 1 || math.Abs(m.Weights[2]) > 0.5*m.Weights[1] {
		t.Errorf("weights = %v, want a large positive signal weight and a small noise weight", m.Weights)
	}
	if m.Weights[0] != 0 {
		t.Errorf("bias weight = %v, want 0 (a listwise model cannot identify it)", m.Weights[0])
	}
}

func TestProximityAndBigrams(t *testing.T) {
	t.Parallel()
	tests := []struct {
		terms, seq   string
		prox, bigram float64
	}{
		{"a b", "a b c", 1, 1},
		{"a b", "a x x b", 0.5, 1},
		{"a b", "a x x x x b", 2.0 / 6, 0},
		{"a b", "b a", 1, 0},
		{"a b c", "a", 0, 0},
	}
	for _, tc := range tests {
		terms, seq := strings.Fields(tc.terms), strings.Fields(tc.seq)
		if got := proximity(terms, seq); math.Abs(got-tc.prox) > 1e-9 {
			t.Errorf("proximity(%q, %q) = %v, want %v", tc.terms, tc.seq, got, tc.prox)
		}
		if got := bigrams(terms, seq); math.Abs(got-tc.bigram) > 1e-9 {
			t.Errorf("bigrams(%q, %q) = %v, want %v", tc.terms, tc.seq, got, tc.bigram)
		}
	}
}

func TestParseRejectsAModelOfOtherFeatures(t *testing.T) {
	t.Parallel()
	if _, err := Default(); err != nil {
		t.Fatalf("Default() = %v", err)
	}
	bad := strings.Replace(string(weightsJSON), `"bm25_word"`, `"bm25_words"`, 1)
	if _, err := Parse([]byte(bad)); err == nil || !strings.Contains(err.Error(), "bm25_words") {
		t.Errorf("Parse(renamed feature) = %v, want an error naming it", err)
	}
	if _, err := Parse([]byte(`{`)); err == nil {
		t.Error("Parse(broken JSON) = nil error")
	}
}

func TestRankingFindsThePassageThatAnswers(t *testing.T) {
	t.Parallel()
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	ps := []Passage{
		{Doc: "a", Lang: "it", Title: "Calcio", Text: "La squadra ha vinto il campionato nel 1998 dopo una stagione difficile."},
		{Doc: "b", Lang: "it", Title: "Trattato", Text: "Il parlamento russo ha ratificato il trattato di mutua difesa il 6 novembre 2024."},
		{Doc: "b", Lang: "it", Title: "Trattato", Text: "Il trattato prevede assistenza militare reciproca in caso di aggressione."},
	}
	ix := NewIndex(ps)
	q := ix.NewQuery(nil, "Quando il parlamento russo ha ratificato il trattato?", "it", "", "")
	ranked := m.Rank(ix.Candidates(q, Signals{}))
	if len(ranked) == 0 || ranked[0].Passage != 1 {
		t.Fatalf("Rank: top = %+v, want passage 1", ranked)
	}
	ss := ix.Sentences(q, 1)
	if best := m.BestSentences(ss); len(best) == 0 || best[0] != 0 {
		t.Errorf("BestSentences = %v, want the first sentence", best)
	}
	off := ix.NewQuery(nil, "Chi ha vinto la Champions League di pallavolo femminile?", "it", "", "")
	offAns, offCov := m.Judge(ix, off, m.Rank(ix.Candidates(off, Signals{})))
	ans, cov := m.Judge(ix, q, ranked)
	if offAns >= ans {
		t.Errorf("answerability of an off-topic question %.3f >= of an answered one %.3f", offAns, ans)
	}
	if offCov >= cov {
		t.Errorf("coverage of an off-topic question %.3f >= of an answered one %.3f", offCov, cov)
	}
}

// TestTopKeys: the best n keys by value, ties by key, non-positive values
// left out, whatever n is.
func TestTopKeys(t *testing.T) {
	t.Parallel()
	m := map[int]float64{7: 2, 3: 5, 9: 2, 1: 0, 4: -1, 8: 5, 2: 1}
	for _, tt := range []struct {
		n    int
		want []int
	}{
		{0, []int{}}, {1, []int{3}}, {3, []int{3, 8, 7}}, {5, []int{3, 8, 7, 9, 2}}, {50, []int{3, 8, 7, 9, 2}},
	} {
		if got := topKeys(m, tt.n); !slices.Equal(got, tt.want) {
			t.Errorf("topKeys(m, %d) = %v, want %v", tt.n, got, tt.want)
		}
	}
}

// TestFitsReachTheirOptimum: FitSoftmax and FitLogistic stop at the
// minimum of their objective, not short of it or past it (the passage fit
// once stopped where its objective was a hundred times its minimum): moving
// any weight either way, or all of them by a tenth, costs.
func TestFitsReachTheirOptimum(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	names := []string{"bias", "signal", "near_copy", "noise", "first", "coin"}
	var groups []Group
	var x [][]float64
	var y []bool
	for range 300 {
		var g Group
		rel := r.IntN(20)
		for j := range 20 {
			s := 0.9 * r.Float64()
			if j == rel && r.Float64() < 0.95 {
				s = 1
			}
			row := []float64{1, s, 0.99 * s, r.Float64(), 0, float64(r.IntN(2))}
			if j == 0 {
				row[4] = 1
			}
			g.X = append(g.X, row)
			g.Relevant = append(g.Relevant, j == rel)
			x, y = append(x, row), append(y, j == rel)
		}
		groups = append(groups, g)
	}
	const l2 = 1e-3
	soft, err := FitSoftmax(names, groups, FitOptions{L2: l2})
	if err != nil {
		t.Fatal(err)
	}
	logit, err := FitLogistic(names, x, y, nil, FitOptions{L2: l2})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		w    []float64
		loss func([]float64) float64
	}{
		{"FitSoftmax", soft.Weights, func(w []float64) float64 { return listLoss(w, groups, l2) }},
		{"FitLogistic", logit.Weights, func(w []float64) float64 { return logLoss(w, x, y, nil, float64(len(x)), l2) }},
	} {
		best := c.loss(c.w)
		try := func(what string, w []float64) {
			if l := c.loss(w); l < best-1e-9 {
				t.Errorf("%s: loss %.6f at the fit, %.6f with %s", c.name, best, l, what)
			}
		}
		for _, scale := range []float64{0.9, 1.1} {
			w := slices.Clone(c.w)
			for i := range w {
				w[i] *= scale
			}
			try(fmt.Sprintf("every weight times %.1f", scale), w)
		}
		for i := range c.w {
			for _, d := range []float64{-0.05, 0.05} {
				w := slices.Clone(c.w)
				w[i] += d
				try(fmt.Sprintf("%s %+.2f", names[i], d), w)
			}
		}
	}
}

// TestHeadingsAreMarked: a short title on a line of its own is a heading;
// a statement, a quoted sentence, a long line and a byline naming the
// document's author (it answers who wrote the article) or a dateline (it
// answers when) are not; the committed sentence model counts a heading
// against a sentence as the answer.
func TestHeadingsAreMarked(t *testing.T) {
	t.Parallel()
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	text := "Il trattato di difesa tra Mosca e Pyongyang\n\nIl parlamento russo ha ratificato il trattato di difesa il 6 novembre.\nDi Mario Rossi\n“Una frase citata.”\nMosca, 6 novembre 2024\n" +
		"Una riga lunga senza punto finale che racconta come il trattato sia stato discusso a lungo dai due parlamenti"
	ix := NewIndex([]Passage{{Doc: "a", Lang: "it", Title: "Trattato", Author: "Mario Rossi", Text: text}})
	q := ix.NewQuery(nil, "Il trattato di difesa tra Mosca e Pyongyang?", "it", "", "")
	ss := ix.Sentences(q, 0)
	// heading; statement; byline; quoted sentence; dateline; a line too
	// long for a heading
	want := []bool{true, false, false, false, false, false}
	if len(ss) != len(want) {
		t.Fatalf("%d sentences, want %d", len(ss), len(want))
	}
	h := slices.Index(SentenceFeatures, "heading")
	for i, s := range ss {
		if got := s.Features[h] == 1; got != want[i] {
			t.Errorf("sentence %q: heading = %v, want %v", text[s.Start:s.End], got, want[i])
		}
	}
	if w := m.Sentence.Weights[h]; w >= 0 {
		t.Errorf("committed heading weight = %v, want < 0", w)
	}
}

// TestTypedSentenceCover: for a question asking for a kind of answer, the
// feature is the coverage of a sentence that also holds such an answer in
// a word the question does not have (a number in digits or in words); a
// passage sharing the question's words with no answer of the kind, or a
// question asking for no kind, gives 0.
func TestTypedSentenceCover(t *testing.T) {
	t.Parallel()
	g, err := analysis.DefaultGlossary()
	if err != nil {
		t.Fatal(err)
	}
	a := analysis.New(g)
	ps := []Passage{
		{Doc: "a", Lang: "it", Text: "La Corea del Nord potrebbe inviare truppe ingegneristiche in Russia. Nel 2024 le truppe erano altre."},
		{Doc: "b", Lang: "it", Text: "La Corea del Nord invierà 6.000 truppe ingegneristiche in Russia."},
		{Doc: "c", Lang: "it", Text: "La Corea del Nord invierà tremila truppe ingegneristiche in Russia."},
	}
	ix := NewIndex(ps)
	q := ix.NewQuery(a, "Quante truppe ingegneristiche invierà la Corea del Nord in Russia?", "it", "", "")
	if q.Kind != analysis.KindNumber {
		t.Fatalf("kind = %v, want number", q.Kind)
	}
	without, with := ix.typedSentenceCover(q, 0), ix.typedSentenceCover(q, 1)
	if with <= 0.5 {
		t.Errorf("passage with the number: %.3f, want most of the question covered", with)
	}
	// In passage 0 only the second sentence holds a number, and it shares
	// little of the question.
	if without >= with/2 {
		t.Errorf("passage without the number beside the question's words: %.3f, want well under %.3f", without, with)
	}
	// A quantity spelled out answers as a number does.
	if spelled := ix.typedSentenceCover(q, 2); spelled <= 0.5 {
		t.Errorf("passage with the number in words: %.3f, want most of the question covered", spelled)
	}
	other := ix.NewQuery(a, "Perché la Corea del Nord invia truppe ingegneristiche in Russia?", "it", "", "")
	if got := ix.typedSentenceCover(other, 1); got != 0 {
		t.Errorf("question asking for no kind: %.3f, want 0", got)
	}
	// A number the question gives is not its answer.
	given := ix.NewQuery(a, "Quante delle 6.000 truppe ingegneristiche invierà la Corea del Nord in Russia?", "it", "", "")
	if given.Kind != analysis.KindNumber {
		t.Fatalf("kind = %v, want number", given.Kind)
	}
	if got := ix.typedSentenceCover(given, 1); got != 0 {
		t.Errorf("how-many question whose only number is its own: %.3f, want 0", got)
	}
}

// TestCoverageReadsTheSubjectOnly: the coverage model is over the answer
// features that say whether the corpus holds the subject, not over those
// that say whether an answer of the asked kind is there; its vector is a
// prefix of the answer vector that cannot be appended into.
func TestCoverageReadsTheSubjectOnly(t *testing.T) {
	t.Parallel()
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Covered.Features, CoverFeatures) {
		t.Fatalf("covered model features = %v, want %v", m.Covered.Features, CoverFeatures)
	}
	for _, f := range []string{"asks_kind", "top_typed_sentence_cover"} {
		if slices.Contains(CoverFeatures, f) || !slices.Contains(AnswerFeatures, f) {
			t.Errorf("%s: in CoverFeatures %v, in AnswerFeatures %v; want only in AnswerFeatures", f, slices.Contains(CoverFeatures, f), slices.Contains(AnswerFeatures, f))
		}
	}
	x := make([]float64, len(AnswerFeatures))
	if v := CoverVector(x); len(v) != len(CoverFeatures) || cap(v) != len(CoverFeatures) {
		t.Errorf("CoverVector: len %d cap %d, want both %d", len(v), cap(v), len(CoverFeatures))
	}
	if cap(CoverFeatures) != len(CoverFeatures) {
		t.Errorf("CoverFeatures has spare capacity %d over %d: an append would overwrite AnswerFeatures", cap(CoverFeatures), len(CoverFeatures))
	}
}

// TestQuoteSentencesAddTheNextOne: an uncertain quote holds the picked
// sentences and the one after the best, but not a heading after it, and
// nothing past a passage's end.
func TestQuoteSentencesAddTheNextOne(t *testing.T) {
	t.Parallel()
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	ps := []Passage{
		{Doc: "a", Lang: "it", Title: "Trattato", Text: "Il parlamento russo ha ratificato il trattato il 6 novembre 2024. Questo accordo prevede assistenza militare reciproca. La squadra di calcio ha vinto il campionato."},
		{Doc: "b", Lang: "it", Title: "Calcio", Text: "La squadra di calcio ha vinto il campionato. Il parlamento russo ha ratificato il trattato il 6 novembre 2024."},
		{Doc: "c", Lang: "it", Title: "Trattato", Text: "Il parlamento russo ha ratificato il trattato il 6 novembre 2024.\n\nLe relazioni con Pyongyang\n\nLa squadra di calcio ha vinto il campionato."},
	}
	ix := NewIndex(ps)
	q := ix.NewQuery(nil, "Quando il parlamento russo ha ratificato il trattato?", "it", "", "")
	for _, c := range []struct {
		passage, best int
		want          []int
	}{{0, 0, []int{0, 1}}, {1, 1, []int{1}}, {2, 0, []int{0}}} {
		ss := ix.Sentences(q, c.passage)
		best := m.BestSentences(ss)
		if !slices.Contains(best, c.best) {
			t.Fatalf("passage %d: BestSentences = %v, want it to hold sentence %d", c.passage, best, c.best)
		}
		got := m.QuoteSentences(ss)
		if c.passage == 2 && (len(ss) < 2 || ss[1].Features[sHeading] != 1) {
			t.Fatalf("passage 2: sentence 1 is not read as a heading: %+v", ss)
		}
		if c.passage == 2 && slices.Contains(got, 1) {
			t.Errorf("passage 2: QuoteSentences = %v quotes the heading after the best sentence", got)
		}
		for _, i := range append(best, c.want...) {
			if !slices.Contains(got, i) {
				t.Errorf("passage %d: QuoteSentences = %v, want %v and the picked %v", c.passage, got, c.want, best)
			}
		}
		if !slices.IsSorted(got) || len(got) > len(best)+1 {
			t.Errorf("passage %d: QuoteSentences = %v, want the picked %v and at most the next one, in text order", c.passage, got, best)
		}
	}
}

func TestFittedForComparesEmbeddersWithoutTheirServer(t *testing.T) {
	t.Parallel()
	m := &Model{Embedder: EmbedderID("openai:nomic-embed-text@127.0.0.1:11434")}
	if m.Embedder != "openai:nomic-embed-text" {
		t.Fatalf("EmbedderID kept the server: %q", m.Embedder)
	}
	for name, want := range map[string]bool{
		"openai:nomic-embed-text@10.0.0.2:8080": true, // same model, other server
		"openai:nomic-embed-text":               true,
		"openai:text-embedding-3-small@api":     false,
		"hashed-v2/dim=512":                     false,
	} {
		if got := m.FittedFor(name); got != want {
			t.Errorf("FittedFor(%q) = %v, want %v", name, got, want)
		}
	}
	if !(&Model{}).FittedFor("anything") {
		t.Error("a model that records no embedder refused one")
	}
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if !def.FittedFor("hashed-v2/dim=512") || def.FittedFor("hashed-v2/dim=256") {
		t.Errorf("committed model records embedder %q, want the default hashed one of 512 dimensions", def.Embedder)
	}
}
