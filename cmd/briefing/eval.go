package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/briefing/briefing/internal/eval"
	"github.com/briefing/briefing/internal/safetext"
	"github.com/spf13/cobra"
)

// defaultEvalK is the retrieval depth the offline targets are set at.
const defaultEvalK = 3

// newEvalCmd builds "briefing eval FILE".
func newEvalCmd(a *app) *cobra.Command {
	var (
		asJSON bool
		k      int
		noLLM  bool
	)
	cmd := &cobra.Command{
		Use:   "eval FILE",
		Short: "Score retrieval and answers on a file of questions with gold evidence",
		Long: `Run every question of FILE (JSON lines: id, lang, question, evidence,
answer_any, answerable; "-" reads stdin) through search and answer, and report
recall@k and MRR (overall and per language), keyword accuracy, citation hit
rate, refusal accuracy, false refusals, and latency percentiles.`,
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
			rep, err := eval.Run(ctx, s.eng, s.docs, qs, k)
			if err != nil {
				return fmt.Errorf("eval: %w", err)
			}
			if asJSON {
				err = writeJSON(a.stdout, rep)
			} else {
				err = writeReport(a.stdout, rep)
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

// writeReport prints an evaluation report as a compact table, then every
// question that missed something.
func writeReport(w io.Writer, r eval.Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%d questions (%d answerable, %d unanswerable), k=%d\n\n", r.Questions, r.Answerable, r.Unanswerable, r.K)
	fmt.Fprintf(&b, "%-10s %10s %8s %10s\n", "retrieval", "questions", "MRR", fmt.Sprintf("recall@%d", r.K))
	fmt.Fprintf(&b, "%-10s %10d %8.3f %10.3f\n", "all", r.Answerable, r.Retrieval.MRR, r.Retrieval.RecallAtK)
	langs := make([]string, 0, len(r.Retrieval.ByLang))
	for l := range r.Retrieval.ByLang {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, l := range langs {
		s := r.Retrieval.ByLang[l]
		fmt.Fprintf(&b, "%-10s %10d %8.3f %10.3f\n", l, s.Questions, s.MRR, s.RecallAtK)
	}
	fmt.Fprintf(&b, "\n%-10s %9s %9s %9s %9s %9s %8s\n", "answers", "answer_ok", "citations", "answered", "precision", "refusal", "refused")
	// A share over no question is shown as "—", not as a score of 0.
	share := func(v float64, over int) string {
		if over == 0 {
			return "        —" // padded by hand: %9s counts bytes
		}
		return fmt.Sprintf("%9.3f", v)
	}
	row := func(name string, a eval.Answers) {
		fmt.Fprintf(&b, "%-10s %s %s %s %s %s %8d\n", name, share(a.KeywordAccuracy, a.Answerable),
			share(a.CitationHitRate, a.Answerable), share(a.AnsweredShare, a.Answerable),
			share(a.ConfidentPrecision, a.Confident), share(a.RefusalAccuracy, a.Unanswerable), a.FalseRefusals)
	}
	row("all", r.Answers)
	alangs := make([]string, 0, len(r.Answers.ByLang))
	for l := range r.Answers.ByLang {
		alangs = append(alangs, l)
	}
	slices.Sort(alangs)
	for _, l := range alangs {
		row(l, r.Answers.ByLang[l])
	}
	b.WriteString("(answer_ok: not refused, gold words in the text; answered: answerable questions in state answer; precision: of state answer, answerable and right; refusal: unanswerable not in state answer; refused: answerable in state refused)\n")
	fmt.Fprintf(&b, "latency    retrieval p50 %.1f ms  p95 %.1f ms   answer p50 %.1f ms  p95 %.1f ms\n",
		r.LatencyMS.RetrievalP50, r.LatencyMS.RetrievalP95, r.LatencyMS.AnswerP50, r.LatencyMS.AnswerP95)
	for _, warn := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", warn)
	}

	var failures []string
	for _, res := range r.Results {
		var why []string
		switch {
		case res.Error != "":
			why = append(why, "error: "+res.Error)
		case res.Answerable:
			if res.Rank == 0 {
				why = append(why, fmt.Sprintf("no relevant passage in top %d", r.K))
			}
			if res.Refused {
				why = append(why, "refused")
			} else if res.State == "uncertain" && !res.AnswerOK {
				why = append(why, "uncertain, and the closest passages lack the expected keywords")
			} else if res.State == "uncertain" {
				why = append(why, "uncertain (the closest passages hold the answer)")
			} else if !res.AnswerOK {
				why = append(why, "answer lacks the expected keywords")
			}
			if !res.CitationsOK {
				why = append(why, "no relevant passage cited")
			}
		default:
			if !res.AnswerOK {
				why = append(why, "answered instead of saying the corpus does not")
			}
			if !res.CitationsOK {
				why = append(why, "cited passages for an unanswerable question")
			}
		}
		if len(why) > 0 {
			failures = append(failures, fmt.Sprintf("  %s (%s) %s\n    %s\n    answer: %s\n",
				res.ID, res.Lang, strings.Join(why, "; "), res.Question, truncate(oneLine(res.Answer), 160)))
		}
	}
	if len(failures) == 0 {
		b.WriteString("\nno failures\n")
	} else {
		fmt.Fprintf(&b, "\nfailures (%d):\n%s", len(failures), strings.Join(failures, ""))
	}
	_, err := io.WriteString(w, safetext.Terminal(b.String()))
	return err
}

// truncate shortens s to at most n characters, marking the cut with "…".
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
