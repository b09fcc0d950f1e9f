package cliout

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/briefing/briefing/internal/eval"
	"github.com/briefing/briefing/internal/safetext"
)

// WriteReport prints an evaluation report as a compact table, then every
// question that missed something.
func WriteReport(w io.Writer, r eval.Report) error {
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
