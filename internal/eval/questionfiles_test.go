package eval

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/briefing/briefing/corpus"
)

// TestSeedQuestionFilesMatchTheCorpus checks every question file about the
// embedded seed articles (the sets the model is fitted on, the held-out
// ones and the written experiments) against the articles: the file loads
// (Load refuses a repeated id), an answerable question has evidence and
// answer groups and an unanswerable one neither, and each evidence string
// is verbatim in an article or its title. A file that drifts from the
// corpus would score its questions against passages that no longer exist.
func TestSeedQuestionFilesMatchTheCorpus(t *testing.T) {
	docs, _, err := corpus.Load(context.Background(), corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	bodies := map[string]string{}
	titles := map[string]string{}
	for _, d := range docs {
		bodies[d.ID] = d.Body
		titles[d.ID] = d.Title
	}
	var files []string
	for _, pat := range []string{"testdata/*.jsonl", "../../rag/testdata/*.jsonl", "../relevance/fit/testdata/*.jsonl"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 10 {
		t.Fatalf("found %d question files, want the seed sets: %q", len(files), files)
	}
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		qs, err := Load(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		for _, q := range qs {
			if q.Answerable != (len(q.Evidence) > 0 && len(q.AnswerAny) > 0) {
				t.Errorf("%s: %s answerable=%v with %d evidence strings and %d answer groups", path, q.ID, q.Answerable, len(q.Evidence), len(q.AnswerAny))
			}
			// A question about an article's title (blind4 has one) gives
			// the title as evidence: the eval warns that no passage holds
			// it and counts the question missed, but it is no drift.
			_, missing := locate(bodies, q.Evidence)
			if _, inTitle := locate(titles, missing); len(missing) > 0 && len(inTitle) > 0 {
				t.Errorf("%s: %s: evidence in no article: %q", path, q.ID, inTitle)
			}
		}
	}
}
