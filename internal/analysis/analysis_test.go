package analysis_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/briefing/briefing/internal/analysis"
)

func TestTokenize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"L’Unione Sovietica", []string{"l", "unione", "sovietica"}},
		{"dell'Hudson Institute.", []string{"dell", "hudson", "institute"}},
		{"circa 4.000 soldati", []string{"circa", "4000", "soldati"}},
		{"about 4,000 soldiers", []string{"about", "4000", "soldiers"}},
		{"fino a 30.000 truppe, il 6 novembre", []string{"fino", "a", "30000", "truppe", "il", "6", "novembre"}},
		{"tra i circa 50mila soldati", []string{"tra", "i", "circa", "50000", "soldati"}},
		{"un tasso del 3,5%", []string{"un", "tasso", "del", "3.5"}},
		{"Perché Kim Jong-Un?", []string{"perche", "kim", "jong", "un"}},
		{"nel 1948. Durante", []string{"nel", "1948", "durante"}},
		{"🤔 ?!", nil},
		// Another script's digits are a word (they once looped forever:
		// a number token of no length); a fullwidth one reads as its
		// ASCII form.
		{"۶ soldati ６", []string{"۶", "soldati", "6"}},
		// Compatibility forms and invisible characters of pasted text.
		{"ＱＵＡＮＤＯ il trattato", []string{"quando", "il", "trattato"}},
		{"trup\u200bpe e sol\u00addati \u200b \ufeffKursk", []string{"truppe", "e", "soldati", "kursk"}},
		{"ﬁne", []string{"fine"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tok := range analysis.Tokenize(tt.in) {
			got = append(got, tok.Text)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Tokenize(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestTokenOffsets(t *testing.T) {
	t.Parallel()
	text := "L’11 novembre, anche la Corea del Nord ha approvato"
	for _, tok := range analysis.Tokenize(text) {
		if got := analysis.Fold(text[tok.Start:tok.End]); got != tok.Text && !tok.Number {
			t.Errorf("token %q spans %q", tok.Text, text[tok.Start:tok.End])
		}
	}
}

func TestCompatible(t *testing.T) {
	t.Parallel()
	tests := []struct {
		word, want string
		ok         bool
	}{
		{"ratificato", "ratificare", true},
		{"soldati", "soldato", true},
		{"popolare", "popolazione", false},
		{"anything", "", true},
		{"ricevuto", "ricevere", true},
	}
	for _, tt := range tests {
		if got := analysis.Compatible(tt.word, tt.want); got != tt.ok {
			t.Errorf("Compatible(%q, %q) = %v, want %v", tt.word, tt.want, got, tt.ok)
		}
	}
}

func mustGlossary(t *testing.T, text string) *analysis.Glossary {
	t.Helper()
	g := analysis.NewGlossary()
	if err := g.Parse(strings.NewReader(text), "test.txt"); err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGlossaryParseErrors(t *testing.T) {
	t.Parallel()
	g := analysis.NewGlossary()
	err := g.Parse(strings.NewReader("# ok\ntreaty | trattato\nno separator here\n | solo italiano\nfine | bene | extra\n"), "bad.txt")
	if err == nil {
		t.Fatal("Parse accepted malformed lines")
	}
	for _, want := range []string{"bad.txt:3", "bad.txt:4", "bad.txt:5"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if g.Len() != 1 {
		t.Errorf("good lines parsed = %d, want 1", g.Len())
	}
}

func TestDefaultGlossaryParses(t *testing.T) {
	t.Parallel()
	g, err := analysis.DefaultGlossary()
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() < 1000 {
		t.Errorf("built-in glossary has %d entries, want a broad one", g.Len())
	}
}

// concept finds the concept whose text is c.
func concept(q analysis.Query, c string) (analysis.Concept, bool) {
	for _, x := range q.Concepts {
		if x.Text == c {
			return x, true
		}
	}
	return analysis.Concept{}, false
}

func hasTerms(c analysis.Concept, terms string) bool {
	for _, a := range c.Alts {
		if a.Key() == terms {
			return true
		}
	}
	return false
}

func TestQueryTranslatesThroughGlossary(t *testing.T) {
	t.Parallel()
	a := analysis.New(mustGlossary(t, "treaty, treaties | trattato, trattati\nnorth korea | corea del nord\nkill, killed | uccidere, uccisi\n"))
	q := a.Query("How many soldiers were killed after the treaties with North Korea?", "en")
	if q.Kind != analysis.KindNumber {
		t.Errorf("Kind = %v, want KindNumber", q.Kind)
	}
	for _, tt := range []struct{ concept, terms string }{
		{"treaties", "tratt"},
		{"north korea", "core nord"},
		{"killed", "uccis"},
	} {
		c, ok := concept(q, tt.concept)
		if !ok {
			t.Errorf("no concept %q in %+v", tt.concept, q.Concepts)
			continue
		}
		if !hasTerms(c, tt.terms) {
			t.Errorf("concept %q lacks alternative %q: %+v", tt.concept, tt.terms, c.Alts)
		}
	}
	if _, ok := concept(q, "how"); ok {
		t.Error("question words became concepts")
	}
}

func TestQueryEntities(t *testing.T) {
	t.Parallel()
	a := analysis.New(nil)
	q := a.Query("What did Japan say about the NATO treaty?", "en")
	for _, tt := range []struct {
		text   string
		entity bool
	}{{"japan", true}, {"nato", true}, {"treaty", false}} {
		c, ok := concept(q, tt.text)
		if !ok || c.Entity != tt.entity {
			t.Errorf("concept %q: found=%v entity=%v, want entity=%v", tt.text, ok, c.Entity, tt.entity)
		}
	}
	// The first word of a question is capitalised anyway.
	if c, ok := concept(a.Query("Treaty details?", "en"), "treaty"); !ok || c.Entity {
		t.Errorf("sentence-initial word taken for an entity: %+v", c)
	}
}

func TestAnswerKinds(t *testing.T) {
	t.Parallel()
	a := analysis.New(nil)
	tests := map[string]analysis.Kind{
		"Quando è stato firmato?":   analysis.KindTime,
		"In che anno è nata?":       analysis.KindTime,
		"Quanti soldati?":           analysis.KindNumber,
		"How much did it cost?":     analysis.KindNumber,
		"Who wrote the analysis?":   analysis.KindPerson,
		"Dove si trova Kursk?":      analysis.KindPlace,
		"What does the treaty say?": analysis.KindOther,
	}
	for q, want := range tests {
		if got := a.Query(q, "").Kind; got != want {
			t.Errorf("Query(%q).Kind = %v, want %v", q, got, want)
		}
	}
}

func TestStem(t *testing.T) {
	t.Parallel()
	tests := []struct{ w, lang, want string }{
		{"trattato", "it", "tratt"},
		{"treaties", "en", "treati"},
		{"1948", "it", "1948"},
		{"trattato", "xx", "trattato"},
	}
	for _, tt := range tests {
		if got := analysis.Stem(tt.w, tt.lang); got != tt.want {
			t.Errorf("Stem(%q, %q) = %q, want %q", tt.w, tt.lang, got, tt.want)
		}
	}
}

func FuzzQuery(f *testing.F) {
	a := analysis.New(nil)
	for _, s := range []string{"Quando?", "How many 4.000 Kim Jong-Un", "l’11 novembre", "\xff", "50mila 3,5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range analysis.Tokenize(s) {
			if tok.Start < 0 || tok.End > len(s) || tok.Start >= tok.End {
				t.Fatalf("token %+v out of range for %q", tok, s)
			}
		}
		q := a.Query(s, "en")
		for _, c := range q.Concepts {
			if len(c.Alts) == 0 && len(c.Words) == 0 {
				t.Fatalf("empty concept %+v", c)
			}
		}
	})
}

func TestGlossaryPhraseAroundFunctionWords(t *testing.T) {
	t.Parallel()
	a := analysis.New(mustGlossary(t, "in exchange for | in cambio di\ncountry | paese\n"))
	q := a.Query("What does Pyongyang get in exchange for its help?", "en")
	c, ok := concept(q, "in exchange for")
	if !ok || !hasTerms(c, "camb") {
		t.Errorf("written phrase not matched: %+v", q.Concepts)
	}
	// By stems, a phrase may not swallow the function words around a word.
	q = a.Query("Which country was the first?", "en")
	if _, ok := concept(q, "country"); !ok {
		t.Errorf("stem match swallowed function words: %+v", q.Concepts)
	}
}

func TestCountedConcepts(t *testing.T) {
	t.Parallel()
	a := analysis.New(nil)
	tests := []struct {
		q    string
		want []string
	}{
		{"Quanti missili balistici ha fornito la Corea?", []string{"missili", "balistici"}},
		{"How many soldiers were sent to Kursk?", []string{"soldiers", "sent"}},
		{"Da quanto tempo continua il conflitto?", nil},
		{"Where is Kursk?", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range a.Query(tt.q, "").Concepts {
			if c.Counted {
				got = append(got, c.Text)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Query(%q) counted concepts (-want +got):\n%s", tt.q, diff)
		}
	}
}

// TestDetectLangShortQueries: a few words, often with a foreign name, are
// enough for the detector.
func TestDetectLangShortQueries(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"soldati nordcoreani a Kursk", "it"},
		{"visita di Lavrov a Pyongyang", "it"},
		{"missili balistici", "it"},
		{"trattato di difesa", "it"},
		{"Quando?", "it"},
		{"North Korean troops in Kursk", "en"},
		{"ballistic missiles", "en"},
		{"defense treaty", "en"},
		{"Who signed it?", "en"},
	}
	for _, tt := range tests {
		if got := analysis.DetectLang(tt.text); got != tt.want {
			t.Errorf("DetectLang(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
