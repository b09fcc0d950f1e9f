package eval

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/google/go-cmp/cmp"
)

func TestLoad(t *testing.T) {
	t.Parallel()
	in := `{"id": "q1", "lang": "it", "question": "Quando?", "evidence": ["il 6 novembre"], "answer_any": [["6 novembre"]], "answerable": true}

{"id": "q2", "lang": "en", "question": "Population?", "evidence": [], "answer_any": [], "answerable": false}
`
	got, err := Load(strings.NewReader(in))
	if err != nil {
		t.Fatalf("Load error: %v", err)
	}
	want := []Question{
		{ID: "q1", Lang: "it", Question: "Quando?", Evidence: []string{"il 6 novembre"}, AnswerAny: [][]string{{"6 novembre"}}, Answerable: true},
		{ID: "q2", Lang: "en", Question: "Population?", Evidence: []string{}, AnswerAny: [][]string{}, Answerable: false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
}

func TestLoadDevFile(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/dev.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs, err := Load(f)
	if err != nil {
		t.Fatalf("Load(dev.jsonl) error: %v", err)
	}
	if len(qs) != 20 {
		t.Errorf("Load(dev.jsonl) = %d questions, want 20", len(qs))
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	good := `{"id": "ok", "lang": "it", "question": "q", "evidence": ["e"], "answer_any": [], "answerable": true}`
	tests := []struct {
		name string
		in   string
		want []string // one substring per problem, in order
	}{
		{"malformed JSON", good + "\n{\"id\": \n", []string{"line 2: "}},
		{"unknown field", `{"id": "a", "lang": "it", "question": "q", "answerable": false, "answerabel": true}`, []string{`line 1: json: unknown field "answerabel"`}},
		{"missing fields", `{"evidence": []}`, []string{"line 1: missing id, lang, question, answerable"}},
		{"duplicate id", good + "\n\n" + good, []string{`line 3: duplicate id "ok" (first on line 1)`}},
		{"answerable without evidence", `{"id": "a", "lang": "en", "question": "q", "evidence": [""], "answerable": true}`, []string{`line 1: question "a" is answerable but has no evidence`}},
		{"not an object", `[1, 2]`, []string{"line 1: want a JSON object (one question), got a list"}},
		{"wrong kind of value", `{"id": "a", "lang": "it", "question": "q", "answerable": "yes"}`, []string{`line 1: field "answerable": want true or false, got a string`}},
		{"evidence not a list", `{"id": "a", "lang": "it", "question": "q", "evidence": "e", "answerable": true}`, []string{`line 1: field "evidence": want a list of strings, got a string`}},
		{"answer_any a string", `{"id": "a", "lang": "it", "question": "q", "answer_any": "x", "answerable": false}`, []string{`line 1: field "answer_any": want a list of lists of strings, got a string`}},
		{"answer_any a flat list", `{"id": "a", "lang": "it", "question": "q", "answer_any": ["x"], "answerable": false}`, []string{`line 1: field "answer_any": want a list of lists of strings; an item in it is a string`}},
		{"evidence of numbers", `{"id": "a", "lang": "it", "question": "q", "evidence": [1], "answerable": false}`, []string{`line 1: field "evidence": want a list of strings; an item in it is a number`}},
		{"unknown language", `{"id": "a", "lang": "xx", "question": "q", "answerable": false}`, []string{`line 1: lang "xx": want "it" or "en"`}},
		{"trailing value", good + " {}", []string{"line 1: more than one JSON value"}},
		{"every problem at once", "{\n" + `{"id": "a"}` + "\n" + good, []string{"line 1: ", "line 2: missing lang, question, answerable"}},
		{"no questions", "\n\n", []string{"no questions"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			qs, err := Load(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("Load = %d questions, want an error", len(qs))
			}
			got := strings.Split(err.Error(), "\n")
			if len(got) != len(tt.want) {
				t.Fatalf("Load error = %q, want %d problems", got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("problem %d = %q, want it to start with %q", i, got[i], w)
				}
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	ten := []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}
	tests := []struct {
		name   string
		values []float64
		p      float64
		want   float64
	}{
		{"empty", nil, 50, 0},
		{"one", []float64{7}, 95, 7},
		{"median of ten", ten, 50, 5},
		{"p90 of ten", ten, 90, 9},
		{"p95 of ten", ten, 95, 10},
		{"p50 of five", []float64{50, 10, 40, 20, 30}, 50, 30},
		{"p0 is the minimum", ten, 0, 1},
	}
	for _, tt := range tests {
		if got := Percentile(tt.values, tt.p); got != tt.want {
			t.Errorf("%s: Percentile(%v, %v) = %v, want %v", tt.name, tt.values, tt.p, got, tt.want)
		}
	}
}

// The fixture: one document whose body holds the evidence once, and
// passages cut around it by hand.
const (
	body     = "Alpha beta gamma. The treaty was signed on 6 November. Delta epsilon."
	evidence = "signed on 6 November" // 20 characters at byte 33
)

func passage(id string, start, end int) corpus.Passage {
	return corpus.Passage{ID: id, DocID: "a", Start: start, End: end, Text: body[start:end]}
}

var (
	evStart = strings.Index(body, evidence)
	evEnd   = evStart + len(evidence)
	pWhole  = passage("whole", 18, evEnd+1)          // contains the evidence
	pHalf   = passage("half", evStart+10, len(body)) // covers its last 10 of 20 characters
	pLess   = passage("less", evStart+11, len(body)) // covers 9 of 20
	pOther  = passage("other", 0, 17)
	pOther2 = passage("other2", evEnd+2, len(body))
)

// fakeEngine answers from per-question scripts and advances a fake clock.
type fakeEngine struct {
	clock   *time.Time
	search  map[string]fakeSearch
	answers map[string]fakeAnswer
}

type fakeSearch struct {
	hits []corpus.Passage
	took time.Duration
	err  error
}

type fakeAnswer struct {
	ans  briefing.Answer
	took time.Duration
	err  error
}

func (f *fakeEngine) Search(ctx context.Context, q string, k int) ([]briefing.Hit, error) {
	s := f.search[q]
	*f.clock = f.clock.Add(s.took)
	var hits []briefing.Hit
	for i, p := range s.hits {
		hits = append(hits, briefing.Hit{Passage: p, Rank: i + 1})
	}
	return hits, s.err
}

func (f *fakeEngine) Answer(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
	a := f.answers[req.Question]
	*f.clock = f.clock.Add(a.took)
	return a.ans, a.err
}

func cite(ps ...corpus.Passage) []briefing.Citation {
	var cs []briefing.Citation
	for i, p := range ps {
		cs = append(cs, briefing.Citation{N: i + 1, Passage: p})
	}
	return cs
}

func TestRunMetrics(t *testing.T) {
	t.Parallel()
	docs := []corpus.Document{{ID: "a", Body: body}}
	qs := []Question{
		{ID: "q1", Lang: "it", Question: "q1", Evidence: []string{evidence}, AnswerAny: [][]string{{"6 novembre", "6 November"}}, Answerable: true},
		{ID: "q2", Lang: "en", Question: "q2", Evidence: []string{evidence}, AnswerAny: [][]string{{"6 November"}}, Answerable: true},
		{ID: "q3", Lang: "en", Question: "q3", Evidence: []string{evidence}, AnswerAny: [][]string{{"6 November"}, {"treaty"}}, Answerable: true},
		{ID: "q4", Lang: "it", Question: "q4", Answerable: false},
		{ID: "q5", Lang: "en", Question: "q5", Answerable: false},
		{ID: "q6", Lang: "it", Question: "q6", Answerable: false},
	}
	ms := time.Millisecond
	clock := time.Unix(0, 0)
	eng := &fakeEngine{
		clock: &clock,
		search: map[string]fakeSearch{
			"q1": {hits: []corpus.Passage{pOther, pWhole}, took: 1 * ms},                 // rank 2
			"q2": {hits: []corpus.Passage{pHalf}, took: 2 * ms},                          // rank 1 by half coverage
			"q3": {hits: []corpus.Passage{pLess, pOther, pOther2, pWhole}, took: 3 * ms}, // relevant only at 4 > k
			"q4": {hits: []corpus.Passage{pOther}, took: 4 * ms},
			"q5": {took: 5 * ms},
			"q6": {hits: []corpus.Passage{pOther}, took: 6 * ms},
		},
		answers: map[string]fakeAnswer{
			"q1": {ans: briefing.Answer{State: briefing.StateAnswer, Text: "Firmato il 6 November [1].", Citations: cite(pWhole)}, took: 10 * ms},
			"q2": {ans: briefing.Answer{State: briefing.StateRefused, Text: "Not in the corpus.", Refused: true}, took: 50 * ms},
			// Uncertain, but the closest passages quoted hold the answer.
			"q3": {ans: briefing.Answer{State: briefing.StateUncertain, Text: "Closest: The TREATY, on 6 NOVEMBER [1].", Citations: cite(pLess)}, took: 20 * ms},
			"q4": {ans: briefing.Answer{State: briefing.StateRefused, Text: "Non nel corpus.", Refused: true}, took: 40 * ms},
			"q5": {ans: briefing.Answer{State: briefing.StateAnswer, Text: "Three million [1].", Citations: cite(pOther)}, took: 30 * ms},
			// An unanswerable question shown as uncertain is handled.
			"q6": {ans: briefing.Answer{State: briefing.StateUncertain, Text: "I più vicini: altro [1].", Citations: cite(pOther)}, took: 60 * ms},
		},
	}
	got, err := run(t.Context(), eng, docs, qs, 3, func() time.Time { return clock })
	if err != nil {
		t.Fatalf("run error: %v", err)
	}
	want := Report{
		Questions: 6, Answerable: 3, Unanswerable: 3, K: 3,
		Retrieval: Retrieval{
			RecallAtK: 2.0 / 3,
			MRR:       (1.0/2 + 1 + 0) / 3,
			ByLang: map[string]LangScores{
				"it": {Questions: 1, RecallAtK: 1, MRR: 0.5},
				"en": {Questions: 2, RecallAtK: 0.5, MRR: 0.5},
			},
		},
		Answers: Answers{
			KeywordAccuracy:    2.0 / 3, // q1, q3 (q2 refused)
			CitationHitRate:    1.0 / 3, // q1 (q3 cites a passage covering under half)
			RefusalAccuracy:    2.0 / 3, // q4 refused, q6 uncertain (q5 answered)
			FalseRefusals:      1,       // q2
			AnsweredShare:      1.0 / 3, // q1 (q3 uncertain)
			ConfidentPrecision: 0.5,     // q1 of q1, q5
			Answerable:         3,       // q1, q2, q3
			Unanswerable:       3,       // q4, q5, q6
			Confident:          2,       // q1, q5
			ByLang: map[string]Answers{
				"it": {KeywordAccuracy: 1, CitationHitRate: 1, RefusalAccuracy: 1, AnsweredShare: 1, ConfidentPrecision: 1,
					Answerable: 1, Unanswerable: 2, Confident: 1},
				"en": {KeywordAccuracy: 0.5, FalseRefusals: 1, Answerable: 2, Unanswerable: 1, Confident: 1},
			},
		},
		LatencyMS: Latency{RetrievalP50: 3, RetrievalP95: 6, AnswerP50: 30, AnswerP95: 60},
		Results: []Result{
			{ID: "q1", Lang: "it", Question: "q1", Answerable: true, Rank: 2, State: "answer", AnswerOK: true, CitationsOK: true,
				TopPassages: []string{"other", "whole"}, Cited: []string{"whole"}, Answer: "Firmato il 6 November [1].", RetrievalMS: 1, AnswerMS: 10},
			{ID: "q2", Lang: "en", Question: "q2", Answerable: true, Rank: 1, Refused: true, State: "refused",
				TopPassages: []string{"half"}, Cited: []string{}, Answer: "Not in the corpus.", RetrievalMS: 2, AnswerMS: 50},
			{ID: "q3", Lang: "en", Question: "q3", Answerable: true, Rank: 0, State: "uncertain", AnswerOK: true,
				TopPassages: []string{"less", "other", "other2"}, Cited: []string{"less"}, Answer: "Closest: The TREATY, on 6 NOVEMBER [1].", RetrievalMS: 3, AnswerMS: 20},
			{ID: "q4", Lang: "it", Question: "q4", Refused: true, State: "refused", AnswerOK: true, CitationsOK: true,
				TopPassages: []string{"other"}, Cited: []string{}, Answer: "Non nel corpus.", RetrievalMS: 4, AnswerMS: 40},
			{ID: "q5", Lang: "en", Question: "q5", State: "answer",
				TopPassages: []string{}, Cited: []string{"other"}, Answer: "Three million [1].", RetrievalMS: 5, AnswerMS: 30},
			{ID: "q6", Lang: "it", Question: "q6", State: "uncertain", AnswerOK: true, CitationsOK: true,
				TopPassages: []string{"other"}, Cited: []string{"other"}, Answer: "I più vicini: altro [1].", RetrievalMS: 6, AnswerMS: 60},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("run report (-want +got):\n%s", diff)
	}
}

func TestRelevant(t *testing.T) {
	t.Parallel()
	bodies := map[string]string{"a": body, "b": body}
	spans, missing := locate(bodies, []string{evidence, "absent"})
	if diff := cmp.Diff([]string{"absent"}, missing); diff != "" {
		t.Errorf("locate missing (-want +got):\n%s", diff)
	}
	tests := []struct {
		name string
		p    corpus.Passage
		want bool
	}{
		{"contains it", pWhole, true},
		{"covers exactly half", pHalf, true},
		{"covers less than half", pLess, false},
		{"elsewhere in the document", pOther, false},
		{"same offsets in another document", corpus.Passage{DocID: "c", Start: pHalf.Start, End: pHalf.End, Text: pHalf.Text}, false},
		{"contains it with stale offsets", corpus.Passage{DocID: "z", Text: "x " + evidence}, true},
		{"covers its first half", passage("first", 0, evStart+10), true},
	}
	for _, tt := range tests {
		if got := relevant(tt.p, []string{evidence}, spans, bodies); got != tt.want {
			t.Errorf("%s: relevant([%d:%d] %q) = %v, want %v", tt.name, tt.p.Start, tt.p.End, tt.p.Text, got, tt.want)
		}
	}
}

func TestRelevantCountsCharactersNotBytes(t *testing.T) {
	t.Parallel()
	// "così più già" is 12 characters and 15 bytes; a passage ending after
	// "così p" covers 6 characters (half) but only 7 of 15 bytes.
	b := "Prima: così più già. Dopo."
	ev := "così più già"
	s := strings.Index(b, ev)
	cut := s + len("così p")
	bodies := map[string]string{"a": b}
	spans, _ := locate(bodies, []string{ev})
	p := corpus.Passage{DocID: "a", Start: 0, End: cut, Text: b[:cut]}
	if !relevant(p, []string{ev}, spans, bodies) {
		t.Errorf("relevant(%q) = false, want true: it covers 6 of 12 characters", p.Text)
	}
}

func TestRunEngineErrorsAndWarnings(t *testing.T) {
	t.Parallel()
	docs := []corpus.Document{{ID: "a", Body: body}}
	qs := []Question{
		{ID: "broken", Lang: "it", Question: "broken", Evidence: []string{evidence}, Answerable: true},
		{ID: "drifted", Lang: "it", Question: "drifted", Evidence: []string{"not in the article"}, Answerable: true},
	}
	clock := time.Unix(0, 0)
	eng := &fakeEngine{
		clock: &clock,
		search: map[string]fakeSearch{
			"broken":  {err: errors.New("index gone")},
			"drifted": {hits: []corpus.Passage{pWhole}},
		},
		answers: map[string]fakeAnswer{
			"broken":  {err: errors.New("index gone")},
			"drifted": {ans: briefing.Answer{Text: "x", Citations: cite(pWhole)}},
		},
	}
	rep, err := Run(t.Context(), eng, docs, qs, 3)
	if err != nil {
		t.Fatalf("Run error: %v", err)
	}
	if rep.Errors != 1 || rep.Results[0].Error != "search: index gone; answer: index gone" {
		t.Errorf("Run errors = %d, first result error %q; want 1, both calls named", rep.Errors, rep.Results[0].Error)
	}
	if rep.Results[0].AnswerOK || rep.Results[0].CitationsOK || rep.Results[0].Rank != 0 {
		t.Errorf("failed question scored %+v, want zero", rep.Results[0])
	}
	wantWarn := []string{`drifted: evidence "not in the article" is in no document`}
	if diff := cmp.Diff(wantWarn, rep.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestRunStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	clock := time.Unix(0, 0)
	eng := &fakeEngine{clock: &clock, search: map[string]fakeSearch{}, answers: map[string]fakeAnswer{}}
	cancel()
	_, err := Run(ctx, eng, nil, []Question{{ID: "q", Lang: "it", Question: "q"}}, 3)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run on a cancelled context = %v, want context.Canceled", err)
	}
}

func TestRunRejectsZeroK(t *testing.T) {
	t.Parallel()
	if _, err := Run(t.Context(), &fakeEngine{}, nil, nil, 0); err == nil {
		t.Error("Run with k = 0 succeeded, want an error")
	}
}

func TestReportJSONHasTheDocumentedFields(t *testing.T) {
	t.Parallel()
	rep := Report{
		Retrieval: Retrieval{ByLang: map[string]LangScores{"it": {}}},
		Results:   []Result{{ID: "q"}},
	}
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	paths := []string{
		"questions", "k",
		"retrieval.recall_at_k", "retrieval.mrr", "retrieval.by_lang.it.recall_at_k", "retrieval.by_lang.it.mrr",
		"answers.keyword_accuracy", "answers.citation_hit_rate", "answers.refusal_accuracy", "answers.false_refusals",
		"latency_ms.retrieval_p50", "latency_ms.retrieval_p95", "latency_ms.answer_p50", "latency_ms.answer_p95",
		"results.0.id", "results.0.lang", "results.0.rank", "results.0.refused", "results.0.answer_ok", "results.0.citations_ok",
	}
	for _, p := range paths {
		var v any = got
		for part := range strings.SplitSeq(p, ".") {
			switch m := v.(type) {
			case map[string]any:
				v = m[part]
			case []any:
				v = m[0]
			default:
				v = nil
			}
		}
		if v == nil {
			t.Errorf("report JSON lacks %s: %s", p, data)
		}
	}
}
