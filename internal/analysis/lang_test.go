package analysis_test

import (
	"testing"

	"github.com/briefing/briefing/internal/analysis"
)

func TestDetectLang(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want string
	}{
		{"Quando?", "it"},
		{"quando", "it"},
		{"Chi ha firmato il trattato?", "it"},
		{"Perche la Corea del Nord aiuta la Russia?", "it"},
		{"Quanti soldati sono morti a Kursk?", "it"},
		{"Cosa ottiene Pyongyang in cambio?", "it"},
		{"qual'e la posizione di Trump", "it"},
		{"Dove si trova Kursk", "it"},
		{"Che cosa prevede l’articolo 4?", "it"},
		{"ratifica trattato", "it"},
		{"When did North Korea approve the treaty?", "en"},
		{"Who is Lavrov?", "en"},
		{"How many soldiers died?", "en"},
		{"What technology did Russia share", "en"},
		{"which country recognised north korea first", "en"},
		{"wat did kim get in exchnage", "en"},
		{"Why?", "en"},
		{"", "en"},
		{"Kursk", "en"},
		{"I legami storici tra la Corea del Nord e la Russia sono stati ulteriormente rafforzati.", "it"},
		{"The historical ties between North Korea and Russia have been strengthened further.", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			if got := analysis.DetectLang(tt.text); got != tt.want {
				t.Errorf("DetectLang(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestWantsLatest(t *testing.T) {
	t.Parallel()
	for q, want := range map[string]bool{
		"Quali sono le ultime notizie sulla Corea del Nord?": true,
		"What is the most recent statement by Lavrov?":       true,
		"latest on the treaty":                               true,
		"Novità sul trattato?":                               true,
		"Who signed the treaty?":                             false,
		"Quando è stato firmato il trattato?":                false,
		"ultimatum":                                          false,
	} {
		if got := analysis.WantsLatest(q); got != want {
			t.Errorf("WantsLatest(%q) = %v, want %v", q, got, want)
		}
	}
}
