package fit

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/internal/eval"
)

// TestGapItems: a near miss is its question asked of the corpus without
// the passages holding its answer; a question whose answer another passage
// holds makes none; questions sharing their passages share one reduced
// corpus; each near miss keeps its question's fold and is labelled
// unanswerable.
func TestGapItems(t *testing.T) {
	t.Parallel()
	para := []string{
		"L’Unione Sovietica fu la prima nazione a riconoscere la Corea del Nord nel 1948, subito dopo la sua fondazione.",
		"Il parlamento russo ha ratificato il trattato di mutua difesa il 6 novembre, dopo un lungo dibattito a Mosca.",
		"Il trattato prevede assistenza militare reciproca e fu firmato a Pyongyang durante la visita di Putin a giugno.",
		"Mosca e la Corea del Nord hanno rafforzato la cooperazione militare con esercitazioni congiunte nel mar del Giappone.",
	}
	qs := []eval.Question{
		// answer only in paragraph 0
		{ID: "q1", Lang: "it", Question: "Chi riconobbe per primo la Corea del Nord?", Evidence: []string{"fu la prima nazione a riconoscere la Corea del Nord"}, AnswerAny: [][]string{{"Unione Sovietica"}}, Answerable: true},
		// the same passage, another question
		{ID: "q2", Lang: "it", Question: "In che anno fu riconosciuta la Corea del Nord?", Evidence: []string{"fu la prima nazione a riconoscere la Corea del Nord"}, AnswerAny: [][]string{{"1948"}}, Answerable: true},
		// its answer, Mosca, is in paragraph 3 too
		{ID: "q3", Lang: "it", Question: "Dove si è svolto il dibattito sul trattato?", Evidence: []string{"dopo un lungo dibattito a Mosca"}, AnswerAny: [][]string{{"Mosca"}}, Answerable: true},
		// answer only in paragraph 2
		{ID: "q4", Lang: "it", Question: "Dove fu firmato il trattato?", Evidence: []string{"fu firmato a Pyongyang"}, AnswerAny: [][]string{{"Pyongyang durante"}}, Answerable: true},
	}
	doc, ps, j, items, a := nearMissFixture(t, para, qs)
	opts := Options{Folds: 2, Analyzer: a}
	gaps, err := gapItems(context.Background(), items, 0, opts, j, []corpus.Document{doc}, ps, nil, func(eval.Question) (string, string) { return "", "" })
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*item{}
	for _, it := range gaps {
		byID[it.q.ID] = it
	}
	if len(gaps) != 3 || byID["q1"] == nil || byID["q2"] == nil || byID["q4"] == nil {
		ids := []string{}
		for _, it := range gaps {
			ids = append(ids, it.q.ID)
		}
		t.Fatalf("near misses of %v, want q1, q2 and q4 (q3's answer is in another passage)", ids)
	}
	if byID["q1"].ix != byID["q2"].ix {
		t.Error("q1 and q2 share their passage but not their reduced corpus")
	}
	if byID["q1"].ix == byID["q4"].ix {
		t.Error("q1 and q4 have other passages but share a reduced corpus")
	}
	for id, it := range byID {
		src := items[map[string]int{"q1": 0, "q2": 1, "q4": 3}[id]]
		if !it.gap || it.answerable || it.absent || it.foreign || it.fold != src.fold {
			t.Errorf("%s: gap %v answerable %v absent %v foreign %v fold %d; want a near miss in fold %d", id, it.gap, it.answerable, it.absent, it.foreign, it.fold, src.fold)
		}
		if len(it.passages) != len(ps)-1 {
			t.Errorf("%s: reduced corpus of %d passages, want %d", id, len(it.passages), len(ps)-1)
		}
		for _, p := range it.passages {
			if eval.Satisfies(p.Text, it.q.AnswerAny) {
				t.Errorf("%s: the reduced corpus still holds the answer in %q", id, p.Text)
			}
		}
		if len(it.cands) == 0 || len(it.labels) != len(it.cands) {
			t.Errorf("%s: %d candidates, %d labels; want candidates, each labelled", id, len(it.cands), len(it.labels))
		}
	}
}

// TestStruckItems: a struck near miss is its question asked of the corpus
// with its answer struck from the passages holding it, the rest of them
// left; a question whose answer another passage holds makes none and
// strikes nothing; questions sharing a passage are struck in different
// corpora; each keeps its question's fold and is labelled unanswerable.
func TestStruckItems(t *testing.T) {
	t.Parallel()
	para := []string{
		"L’Unione Sovietica fu la prima nazione a riconoscere la Corea del Nord nel 1948, subito dopo la sua fondazione.",
		"Il parlamento russo ha ratificato il trattato di mutua difesa il 6 novembre, dopo un lungo dibattito a Mosca.",
		"Mosca e la Corea del Nord hanno rafforzato la cooperazione militare con esercitazioni congiunte nel mar del Giappone.",
	}
	qs := []eval.Question{
		{ID: "q1", Lang: "it", Question: "Chi riconobbe per primo la Corea del Nord?", Evidence: []string{"fu la prima nazione a riconoscere la Corea del Nord"}, AnswerAny: [][]string{{"Unione Sovietica", "URSS"}}, Answerable: true},
		{ID: "q2", Lang: "it", Question: "In che anno fu riconosciuta la Corea del Nord?", Evidence: []string{"fu la prima nazione a riconoscere la Corea del Nord"}, AnswerAny: [][]string{{"1948"}}, Answerable: true},
		// its answer, Mosca, is in paragraph 2 too
		{ID: "q3", Lang: "it", Question: "Dove si è svolto il dibattito sul trattato?", Evidence: []string{"dopo un lungo dibattito a Mosca"}, AnswerAny: [][]string{{"Mosca"}}, Answerable: true},
		{ID: "q4", Lang: "it", Question: "Quando il parlamento russo ha ratificato il trattato?", Evidence: []string{"ha ratificato il trattato di mutua difesa"}, AnswerAny: [][]string{{"6 NOVEMBRE"}}, Answerable: true},
	}
	doc, ps, j, items, a := nearMissFixture(t, para, qs)
	emb := &recordingEmbedder{}
	opts := Options{Folds: 2, Analyzer: a, Embedder: emb}
	vecs := make([][]float32, len(ps))
	for i, p := range ps {
		vecs[i] = []float32{float32(len(p.Text))}
	}
	orig := slices.Clone(vecs)
	struck, err := struckItems(context.Background(), items, 0, opts, j, []corpus.Document{doc}, ps, vecs, func(eval.Question) (string, string) { return "", "" })
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*item{}
	for _, it := range struck {
		byID[it.q.ID] = it
	}
	if len(struck) != 3 || byID["q1"] == nil || byID["q2"] == nil || byID["q4"] == nil {
		ids := []string{}
		for _, it := range struck {
			ids = append(ids, it.q.ID)
		}
		t.Fatalf("struck near misses of %v, want q1, q2 and q4 (q3's answer is in another passage)", ids)
	}
	if byID["q1"].ix == byID["q2"].ix {
		t.Error("q1 and q2 share their passage and were struck in one corpus")
	}
	gold := map[string]int{"q1": 0, "q2": 0, "q4": 1}
	want := map[string]string{
		"q1": "L’ fu la prima nazione a riconoscere la Corea del Nord nel 1948, subito dopo la sua fondazione.",
		"q2": "L’Unione Sovietica fu la prima nazione a riconoscere la Corea del Nord nel , subito dopo la sua fondazione.",
		"q4": "Il parlamento russo ha ratificato il trattato di mutua difesa il , dopo un lungo dibattito a Mosca.",
	}
	for id, it := range byID {
		src := items[map[string]int{"q1": 0, "q2": 1, "q4": 3}[id]]
		if !it.struck || it.gap || it.answerable || it.absent || it.foreign || it.fold != src.fold {
			t.Errorf("%s: struck %v gap %v answerable %v absent %v foreign %v fold %d; want a struck near miss in fold %d", id, it.struck, it.gap, it.answerable, it.absent, it.foreign, it.fold, src.fold)
		}
		if len(it.passages) != len(ps) {
			t.Errorf("%s: corpus of %d passages, want all %d", id, len(it.passages), len(ps))
		}
		if got := it.passages[gold[id]].Text; got != want[id] {
			t.Errorf("%s: struck passage %q, want %q", id, got, want[id])
		}
		if got := it.passages[2].Text; got != ps[2].Text {
			t.Errorf("%s: the passage no question was struck from changed to %q", id, got)
		}
		if !strings.Contains(it.passages[1].Text, "Mosca") {
			t.Errorf("%s: q3, which makes no near miss, was struck: %q", id, it.passages[1].Text)
		}
		if len(it.cands) == 0 || len(it.labels) != len(it.cands) || slices.Contains(it.labels, true) {
			t.Errorf("%s: %d candidates, labels %v; want candidates, each labelled irrelevant", id, len(it.cands), it.labels)
		}
	}
	// The struck passages, and only they, are embedded anew; the
	// corpus's own vectors are left as they were.
	for _, txt := range emb.docs {
		if !slices.Contains([]string{want["q1"], want["q2"], want["q4"]}, txt) {
			t.Errorf("embedded %q, which is no struck passage", txt)
		}
	}
	if len(emb.docs) != 3 {
		t.Errorf("%d passages embedded anew, want the 3 struck ones", len(emb.docs))
	}
	for i := range vecs {
		if vecs[i][0] != orig[i][0] {
			t.Errorf("the corpus's vector %d changed", i)
		}
	}
}

// recordingEmbedder embeds a text as its length and records the passages
// it is given.
type recordingEmbedder struct {
	mu   sync.Mutex
	docs []string
}

func (e *recordingEmbedder) Name() string { return "recording" }

func (e *recordingEmbedder) EmbedDocuments(_ context.Context, texts []string) ([][]float32, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.docs = append(e.docs, texts...)
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = []float32{float32(len(t))}
	}
	return out, nil
}

func (e *recordingEmbedder) EmbedQuery(_ context.Context, text string) ([]float32, error) {
	return []float32{float32(len(text))}, nil
}

// nearMissFixture is a one-document corpus of paras, a passage each, and
// qs about it as answerable items of set 0 in two folds, with the
// glossary's analyser.
func nearMissFixture(t *testing.T, paras []string, qs []eval.Question) (corpus.Document, []corpus.Passage, *eval.Judge, []*item, *analysis.Analyzer) {
	t.Helper()
	doc := corpus.Document{ID: "a", Title: "Trattato", Lang: "it", Body: strings.Join(paras, "\n\n")}
	ps := corpus.Chunk(doc, corpus.ChunkOptions{MaxChars: 150, MinChars: 10})
	if len(ps) != len(paras) {
		t.Fatalf("%d passages, want one per paragraph (%d)", len(ps), len(paras))
	}
	j := eval.NewJudge([]corpus.Document{doc})
	var items []*item
	for i, q := range qs {
		items = append(items, &item{set: 0, fold: i % 2, q: q, ev: j.Locate(q.Evidence), answerable: true})
	}
	g, err := analysis.DefaultGlossary()
	if err != nil {
		t.Fatal(err)
	}
	return doc, ps, j, items, analysis.New(g)
}
