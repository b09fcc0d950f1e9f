package rag_test

import (
	"context"
	"os"
	"testing"

	"github.com/briefing/briefing/internal/eval"
	"github.com/briefing/briefing/internal/translate"
	"github.com/briefing/briefing/rag"
)

// TestRetrievalQuality holds the offline defaults to the targets of the
// product on the development questions, on a held-out set written without
// looking at the engine's results, and on regressions found in review. Either failing means a change made
// answers worse.
func TestRetrievalQuality(t *testing.T) {
	t.Parallel()
	sets := map[string]string{
		"dev":     "../internal/eval/testdata/dev.jsonl",
		"heldout": "testdata/heldout.jsonl",
		// Questions a code review found mishandled, kept once fixed; not
		// blind like the held-out set.
		"regressions": "testdata/regressions.jsonl",
	}
	if _, err := os.Stat("../../shared/eval/dev.jsonl"); err == nil {
		sets["dev"] = "../../shared/eval/dev.jsonl"
	}
	docs := mustDefaultDocs(t)
	e := mustEngine(t, "", productOptions(t), docs)
	for name, path := range sets {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			qs, err := eval.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := eval.Run(context.Background(), e, docs, qs, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rep.Results {
				if !r.AnswerOK || !r.CitationsOK {
					t.Logf("%s: rank=%d refused=%v answer_ok=%v citations_ok=%v", r.ID, r.Rank, r.Refused, r.AnswerOK, r.CitationsOK)
				}
			}
			checks := []struct {
				name      string
				got, want float64
			}{
				{"recall@3", rep.Retrieval.RecallAtK, 0.95},
				{"recall@3 it", rep.Retrieval.ByLang["it"].RecallAtK, 1},
				{"MRR", rep.Retrieval.MRR, 0.9},
				{"keyword accuracy", rep.Answers.KeywordAccuracy, 0.9},
				{"refusal accuracy", rep.Answers.RefusalAccuracy, 1},
			}
			for _, c := range checks {
				if c.got < c.want {
					t.Errorf("%s %s = %.3f, want >= %.2f", name, c.name, c.got, c.want)
				}
			}
			if rep.Answers.FalseRefusals != 0 {
				t.Errorf("%s false refusals = %d, want 0", name, rep.Answers.FalseRefusals)
			}
		})
	}
}

// TestRetrievalQualityFloors guards the level reached on two sets written
// blind by other authors and then used to improve the engine, so the floors
// are the scores measured when each was added: they catch regressions, they
// do not prove targets. harder.jsonl (44) has paraphrases with synonyms the
// glossary lacks, yes/no and comparison questions, questions spanning both
// articles; blind3.jsonl (30) imitates the dev questions, with near-miss
// unanswerable ones (the outcome of talks the articles only announce), which
// a lexical engine mostly fails to refuse.
func TestRetrievalQualityFloors(t *testing.T) {
	t.Parallel()
	docs := mustDefaultDocs(t)
	e := mustEngine(t, "", productOptions(t), docs)
	tests := []struct {
		file                             string
		recall, mrr, keywords, citations float64
		refusals                         float64
		falseRefusals                    int
	}{
		{"testdata/harder.jsonl", 0.95, 0.89, 0.7, 0.8, 0.9, 3},
		{"testdata/blind3.jsonl", 0.95, 0.95, 0.95, 0.95, 0.4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			qs, err := eval.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := eval.Run(context.Background(), e, docs, qs, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{
				{"recall@3", rep.Retrieval.RecallAtK, tt.recall},
				{"MRR", rep.Retrieval.MRR, tt.mrr},
				{"keyword accuracy", rep.Answers.KeywordAccuracy, tt.keywords},
				{"citation hit rate", rep.Answers.CitationHitRate, tt.citations},
				{"refusal accuracy", rep.Answers.RefusalAccuracy, tt.refusals},
			} {
				if c.got < c.want {
					t.Errorf("%s = %.3f, want >= %.2f", c.name, c.got, c.want)
				}
			}
			if rep.Answers.FalseRefusals > tt.falseRefusals {
				t.Errorf("false refusals = %d, want <= %d", rep.Answers.FalseRefusals, tt.falseRefusals)
			}
		})
	}
}

// productOptions are the offline defaults as briefing runs them, with the
// Apertium translator for English questions. The floors are the product's
// with it (the answer model was fitted with its translations; without it,
// harder.jsonl's recall@3 is 0.94), so without Apertium the quality tests
// skip, and where BRIEFING_REQUIRE_APERTIUM is set, as CI sets it, they
// fail instead.
func productOptions(t *testing.T) rag.Options {
	t.Helper()
	tr := apertium(t, translate.Options{}, "the quality floors are those of the product with its translator")
	return rag.Options{Translator: tr, TranslateFrom: "en", TranslateTo: "it"}
}

// apertium returns a Translator closed at the end of the test; without
// Apertium the test skips, saying why it needs it, or fails where
// BRIEFING_REQUIRE_APERTIUM is set.
func apertium(t *testing.T, opts translate.Options, why string) *translate.Translator {
	t.Helper()
	tr, err := translate.NewApertium(opts)
	if err != nil {
		if os.Getenv("BRIEFING_REQUIRE_APERTIUM") != "" {
			t.Fatalf("apertium: %v", err)
		}
		t.Skipf("apertium not installed (%v): %s", err, why)
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}
