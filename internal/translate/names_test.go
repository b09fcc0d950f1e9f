package translate

import (
	"context"
	"strings"
	"testing"
)

var testNames = map[string]string{
	"Mosca": "Moscow", "Corea del Nord": "North Korea", "Corea": "Korea",
	"Salta": "Salta", "Ucraina": "Ukraine",
}

func TestProtectNames(t *testing.T) {
	t.Parallel()
	n := newNames(testNames)
	tests := []struct {
		text, want string
		forms      []string
	}{
		// The longest name wins, as whole words and as written.
		{"La Corea del Nord aiuta Mosca.", "La Zqxjaa aiuta Zqxjab.", []string{"North Korea", "Moscow"}},
		{"La Corea e Moscati.", "La Zqxjaa e Moscati.", []string{"Korea"}},
		{"una mosca in Ucraina", "una mosca in Zqxjaa", []string{"Ukraine"}},
		// At a sentence start only a name that translates counts.
		{"Salta il vertice. Mosca tace.", "Salta il vertice. Zqxjaa tace.", []string{"Moscow"}},
		{"Nato a Salta, in Argentina.", "Nato a Zqxjaa, in Argentina.", []string{"Salta"}},
		{"«Mosca» ha detto: Salta.", "«Zqxjaa» ha detto: Salta.", []string{"Moscow"}},
		// Capitalised hyphenated words are kept as written.
		{"Kim Jong-Un e Kim Il-sung", "Kim Zqxjaa e Kim Zqxjab", []string{"Jong-Un", "Il-sung"}},
		{"il russo-nordcoreano e Jong-", "il russo-nordcoreano e Jong-", nil},
		// So are capitalised words in a row holding an article or a
		// preposition, except one starting a sentence.
		{"il leader della Corea del Nord Kim Jong Un.", "il leader della Zqxjaa Zqxjab.", []string{"North Korea", "Kim Jong Un"}},
		{"Lo ha scritto La Stampa, poi Il Sole.", "Lo ha scritto Zqxjaa, poi Zqxjab.", []string{"La Stampa", "Il Sole"}},
		{"Lo ha scritto «La Stampa» ieri.", "Lo ha scritto «Zqxjaa» ieri.", []string{"La Stampa"}},
		{"Il Cremlino tace. La Russia no.", "Il Cremlino tace. La Russia no.", nil},
		{"ha detto La guerra", "ha detto La guerra", nil},
		// A line break starts a sentence: a heading ends without a mark.
		{"Corea del Nord e Russia\n\nIl Cremlino ha detto.", "Zqxjaa e Russia\n\nIl Cremlino ha detto.", []string{"North Korea"}},
		{"Vertice a Roma\nSalta il vertice.", "Vertice a Roma\nSalta il vertice.", nil},
		// A text holding the placeholder prefix is left alone.
		{"Zqxjaa a Mosca", "Zqxjaa a Mosca", nil},
		{"", "", nil},
	}
	for _, tt := range tests {
		got, forms := n.protect(tt.text)
		if got != tt.want || strings.Join(forms, "|") != strings.Join(tt.forms, "|") {
			t.Errorf("protect(%q) = %q, %q; want %q, %q", tt.text, got, forms, tt.want, tt.forms)
		}
	}
}

func TestRestoreNames(t *testing.T) {
	t.Parallel()
	forms := []string{"North Korea", "Moscow"}
	if got, ok := restore("The zqxjaa helps Zqxjab.", forms); !ok || got != "The North Korea helps Moscow." {
		t.Errorf("restore = %q, %v", got, ok)
	}
	// Letters whose lowercase is longer do not move the placeholder.
	if got, ok := restore("İİİİİİİİ Zqxjaa", forms[:1]); !ok || got != "İİİİİİİİ North Korea" {
		t.Errorf("restore after İ = %q, %v", got, ok)
	}
	for _, out := range []string{"The Zqxjaa helps.", "Zqxjaa Zqxjaa Zqxjab"} {
		if _, ok := restore(out, forms); ok {
			t.Errorf("restore(%q) ok, want a lost or doubled placeholder reported", out)
		}
	}
}

// TestNamesThroughAPipeline: names reach the output in their target
// forms, and a text whose placeholder the pipeline loses is translated
// again as it is.
func TestNamesThroughAPipeline(t *testing.T) {
	t.Parallel()
	tr, _ := fake(t, echoScript, Options{Names: testNames})
	got, err := tr.Translate(context.Background(), "Aiuti da Mosca alla Corea del Nord.")
	if want := "Aiuti da Moscow alla North Korea."; err != nil || got != want {
		t.Errorf("Translate = %q, %v, want %q", got, err, want)
	}
	// This stand-in drops the first placeholder it sees in a record.
	lossy, _ := fake(t, `exec sed -u -z 's/Zqxjaa//'`, Options{Names: testNames})
	out, err := lossy.TranslateBatch(context.Background(), []string{"Aiuti da Mosca.", "Nessun nome."})
	if err != nil || out[0] != "Aiuti da Mosca." || out[1] != "Nessun nome." {
		t.Errorf("TranslateBatch through a lossy pipeline = %q, %v; want the texts as they are", out, err)
	}
}
