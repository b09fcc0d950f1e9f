package fit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/eval"
)

// SeedFiles are the question files about the seed articles the committed
// model is fitted on, relative to the repository root: the shared
// development questions, near-miss and answerable questions written for
// fitting, and the seed sets earlier engines were developed on.
var SeedFiles = []string{
	"../shared/eval/dev.jsonl",
	"internal/relevance/fit/testdata/seed_fit.jsonl",
	"rag/testdata/heldout.jsonl",
	"rag/testdata/regressions.jsonl",
	"rag/testdata/harder.jsonl",
	"rag/testdata/blind3.jsonl",
}

// LoadSets reads the training sets: the SQuAD-it development split in
// squadDir (corpus/, it.jsonl, en.jsonl; skipped when empty), asked with
// its articles left out by fold too, and the seed question files, asked of
// the embedded seed corpus.
func LoadSets(ctx context.Context, squadDir string, seedFiles []string) ([]Set, error) {
	var sets []Set
	if squadDir != "" {
		docs, _, err := corpus.LoadDir(ctx, filepath.Join(squadDir, "corpus"))
		if err != nil {
			return nil, fmt.Errorf("fit: %w", err)
		}
		s := Set{Name: "squadit", Docs: docs, LeaveOut: true}
		for _, f := range []string{"it.jsonl", "en.jsonl"} {
			qs, err := loadQuestions(filepath.Join(squadDir, f))
			if err != nil {
				return nil, err
			}
			s.Questions = append(s.Questions, qs...)
		}
		sets = append(sets, s)
	}
	if len(seedFiles) > 0 {
		docs, _, err := corpus.Load(ctx, corpus.Default())
		if err != nil {
			return nil, fmt.Errorf("fit: seed corpus: %w", err)
		}
		s := Set{Name: "seed", Docs: docs}
		for _, f := range seedFiles {
			qs, err := loadQuestions(f)
			if err != nil {
				return nil, err
			}
			s.Questions = append(s.Questions, qs...)
		}
		sets = append(sets, s)
	}
	return sets, nil
}

func loadQuestions(path string) ([]eval.Question, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("fit: %w", err)
	}
	defer f.Close()
	qs, err := eval.Load(f)
	if err != nil {
		return nil, fmt.Errorf("fit: %s: %w", path, err)
	}
	return qs, nil
}
