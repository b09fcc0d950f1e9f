package relevance

import (
	"math"
	"testing"

	"github.com/briefing/briefing/internal/analysis"
)

// FuzzRank: any passage text and any question (documents and questions are
// untrusted) are indexed, ranked, judged and split into sentences without a
// panic or a hang, and every probability is a number in [0, 1].
func FuzzRank(f *testing.F) {
	m, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	g, err := analysis.DefaultGlossary()
	if err != nil {
		f.Fatal(err)
	}
	a := analysis.New(g)
	for _, s := range [][2]string{
		{"Il parlamento russo ha ratificato il trattato il 6 novembre.", "Quando è stato ratificato il trattato?"},
		{"Ne sono arrivati tremila. Solo una manciata è tornata.", "Quanti soldati sono tornati?"},
		{"۶ \xff\xfe Ab. .. ?", "quanti ۶ \x00"},
		{"", "How many troops will North Korea send?"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, text, question string) {
		ps := []Passage{
			{Doc: "a", Lang: "it", Title: "Trattato", Text: "Il trattato prevede assistenza militare reciproca."},
			{Doc: "b", Lang: "it", Title: text, Text: text},
		}
		ix := NewIndex(ps)
		q := ix.NewQuery(a, question, analysis.DetectLang(question), question, "it")
		ranked := m.Rank(ix.Candidates(q, Signals{Dense: map[int]float64{0: 0.5, 1: 0.1}}))
		pAns, pCov := m.Judge(ix, q, ranked)
		for _, p := range []float64{pAns, pCov} {
			if math.IsNaN(p) || p < 0 || p > 1 {
				t.Fatalf("probability %v for %q over %q", p, question, text)
			}
		}
		for _, r := range ranked {
			if r.Passage < 0 || r.Passage >= len(ps) {
				t.Fatalf("ranked passage %d of %d", r.Passage, len(ps))
			}
			ss := ix.Sentences(q, r.Passage)
			for _, i := range m.BestSentences(ss) {
				if i < 0 || i >= len(ss) {
					t.Fatalf("best sentence %d of %d", i, len(ss))
				}
			}
		}
	})
}
