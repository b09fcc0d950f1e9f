package analysis_test

import (
	"slices"
	"testing"

	"github.com/briefing/briefing/internal/analysis"
)

func TestSpellingGrams(t *testing.T) {
	t.Parallel()
	got := analysis.SpellingGrams("può")
	want := []string{"_", "p", "u", "ò", "_p", "pu", "uò", "ò_", "_pu", "può", "uò_", "_può", "può_"}
	if !slices.Equal(got, want) {
		t.Errorf("SpellingGrams(%q) = %q, want %q", "può", got, want)
	}
}

func TestParseSpellingModel(t *testing.T) {
	t.Parallel()
	m, err := analysis.ParseSpellingModel([]byte("# comment\n\n_\t-0.5\nà_\t2\nk\t-1.25\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		word string
		want float64
	}{
		{"città", -0.5 + 2},
		{"kick", -0.5 - 1.25*2},
		{"zzz", -0.5}, // only the intercept
	}
	for _, tt := range tests {
		if got := m.Score(tt.word); got != tt.want {
			t.Errorf("Score(%q) = %v, want %v", tt.word, got, tt.want)
		}
	}
}

func TestParseSpellingModelErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, data string }{
		{"empty", "# only a comment\n"},
		{"no tab", "ab 1\n"},
		{"gram too long", "abcde\t1\n"},
		{"repeated gram", "ab\t1\nab\t2\n"},
		{"bad weight", "ab\tone\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := analysis.ParseSpellingModel([]byte(tt.data)); err == nil {
				t.Errorf("ParseSpellingModel(%q) = nil error, want one", tt.data)
			}
		})
	}
}
