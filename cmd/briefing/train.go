package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/internal/cliout"
	"github.com/briefing/briefing/internal/relevance/fit"
	"github.com/briefing/briefing/rag/hashed"
)

// newTrainCmd builds "briefing train": fit the answer model.
func newTrainCmd(a *app) *cobra.Command {
	var (
		squad  string
		seeds  []string
		out    string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Fit the answer model (relevance, answerability, sentence) on development questions",
		Long: `Fit the four logistic models of the answer model on development question
sets, cross-validated by article, print the cross-validated scores and, with
--out, write the model file (internal/relevance/weights.json in the
repository). The SQuAD-it development split (--squad DIR: DIR/corpus,
DIR/it.jsonl, DIR/en.jsonl) is asked of its corpus, and of the corpus without
each fold's articles to make unanswerable questions; --seed files are asked of
the embedded seed corpus.

The model is fitted as the engine runs under the configuration: its glossary
files, chunking, translator and embedder. The file records the embedder; the
engine warns when it runs a model fitted on another embedder, so with
embedder.provider openai fit one and set retrieval.answer_model to it.`,
		Example: `  # from the repository root: refit the committed model
  briefing train --squad ../shared/eval/squadit --out internal/relevance/weights.json

  # a model for the embedder configured in briefing.yaml
  briefing --config briefing.yaml train --squad ../shared/eval/squadit --out answer-model.json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			sets, err := a.trainSets(ctx, squad, seeds)
			if err != nil {
				return err
			}
			opts, err := a.fitOptions(cmd)
			if err != nil {
				return err
			}
			m, rep, err := fit.Train(ctx, sets, opts)
			if err != nil {
				return err
			}
			if asJSON {
				if err := cliout.WriteJSON(a.stdout, rep); err != nil {
					return err
				}
			} else {
				rep.Print(a.stdout)
			}
			if out != "" {
				data, err := fit.Encode(m, rep, sets)
				if err != nil {
					return err
				}
				if err := os.WriteFile(out, data, 0o644); err != nil {
					return fmt.Errorf("train: write model: %w", err)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&squad, "squad", "", "SQuAD-it development split directory (corpus/, it.jsonl, en.jsonl)")
	cmd.Flags().StringArrayVar(&seeds, "seed", fit.SeedFiles, "question file about the embedded seed corpus (repeatable; default: the committed model's)")
	cmd.Flags().StringVar(&out, "out", "", "write the fitted model to this file")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the cross-validated report as JSON")
	return cmd
}

// fitOptions fits under the loaded configuration, as the engine would run
// with it: its glossary, chunking, translator and embedder. A model fitted
// for a configured embedder records it, and retrieval.answer_model then
// selects the file.
func (a *app) fitOptions(cmd *cobra.Command) (fit.Options, error) {
	cfg, err := a.loadConfig(cmd, nil)
	if err != nil {
		return fit.Options{}, err
	}
	// Training reads no answer model, and the configured one may be the
	// file this run is about to write.
	cfg.Retrieval.AnswerModel = ""
	eo, err := a.engineOptions(cfg, newLogger(cfg, a.stderr, "text"))
	if err != nil {
		return fit.Options{}, err
	}
	opts := fit.Options{
		Analyzer: analysis.New(eo.Glossary),
		Chunk:    eo.Chunk,
		Embedder: eo.Embedder,
		Logf:     func(f string, args ...any) { fmt.Fprintf(a.stderr, f+"\n", args...) },
	}
	if opts.Embedder == nil {
		opts.Embedder = hashed.New(eo.HashedDimensions, opts.Analyzer)
	}
	if tr := eo.Translator; tr != nil {
		opts.From, opts.To = eo.TranslateFrom, eo.TranslateTo
		opts.Translate = func(ctx context.Context, texts []string) ([]string, error) {
			if b, ok := tr.(interface {
				TranslateBatch(context.Context, []string) ([]string, error)
			}); ok {
				return b.TranslateBatch(ctx, texts)
			}
			out := make([]string, len(texts))
			for i, t := range texts {
				var err error
				if out[i], err = tr.Translate(ctx, t); err != nil {
					return nil, err
				}
			}
			return out, nil
		}
	} else {
		fmt.Fprintln(a.stderr, "training without question translations (retrieval.translator is none or Apertium is not installed)")
	}
	return opts, nil
}

func (a *app) trainSets(ctx context.Context, squad string, seeds []string) ([]fit.Set, error) {
	if squad == "" && len(seeds) == 0 {
		return nil, usageErr(fmt.Errorf("train: give --squad or --seed"))
	}
	return fit.LoadSets(ctx, squad, seeds)
}
