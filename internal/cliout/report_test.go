package cliout

import (
	"strings"
	"testing"

	"github.com/briefing/briefing/internal/eval"
)

// TestReportShowsUndefinedSharesAsDashes: a share over no question (no
// answer in state answer, no unanswerable question) is shown as "—", not as
// a score of 0 that reads as a failure.
func TestReportShowsUndefinedSharesAsDashes(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	rep := eval.Report{Questions: 2, Answerable: 2, K: 3,
		Answers: eval.Answers{KeywordAccuracy: 0.5, CitationHitRate: 1, Answerable: 2}}
	if err := WriteReport(&b, rep); err != nil {
		t.Fatal(err)
	}
	want := "all            0.500     1.000     0.000         —         —        0\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("report lacks the row %q:\n%s", want, b.String())
	}
}
