package analysis_test

import (
	"strings"
	"testing"

	"github.com/briefing/briefing/internal/analysis"
)

func TestIsNumberWord(t *testing.T) {
	yes := []string{"due", "tre", "sei", "quattordici", "ventitre", "ventuno", "trentacinque", "cento",
		"duecentomila", "cinquantamila", "milioni", "migliaia", "manciata", "fifteen", "thousands", "dozen"}
	no := []string{"un", "uno", "una", "one", "cent", "mila", "vent", "treno", "ottobre", "settembre",
		"ottone", "dove", "truppe", "many", "", strings.Repeat("trenta", 1000)}
	for _, w := range yes {
		if !analysis.IsNumberWord(w) {
			t.Errorf("IsNumberWord(%q) = false, want true", w)
		}
	}
	for _, w := range no {
		if analysis.IsNumberWord(w) {
			t.Errorf("IsNumberWord(%q) = true, want false", w)
		}
	}
}

func TestIsMonth(t *testing.T) {
	for w, want := range map[string]bool{"novembre": true, "giugno": true, "june": true, "may": false, "maggio": true, "lunedi": false} {
		if got := analysis.IsMonth(w); got != want {
			t.Errorf("IsMonth(%q) = %v, want %v", w, got, want)
		}
	}
}
