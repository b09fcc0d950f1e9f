package ground

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		want       []answerSentence
	}{
		{"plain", "Kim andò a Mosca [1]. Putin lo ricevette [2].",
			[]answerSentence{{"", "Kim andò a Mosca [1]."}, {" ", "Putin lo ricevette [2]."}}},
		{"marker after the period", "Kim andò a Mosca. [1] Putin lo ricevette. [2][3]",
			[]answerSentence{{"", "Kim andò a Mosca. [1]"}, {" ", "Putin lo ricevette. [2][3]"}}},
		{"marker line", "Kim andò a Mosca.\n[1].\n\nPutin lo ricevette [2].",
			[]answerSentence{{"", "Kim andò a Mosca.\n[1]."}, {"\n\n", "Putin lo ricevette [2]."}}},
		{"leading marker of the first sentence stays", "[1] Kim andò a Mosca.",
			[]answerSentence{{"", "[1] Kim andò a Mosca."}}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := splitAnswer(tt.text)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(answerSentence{})); diff != "" {
				t.Errorf("splitAnswer(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}
