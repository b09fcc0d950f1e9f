package extract

import (
	"strings"
	"testing"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/rag/lexical"
)

// langDocs gives each document the language its ID starts with.
type langDocs struct{}

func (langDocs) Meta(docID string) lexical.DocMeta {
	lang, _, _ := strings.Cut(docID, "-")
	return lexical.DocMeta{Lang: lang}
}
func (langDocs) Title(docID string) string     { return docID }
func (langDocs) ScopeLang(docID string) string { return "it" }

func hitIn(docID, text string) briefing.Hit {
	return briefing.Hit{Passage: corpus.Passage{ID: docID + "#0", DocID: docID, Text: text}}
}

// whole picks every hit's whole text.
func whole(hits []briefing.Hit) []Pick {
	picks := make([]Pick, len(hits))
	for i, h := range hits {
		picks[i] = Pick{Hit: i, Spans: []corpus.Span{{Start: 0, End: len(h.Passage.Text)}}}
	}
	return picks
}

func TestQuoteFramingNamesForeignQuotes(t *testing.T) {
	t.Parallel()
	it1, it2 := hitIn("it-a", "Le truppe sono arrivate."), hitIn("it-b", "Il trattato è stato firmato.")
	en := hitIn("en-c", "The troops arrived.")
	tests := []struct {
		name, lang string
		uncertain  bool
		hits       []briefing.Hit
		want       string
	}{
		{"same language", "it", false, []briefing.Hit{it1, it2}, "Secondo le fonti: "},
		{"all foreign", "en", false, []briefing.Hit{it1, it2}, "According to the sources (in Italian): "},
		{"some foreign", "en", true, []briefing.Hit{en, it1}, "No passage answers this directly; the closest ones (some in Italian) are: "},
		{"one English among Italian", "it", true, []briefing.Hit{it1, en}, "Nessun passaggio risponde direttamente; i più vicini (in parte in inglese) sono: "},
		{"all English", "it", false, []briefing.Hit{en}, "Secondo le fonti (in inglese): "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			text, cits := Quote(langDocs{}, tt.lang, tt.uncertain, tt.hits, whole(tt.hits))
			if !strings.HasPrefix(text, tt.want) {
				t.Errorf("answer %q, want it to start %q", text, tt.want)
			}
			if len(cits) != len(tt.hits) {
				t.Errorf("%d citations, want %d", len(cits), len(tt.hits))
			}
		})
	}
}

// TestQuoteSetsHeadingsApart: a heading quoted with the sentence after it
// reads as a line of its own, not as the sentence's first words.
func TestQuoteSetsHeadingsApart(t *testing.T) {
	t.Parallel()
	h := hitIn("it-a", "Il trattato di difesa\n\nIl parlamento ha ratificato il trattato.")
	text, cits := Quote(langDocs{}, "it", false, []briefing.Hit{h}, whole([]briefing.Hit{h}))
	want := "Secondo le fonti: “Il trattato di difesa — Il parlamento ha ratificato il trattato.” [1]"
	if text != want {
		t.Errorf("answer %q, want %q", text, want)
	}
	if len(cits) != 1 || cits[0].Quote != h.Passage.Text {
		t.Errorf("citations %+v, want the verbatim passage", cits)
	}
}
