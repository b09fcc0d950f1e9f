package cliout

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/fetch"
)

var indexed = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func cited(p corpus.Passage) briefing.Answer {
	return briefing.Answer{
		Question: "Quando è stato ratificato il trattato?", Lang: "it", State: briefing.StateAnswer,
		Text:      "Il 6 novembre [1].",
		Citations: []briefing.Citation{{N: 1, Passage: p, Quote: p.Text}},
	}
}

// A cited answer reads text, then numbered sources with their quotes and
// metadata, then what it is as of, all in the answer's language; control
// sequences from a document or an LLM are shown, not obeyed.
func TestWriteAnswer(t *testing.T) {
	p := corpus.Passage{DocID: "trattato", Title: "Il \x1b[2Jtrattato", Text: "Il parlamento ha ratificato il trattato\nil 6 novembre.",
		Source: "Rivista", Date: "2024-11-06", Published: time.Date(2024, 11, 6, 0, 0, 0, 0, time.UTC), URL: "https://rivista.example/t"}
	var b strings.Builder
	if err := WriteAnswer(&b, cited(p), indexed); err != nil {
		t.Fatal(err)
	}
	want := "Il 6 novembre [1].\n\nFonti:\n" +
		"[1] Il \\x1b[2Jtrattato — “Il parlamento ha ratificato il trattato il 6 novembre.”\n" +
		"    Rivista · 2024-11-06 · https://rivista.example/t\n\n" +
		"Aggiornato al 2024-11-06 (il documento citato più recente).\n"
	if b.String() != want {
		t.Errorf("WriteAnswer =\n%s\nwant\n%s", b.String(), want)
	}

	// Undated sources are as of the index, in English for an English
	// answer; a fallback says so.
	a := cited(corpus.Passage{DocID: "x", Title: "T", Text: "Text."})
	a.Lang, a.Fallback = "en", true
	b.Reset()
	if err := WriteAnswer(&b, a, indexed); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"    undated\n", "As of 2026-03-04T05:06:07Z (when the index was built; the sources are undated).", "(The LLM failed, so this is the extractive answer"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("undated fallback answer lacks %q:\n%s", w, b.String())
		}
	}
}

// A quote's machine translation shows under the quote, labelled, in the
// answer's language, and control sequences in it are shown, not obeyed.
func TestWriteAnswerGloss(t *testing.T) {
	a := cited(corpus.Passage{DocID: "x", Title: "T", Text: "Il trattato è stato ratificato."})
	a.Lang = "en"
	a.Citations[0].Gloss = "The treated \x1b[31mhas been ratified."
	var b strings.Builder
	if err := WriteAnswer(&b, a, indexed); err != nil {
		t.Fatal(err)
	}
	want := "[1] T — “Il trattato è stato ratificato.”\n" +
		"    machine translation, rough: “The treated \\x1b[31mhas been ratified.”\n" +
		"    undated\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("WriteAnswer =\n%s\nwant it to contain\n%s", b.String(), want)
	}
	raw, err := json.Marshal(Answer(a, indexed))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"gloss":"The treated \u001b[31mhas been ratified."`) {
		t.Errorf("JSON lacks the gloss: %s", raw)
	}
	a.Citations[0].Gloss = ""
	if raw, _ := json.Marshal(Answer(a, indexed)); strings.Contains(string(raw), `"gloss"`) {
		t.Errorf("JSON of an unglossed citation has a gloss: %s", raw)
	}
}

func TestAnswerJSON(t *testing.T) {
	p := corpus.Passage{ID: "p1", DocID: "trattato", Title: "Il trattato", Text: "Testo.", Date: "2024-11-06",
		Published: time.Date(2024, 11, 6, 0, 0, 0, 0, time.UTC)}
	a := cited(p)
	a.Confidence = 0.91234
	a.Timings = briefing.Timings{Retrieval: 1500 * time.Microsecond, Total: 2 * time.Millisecond}
	got := Answer(a, indexed)
	if got.AsOf != "2024-11-06" || got.AsOfKind != "documents" || got.State != "answer" || got.Confidence != 0.912 ||
		got.TimingsMS.Retrieval != 1.5 || got.TimingsMS.Total != 2 || len(got.Citations) != 1 || got.Citations[0].PassageID != "p1" {
		t.Errorf("Answer = %+v", got)
	}
	// A refusal has no citations and no hits: lists, not nulls.
	raw, err := json.Marshal(Answer(briefing.Answer{State: briefing.StateRefused, Refused: true}, indexed))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"citations":[]`, `"hits":[]`, `"as_of":"2026-03-04T05:06:07Z"`, `"as_of_kind":"index"`} {
		if !strings.Contains(string(raw), w) {
			t.Errorf("refusal JSON lacks %s: %s", w, raw)
		}
	}
}

func TestWriteHits(t *testing.T) {
	var b strings.Builder
	if err := WriteHits(&b, nil); err != nil || b.String() != "No passages found.\n" {
		t.Errorf("no hits = %q, %v", b.String(), err)
	}
	b.Reset()
	hits := []briefing.Hit{{Rank: 1, Score: 0.5, Passage: corpus.Passage{DocID: "d", Paragraph: 2, Start: 10, End: 20, Title: "T", Text: "riga\x07 uno\nriga due"}}}
	if err := WriteHits(&b, hits); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "1. relevance 0.500") || !strings.Contains(b.String(), "d ¶2 [10:20]") ||
		!strings.Contains(b.String(), "   riga\\x07 uno riga due\n") {
		t.Errorf("WriteHits =\n%s", b.String())
	}
	if strings.Contains(b.String(), "machine translation") {
		t.Errorf("WriteHits without a gloss labels one:\n%s", b.String())
	}
	b.Reset()
	hits[0].Gloss = "line\x1b[2J one\nline two"
	if err := WriteHits(&b, hits); err != nil {
		t.Fatal(err)
	}
	if want := "   riga\\x07 uno riga due\n   machine translation, rough: “line\\x1b[2J one line two”\n"; !strings.HasSuffix(b.String(), want) {
		t.Errorf("WriteHits with a gloss =\n%s\nwant it to end %q", b.String(), want)
	}
	if j := Hits(hits); len(j) != 1 || j[0].Gloss != hits[0].Gloss {
		t.Errorf("Hits = %+v, want the gloss kept", j)
	}
}

func TestWriteIndex(t *testing.T) {
	run := IndexRun{Documents: 3, Report: briefing.IndexReport{Added: 1, Unchanged: 2, Passages: 9, Embedded: 4, Rebuilt: true,
		AddedIDs: []string{"nuovo"}, Duration: 1234567 * time.Microsecond},
		Sources: []fetch.SourceReport{{URL: "https://feed.example/\x1b]0;x", Kind: "feed", Documents: 2, Err: errors.New("503"), Stale: true}}}
	var b strings.Builder
	if err := WriteIndex(&b, run); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Index memory (not persisted) (settings changed: full rebuild)\n", "documents: 3 (1 added, 0 changed, 0 removed, 2 unchanged)",
		"passages:  9 (4 embedded)", "time:      1.235s", "    + nuovo\n", "feed https://feed.example/\\x1b]0;x: FAILED, kept the last good copy (2 documents): 503"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("WriteIndex lacks %q:\n%s", w, b.String())
		}
	}
	run.Forced, run.Dir = true, "/var/idx"
	b.Reset()
	if err := WriteIndex(&b, run); err != nil || !strings.HasPrefix(b.String(), "Index /var/idx (--rebuild: every passage re-embedded)\n") {
		t.Errorf("forced rebuild = %q, %v", b.String(), err)
	}
	j := Index(run)
	if j.DurationMS != 1234.567 || j.ChangedIDs == nil || len(j.Sources) != 1 || j.Sources[0].Error != "503" || j.Sources[0].New == nil {
		t.Errorf("Index = %+v", j)
	}
}

// A title with a tab or a line break stays in its cell.
func TestWriteDocuments(t *testing.T) {
	var b strings.Builder
	docs := []briefing.DocumentInfo{{ID: "a", Lang: "it", Title: "uno\tdue\ntre", Passages: 4}}
	if err := WriteDocuments(&b, docs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], "uno due tre") || !strings.Contains(lines[1], "-") {
		t.Errorf("WriteDocuments =\n%s", b.String())
	}
	if got := Documents(nil); got == nil || len(got) != 0 {
		t.Errorf("Documents(nil) = %#v, want []", got)
	}
}
