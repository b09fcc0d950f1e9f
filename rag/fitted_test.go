package rag_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/ground"
	"github.com/briefing/briefing/internal/openaitest"
	"github.com/briefing/briefing/internal/relevance"
	"github.com/briefing/briefing/rag"
)

// withThresholds is the committed model with other state thresholds, so a
// test can put any question in the state it needs.
func withThresholds(t *testing.T, answer, uncertain float64) *relevance.Model {
	t.Helper()
	m, err := relevance.Default()
	if err != nil {
		t.Fatal(err)
	}
	m.Thresholds = relevance.Thresholds{Answer: answer, Uncertain: uncertain}
	return m
}

// TestFittedRankerStates: the fitted ranker answers a question the corpus
// answers, with the passage that holds it cited, and keeps a question about
// another subject out of state answer.
func TestFittedRankerStates(t *testing.T) {
	t.Parallel()
	docs := mustDefaultDocs(t)
	e := mustEngine(t, "", rag.Options{}, docs)
	ctx := context.Background()

	a, err := e.Answer(ctx, briefing.Request{Question: ratifiedQ})
	if err != nil {
		t.Fatal(err)
	}
	if a.State == briefing.StateRefused || a.Refused || len(a.Citations) == 0 || !strings.Contains(a.Text, "6 novembre") {
		t.Fatalf("Answer(%q) = state %q, %d citations, %q; want the 6 November passage quoted and cited", ratifiedQ, a.State, len(a.Citations), a.Text)
	}
	if a.Confidence <= 0 || a.Confidence > 1 {
		t.Errorf("confidence = %v, want in (0, 1]", a.Confidence)
	}
	checkCitations(t, docs, a)

	off := "Chi ha vinto il campionato di calcio di Serie A nel 1998?"
	b, err := e.Answer(ctx, briefing.Request{Question: off})
	if err != nil {
		t.Fatal(err)
	}
	if b.State == briefing.StateAnswer || b.Confidence >= a.Confidence {
		t.Errorf("Answer(%q) = state %q, confidence %.3f (answered question %.3f); want no confident answer", off, b.State, b.Confidence, a.Confidence)
	}
}

// TestUncertainQuotesTheClosestPassages: without an LLM, a question in
// state uncertain quotes and cites the picked sentences of each of the
// relevance.ClosestPassages best passages, one citation per passage, in
// rank order, under the uncertain framing.
func TestUncertainQuotesTheClosestPassages(t *testing.T) {
	t.Parallel()
	docs := mustDefaultDocs(t)
	// Every probability is below 1 and above 0: everything is uncertain.
	e := mustEngine(t, "", rag.Options{Model: withThresholds(t, 1, 0)}, docs)
	a, err := e.Answer(context.Background(), briefing.Request{Question: ratifiedQ})
	if err != nil {
		t.Fatal(err)
	}
	if a.State != briefing.StateUncertain || !strings.HasPrefix(a.Text, "Nessun passaggio risponde direttamente") {
		t.Fatalf("Answer = state %q, %q; want uncertain", a.State, a.Text)
	}
	if len(a.Hits) < relevance.ClosestPassages || len(a.Citations) != relevance.ClosestPassages {
		t.Fatalf("%d hits, %d citations; want %d citations, one per closest passage", len(a.Hits), len(a.Citations), relevance.ClosestPassages)
	}
	for i, c := range a.Citations {
		if c.Passage.ID != a.Hits[i].Passage.ID {
			t.Errorf("citation [%d] is passage %s, want hit %d (%s)", i+1, c.Passage.ID, i, a.Hits[i].Passage.ID)
		}
		if !strings.Contains(a.Text, fmt.Sprintf("[%d]", i+1)) {
			t.Errorf("answer text lacks marker [%d]: %q", i+1, a.Text)
		}
	}
	checkCitations(t, docs, a)
}

// TestUncertainQuotesTheNextSentence: an uncertain response quotes, of its
// top passage, every sentence the answer would, and the one after the
// answer's best sentence as well (relevance.Model.QuoteSentences).
func TestUncertainQuotesTheNextSentence(t *testing.T) {
	t.Parallel()
	docs := mustDefaultDocs(t)
	ask := func(answer, uncertain float64) briefing.Answer {
		t.Helper()
		e := mustEngine(t, "", rag.Options{Model: withThresholds(t, answer, uncertain)}, docs)
		a, err := e.Answer(context.Background(), briefing.Request{Question: ratifiedQ})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	ans, unc := ask(0, 0), ask(1, 0)
	if ans.State != briefing.StateAnswer || unc.State != briefing.StateUncertain {
		t.Fatalf("states %q and %q, want answer and uncertain", ans.State, unc.State)
	}
	if ans.Hits[0].Passage.ID != unc.Hits[0].Passage.ID {
		t.Fatalf("top passages differ: %s and %s", ans.Hits[0].Passage.ID, unc.Hits[0].Passage.ID)
	}
	p := ans.Hits[0].Passage.Text
	var inAnswer, added []string
	prevQuoted := false
	for _, sp := range corpus.Sentences(p) {
		s := p[sp.Start:sp.End]
		switch {
		case strings.Contains(ans.Text, s):
			inAnswer = append(inAnswer, s)
			if !strings.Contains(unc.Text, s) {
				t.Errorf("the uncertain response drops the answer's sentence %q", s)
			}
		case strings.Contains(unc.Text, s) && prevQuoted:
			added = append(added, s)
		}
		prevQuoted = strings.Contains(ans.Text, s)
	}
	if len(inAnswer) == 0 {
		t.Fatalf("no sentence of the top passage in the answer %q", ans.Text)
	}
	if len(added) == 0 {
		t.Errorf("the uncertain response %q quotes no sentence after one the answer quotes", unc.Text)
	}
}

// TestFittedUncertainGoesToTheLLM: with an LLM, a question in state
// uncertain is sent with a note that the passages may not answer it, and a
// reply that they do not maps to uncertain with the passages cited; a
// question in state refused never reaches the LLM.
func TestFittedUncertainGoesToTheLLM(t *testing.T) {
	t.Parallel()
	docs := mustDefaultDocs(t)
	ctx := context.Background()

	srv := openaitest.New(t)
	srv.OnChat(func(openaitest.ChatRequest) openaitest.Reply { return openaitest.Text(ground.NoAnswer("it")) })
	// Every probability is below 1 and above 0: everything is uncertain.
	e, _ := mustLLMEngine(t, srv, testLLMConfig(srv), rag.Options{Model: withThresholds(t, 1, 0)}, docs)
	a, err := e.Answer(ctx, briefing.Request{Question: ratifiedQ})
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.ChatRequests()
	if len(reqs) != 1 || !strings.Contains(reqs[0].LastUser(), "only the closest ones") {
		t.Fatalf("chat requests = %d, want 1 carrying the uncertain note", len(reqs))
	}
	if a.State != briefing.StateUncertain || a.Refused || len(a.Citations) == 0 || !strings.HasPrefix(a.Text, "Nessun passaggio risponde direttamente") {
		t.Fatalf("Answer = state %q, refused %v, %d citations, %q; want the closest passages, cited", a.State, a.Refused, len(a.Citations), a.Text)
	}
	checkCitations(t, docs, a)

	srv2 := openaitest.New(t)
	srv2.OnChat(func(openaitest.ChatRequest) openaitest.Reply { return openaitest.Text("Il 6 novembre [1].") })
	// Every probability is below 1: everything is refused.
	e2, _ := mustLLMEngine(t, srv2, testLLMConfig(srv2), rag.Options{Model: withThresholds(t, 1, 1)}, docs)
	r, err := e2.Answer(ctx, briefing.Request{Question: ratifiedQ})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Refused || r.State != briefing.StateRefused || len(srv2.ChatRequests()) != 0 {
		t.Errorf("refused question: state %q, %d chat requests; want refused without calling the LLM", r.State, len(srv2.ChatRequests()))
	}
}

// TestFittedTranslationFailsOpen: a translator that fails costs English
// questions the translation view only: they are still answered, and the
// failure is logged once per question.
func TestFittedTranslationFailsOpen(t *testing.T) {
	t.Parallel()
	docs := mustDefaultDocs(t)
	logs := &logBuffer{}
	e := mustEngine(t, "", rag.Options{Translator: failingTranslator{},
		TranslateFrom: "en", TranslateTo: "it", Logger: slog.New(slog.NewTextHandler(logs, nil))}, docs)
	a, err := e.Answer(context.Background(), briefing.Request{Question: "When did the Russian parliament ratify the treaty?"})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Hits) == 0 || !strings.Contains(a.Hits[0].Passage.Text, "6 novembre") {
		t.Errorf("top hit without translation = %+v, want the 6 November passage", a.Hits)
	}
	if w := logs.lines("WARN"); len(w) != 1 || !strings.Contains(w[0], "translation failed") {
		t.Errorf("warn lines = %q, want one about the translation", w)
	}
}

type failingTranslator struct{}

func (failingTranslator) Translate(context.Context, string) (string, error) {
	return "", context.DeadlineExceeded
}

// TestAnswerSentenceHoldsTheAnswer: of the passage that answers a
// how-many question, the quoted sentence is the one that answers it in a
// word ("una manciata"), not a neighbour with an unrelated number.
func TestAnswerSentenceHoldsTheAnswer(t *testing.T) {
	t.Parallel()
	docs := mustDefaultDocs(t)
	e := mustEngine(t, "", rag.Options{}, docs)
	q := "Quanti soldati nordcoreani sono stati catturati vivi?"
	a, err := e.Answer(context.Background(), briefing.Request{Question: q})
	if err != nil {
		t.Fatal(err)
	}
	if a.State == briefing.StateRefused || len(a.Citations) == 0 {
		t.Fatalf("Answer(%q) = state %q, %d citations; want the passage quoted", q, a.State, len(a.Citations))
	}
	first := strings.Index(a.Text, "“")
	end := strings.Index(a.Text[first+1:], "”")
	if first < 0 || end < 0 || !strings.Contains(a.Text[first:first+1+end], "una manciata") {
		t.Errorf("Answer(%q) first quote is not the sentence with %q:\n%s", q, "una manciata", a.Text)
	}
	checkCitations(t, docs, a)
}

func TestEngineWarnsOfAModelFittedOnAnotherEmbedder(t *testing.T) {
	t.Parallel()
	other := withThresholds(t, 0.9, 0.02)
	other.Embedder = "openai:test-embed"
	tests := []struct {
		name     string
		model    *relevance.Model // nil: the committed one
		embedder briefing.Embedder
		warn     bool
	}{
		{"committed model, default embedder", nil, nil, false},
		{"committed model, another embedder", nil, newCounting("openai:test-embed@127.0.0.1:1", 64), true},
		{"committed model, hashed of other dimensions", nil, newCounting("hashed-v2/dim=256", 256), true},
		{"model fitted for the embedder, on another server", other, newCounting("openai:test-embed@10.0.0.1:2", 64), false},
		{"model fitted for another embedder, default embedder", other, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			logs := &strings.Builder{}
			_, err := rag.New(t.Context(), rag.Options{Model: tt.model, Embedder: tt.embedder,
				Logger: slog.New(slog.NewTextHandler(logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Count(logs.String(), "fitted on another embedder"); got != map[bool]int{true: 1, false: 0}[tt.warn] {
				t.Errorf("%d warnings, want warn=%v; logs:\n%s", got, tt.warn, logs)
			}
		})
	}
}

// TestAnswerThresholdOverridesTheModels: Options.AnswerThreshold moves the
// line between answer and uncertain without touching the caller's model.
func TestAnswerThresholdOverridesTheModels(t *testing.T) {
	t.Parallel()
	docs := mustDefaultDocs(t)
	m := withThresholds(t, 1, 0) // on its own: everything uncertain
	for _, tt := range []struct {
		threshold float64
		want      briefing.State
	}{{0, briefing.StateUncertain}, {1e-9, briefing.StateAnswer}} {
		e := mustEngine(t, "", rag.Options{Model: m, AnswerThreshold: tt.threshold}, docs)
		a, err := e.Answer(context.Background(), briefing.Request{Question: ratifiedQ})
		if err != nil {
			t.Fatal(err)
		}
		if a.State != tt.want {
			t.Errorf("AnswerThreshold %g: state %q, want %q", tt.threshold, a.State, tt.want)
		}
	}
	if m.Thresholds.Answer != 1 {
		t.Errorf("the caller's model now has answer threshold %v", m.Thresholds.Answer)
	}
	for _, bad := range []float64{-0.1, 1.5} {
		if _, err := rag.New(t.Context(), rag.Options{AnswerThreshold: bad}); err == nil {
			t.Errorf("AnswerThreshold %g accepted", bad)
		}
	}
}
