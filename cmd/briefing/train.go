package main

import (
	"context"
	"fmt"
	"os"

	"github.com/briefing/briefing/internal/relevance/fit"
	"github.com/briefing/briefing/internal/translate"
	"github.com/spf13/cobra"
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
the embedded seed corpus.`,
		Example: `  # from the repository root: refit the committed model
  briefing train --squad ../shared/eval/squadit --out internal/relevance/weights.json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			sets, err := a.trainSets(ctx, squad, seeds)
			if err != nil {
				return err
			}
			opts := fit.Options{Logf: func(f string, args ...any) { fmt.Fprintf(a.stderr, f+"\n", args...) }}
			tr, err := translate.NewApertium(translate.Options{})
			if err != nil {
				fmt.Fprintf(a.stderr, "training without question translations: %v\n", err)
			} else {
				defer tr.Close()
				opts.Translate, opts.From, opts.To = tr.TranslateBatch, "en", "it"
			}
			m, rep, err := fit.Train(ctx, sets, opts)
			if err != nil {
				return err
			}
			if asJSON {
				if err := writeJSON(a.stdout, rep); err != nil {
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

func (a *app) trainSets(ctx context.Context, squad string, seeds []string) ([]fit.Set, error) {
	if squad == "" && len(seeds) == 0 {
		return nil, usageErr(fmt.Errorf("train: give --squad or --seed"))
	}
	return fit.LoadSets(ctx, squad, seeds)
}
