package analysis_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
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

// TestDetectLangNewsQueries: two- to four-word news searches, as people
// type them, with and without names. Written for this test, not taken from
// any evaluation set. Two queries of the kind are known misses and not
// asserted: "vertice NATO" (the model scores "vertice" English) and
// "Zelensky a Washington" (a leading name counts as a word, and "a" is
// both languages' function word).
func TestDetectLangNewsQueries(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"truppe nordcoreane a Kursk", "it"},
		{"summary truppe nordcoreane", "it"},
		{"sanzioni alla Russia", "it"},
		{"accordo militare", "it"},
		{"riassunto", "it"},
		{"riassunto della settimana", "it"},
		{"elezioni in Germania", "it"},
		{"prezzo del gas", "it"},
		{"guerra in Ucraina", "it"},
		{"attacco con droni", "it"},
		{"colloqui di pace", "it"},
		{"Putin e Trump", "it"},
		{"inflazione nell'eurozona", "it"},
		{"missili ipersonici", "it"},
		{"nuove sanzioni", "it"},
		{"esercitazioni navali", "it"},
		{"scambio di prigionieri", "it"},
		{"tregua a Gaza", "it"},
		{"missile launch", "en"},
		{"summit in Moscow", "en"},
		{"summary", "en"},
		{"weekly summary", "en"},
		{"peace talks", "en"},
		{"oil prices", "en"},
		{"sanctions on Russia", "en"},
		{"drone strikes", "en"},
		{"nuclear weapons", "en"},
		{"election results", "en"},
		{"ceasefire agreement", "en"},
		{"troops in Kursk", "en"},
		{"Kim visit to Russia", "en"},
		{"military aid", "en"},
		{"gas pipeline", "en"},
		{"trade war", "en"},
		{"prisoner swap", "en"},
		{"truce in Gaza", "en"},
		{"Zelensky in Washington", "en"},
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

// TestGuessLang: function words only; when they tie, the caller's language,
// whatever the spelling says.
func TestGuessLang(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, tie, want string }{
		{"Lavrov Pyongyang", "it", "it"},
		{"Lavrov Pyongyang", "en", "en"},
		{"truppe nordcoreane", "en", "en"},
		{"summary", "it", "it"},
		{"Chi ha firmato il trattato?", "en", "it"},
		{"Who signed the treaty?", "it", "en"},
		{"", "it", "it"},
	}
	for _, tt := range tests {
		if got := analysis.GuessLang(tt.text, tt.tie); got != tt.want {
			t.Errorf("GuessLang(%q, %q) = %q, want %q", tt.text, tt.tie, got, tt.want)
		}
	}
}

// TestDetectLangSQuADit measures DetectLang on the SQuAD-it development
// questions (../shared/eval/squadit beside the repository; skipped when
// absent), never used to fit it, on each whole question and on its first
// two and three words. Measured (old hand-set cues → fitted spelling
// model):
//
//	it (4,368): whole 0.9998 → 0.9998, 2 words 0.9904 → 0.9899, 3 words 0.9966 → 0.9963
//	en (646):   whole 1.0000 → 1.0000, 2 words 0.9954 → 0.9985, 3 words 0.9969 → 1.0000
//
// The floors sit a little below the fitted figures.
func TestDetectLangSQuADit(t *testing.T) {
	t.Parallel()
	dir := "../../../shared/eval/squadit"
	floors := map[string]map[int]float64{ // language → words (0: all) → floor
		"it": {0: 0.999, 2: 0.988, 3: 0.995},
		"en": {0: 0.998, 2: 0.996, 3: 0.997},
	}
	for _, lang := range []string{"it", "en"} {
		data, err := os.ReadFile(filepath.Join(dir, lang+".jsonl"))
		if err != nil {
			t.Skipf("SQuAD-it development questions not beside the repository: %v", err)
		}
		var n int
		right := map[int]int{}
		for line := range strings.Lines(string(data)) {
			var q struct {
				Lang     string `json:"lang"`
				Question string `json:"question"`
			}
			if err := json.Unmarshal([]byte(line), &q); err != nil {
				t.Fatalf("%s.jsonl: %v", lang, err)
			}
			n++
			words := strings.Fields(q.Question)
			for k := range floors[lang] {
				text := q.Question
				if k > 0 && len(words) > k {
					text = strings.Join(words[:k], " ")
				}
				if analysis.DetectLang(text) == q.Lang {
					right[k]++
				}
			}
		}
		for k, floor := range floors[lang] {
			if got := float64(right[k]) / float64(n); got < floor {
				t.Errorf("%s questions, first %d words (0: all): accuracy %.4f, want at least %.3f", lang, k, got, floor)
			}
		}
	}
}

// TestDetectLangAcronyms: a word in capitals is an acronym, not the
// function word it spells ("UN" is not the article "un", "IS" not the
// verb), unless the whole text is in capitals.
func TestDetectLangAcronyms(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"UN sanctions", "en"},
		{"UN peacekeepers in Lebanon", "en"},
		{"attentato IS a Mosca", "it"},
		{"WHO: tregua a Gaza", "it"},
		{"È grave", "it"}, // one capital letter, two bytes: a word, not an acronym
		{"CHI HA FIRMATO IL TRATTATO?", "it"},
		{"WHO SIGNED THE TREATY?", "en"},
	}
	checkDetectLang(t, tests)
}

// checkDetectLang checks DetectLang on each text.
func checkDetectLang(t *testing.T, tests []struct{ text, want string }) {
	t.Helper()
	for _, tt := range tests {
		if got := analysis.DetectLang(tt.text); got != tt.want {
			t.Errorf("DetectLang(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestDetectLangMarkupAndForms: pasted markup's single letters ("<b>") and
// compatibility forms (fullwidth capitals) do not decide the language.
func TestDetectLangMarkupAndForms(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"truppe nordcoreane <b>Kursk</b>", "it"},
		{"<i>nordcoreane</i> <b>truppe</b>", "it"},
		{"<b>troops</b> sent to Kursk", "en"},
		{"ＱＵＡＮＤＯ ＩＬ ＰＡＲＬＡＭＥＮＴＯ ＨＡ ＲＡＴＩＦＩＣＡＴＯ ＩＬ ＴＲＡＴＴＡＴＯ?", "it"},
		{"ｗｈｅｎ ｗａｓ ｔｈｅ ｔｒｅａｔｙ ｓｉｇｎｅｄ?", "en"},
	}
	checkDetectLang(t, tests)
}

func TestMainLang(t *testing.T) {
	t.Parallel()
	tests := []struct {
		langs []string
		want  string
	}{
		{nil, "en"},
		{[]string{"it", "en", "it"}, "it"},
		{[]string{"it", "en"}, "en"}, // a tie goes to the alphabetically first
		{[]string{"fr"}, "fr"},
	}
	for _, tt := range tests {
		if got := analysis.MainLang(tt.langs); got != tt.want {
			t.Errorf("MainLang(%q) = %q, want %q", tt.langs, got, tt.want)
		}
	}
}
