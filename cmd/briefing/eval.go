package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/cliout"
	"github.com/briefing/briefing/internal/eval"
)

// defaultEvalK is the retrieval depth the offline targets are set at.
const defaultEvalK = 3

// newEvalCmd builds "briefing eval FILE".
func newEvalCmd(a *app) *cobra.Command {
	var (
		asJSON bool
		k      int
		noLLM  bool
		gloss  bool
	)
	cmd := &cobra.Command{
		Use:   "eval FILE",
		Short: "Score retrieval and answers on a file of questions with gold evidence",
		Long: `Run every question of FILE (JSON lines: id, lang, question, evidence,
answer_any, answerable; "-" reads stdin) through search and answer, and report
recall@k and MRR (overall and per language), keyword accuracy, citation hit
rate, refusal accuracy, false refusals, and latency percentiles. Answers are
the engine's own; --gloss also asks for the quotes' machine translations,
as ask and the bot do, so the latencies include them.`,
		Example: `  briefing eval internal/eval/testdata/dev.jsonl   # from the repository root
  briefing eval --k 5 --json my-questions.jsonl`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if k < 1 {
				return usageErr(fmt.Errorf("--k %d: want at least 1", k))
			}
			qs, err := a.loadQuestions(args[0])
			if err != nil {
				return err
			}
			cfg, err := a.loadConfig(cmd, nil)
			if err != nil {
				return err
			}
			s, err := a.open(ctx, cfg, openOptions{noLLM: noLLM})
			if err != nil {
				return err
			}
			// Latencies are of a running engine, not of its translators'
			// first start.
			starts := []func(context.Context) error{a.startQuestions}
			var eng eval.Engine = s.eng
			if gloss {
				eng = glossing{s.eng}
				starts = append(starts, a.startGlosses)
			}
			for _, start := range starts {
				if start == nil {
					continue
				}
				sctx, cancel := context.WithTimeout(ctx, startTimeout)
				err := start(sctx)
				cancel()
				if err != nil {
					s.logger.Warn("translator did not start; the first question starts it", "err", err)
				}
			}
			rep, err := eval.Run(ctx, eng, s.docs, qs, k)
			if err != nil {
				return fmt.Errorf("eval: %w", err)
			}
			if asJSON {
				err = cliout.WriteJSON(a.stdout, rep)
			} else {
				err = cliout.WriteReport(a.stdout, rep)
			}
			if err != nil {
				return err
			}
			if rep.Errors > 0 {
				return fmt.Errorf("eval: the engine failed on %d of %d questions", rep.Errors, rep.Questions)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.Flags().IntVar(&k, "k", defaultEvalK, "retrieval depth of recall@k and MRR")
	cmd.Flags().BoolVar(&noLLM, "no-llm", false, "answer extractively even when an LLM is configured")
	cmd.Flags().BoolVar(&gloss, "gloss", false, "ask for quote glosses, as ask and the bot do (their time counts in the latencies)")
	return cmd
}

// loadQuestions reads an evaluation file, or stdin for "-".
func (a *app) loadQuestions(path string) ([]eval.Question, error) {
	r := a.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, usageErr(fmt.Errorf("eval file: %w", err))
		}
		defer f.Close()
		r = f
	}
	qs, err := eval.Load(r)
	if err != nil {
		return nil, usageErr(fmt.Errorf("eval file %s:\n  %s", path, strings.ReplaceAll(err.Error(), "\n", "\n  ")))
	}
	return qs, nil
}

// glossing asks the engine for quote glosses on every answer.
type glossing struct{ eval.Engine }

func (g glossing) Answer(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
	req.Gloss = true
	return g.Engine.Answer(ctx, req)
}
