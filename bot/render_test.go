package bot

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func TestSplitText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"fits", "Short text [1].", 50, []string{"Short text [1]."}},
		{"sentence end", "One two three [1]. Four five six [2].", 25, []string{"One two three [1].", "Four five six [2]."}},
		{"marker stays with its text", "aaaa bbbb cccc [12] dddd", 17, []string{"aaaa bbbb", "cccc [12] dddd"}},
		{"paragraph preferred", "First paragraph, here now\n\nSecond para. Is longer text", 40, []string{"First paragraph, here now", "Second para. Is longer text"}},
		{"word never cut", "alpha beta gamma delta", 12, []string{"alpha beta", "gamma delta"}},
		{"giant word cut outside marker", "abcdefgh[123]", 10, []string{"abcdefgh", "[123]"}},
		{"runes not bytes", "è è è è è è", 5, []string{"è è è", "è è è"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := splitText(tt.in, tt.max)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("splitText(%q, %d) (-want +got):\n%s", tt.in, tt.max, diff)
			}
			for _, p := range got {
				if runeLen(p) > tt.max {
					t.Errorf("piece %q has %d characters, over %d", p, runeLen(p), tt.max)
				}
			}
		})
	}
}

var markerRe = regexp.MustCompile(`\[\d+\]`)

// FuzzSplitText: pieces fit, no word or marker is lost or cut.
func FuzzSplitText(f *testing.F) {
	f.Add("Lavrov arrived [1]. Kim met him [2][3]. The end.", 20)
	f.Add("x[12345678]y z", 5)
	f.Fuzz(func(t *testing.T, s string, max int) {
		// Answers reach the splitter as valid UTF-8 (documents are decoded
		// on load, LLM replies from JSON); invalid bytes would come out as
		// U+FFFD, which is not a lost word.
		if max < 12 || max > 5000 || !utf8.ValidString(s) {
			return
		}
		// A word longer than a piece has to be cut; the invariants below
		// are for text whose words fit.
		for _, w := range strings.Fields(s) {
			if runeLen(w) > max {
				return
			}
		}
		pieces := splitText(s, max)
		for _, p := range pieces {
			if runeLen(p) > max {
				t.Fatalf("piece over %d: %q", max, p)
			}
		}
		if got, want := strings.Join(strings.Fields(strings.Join(pieces, " ")), " "), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("words changed:\n got %q\nwant %q", got, want)
		}
		var gotM []string
		for _, p := range pieces {
			gotM = append(gotM, markerRe.FindAllString(p, -1)...)
		}
		if diff := cmp.Diff(markerRe.FindAllString(s, -1), gotM); diff != "" {
			t.Fatalf("markers changed (-want +got):\n%s", diff)
		}
	})
}

func TestTrimText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"one two three four", 12, "one two…"},
		{"see [12] and more", 7, "see…"},
		{"abcdef[12]", 9, "abcdef…"},
	}
	for _, tt := range tests {
		if got := trimText(tt.in, tt.max); got != tt.want || runeLen(got) > tt.max {
			t.Errorf("trimText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestGuessLang(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text, locale, want string
	}{
		{"Chi è andato a Pyongyang e perché?", "en-US", "it"},
		{"Who went to Pyongyang and why?", "it", "en"},
		{"Lavrov Pyongyang", "it", "it"},
		{"Lavrov Pyongyang", "en-GB", "en"},
		{"Cos'è l'alleanza?", "en-US", "it"},
		{"What's the deal?", "it", "en"},
	}
	for _, tt := range tests {
		if got := guessLang(tt.text, discordLocale(tt.locale)); got != tt.want {
			t.Errorf("guessLang(%q, %q) = %q, want %q", tt.text, tt.locale, got, tt.want)
		}
	}
}

var goldenPassage = corpus.Passage{
	ID: "p1", DocID: "lavrov-pyongyang-visit", Title: "Lavrov a Pyongyang", Paragraph: 2,
	Text:   "Il ministro degli Esteri russo Sergej Lavrov è arrivato a Pyongyang per una visita di due giorni. Ha incontrato Kim Jong-un.",
	Source: "ANSA", Date: "2024-11-29", URL: "https://www.ansa.example/esteri/lavrov-pyongyang",
	Published: time.Date(2024, 11, 29, 0, 0, 0, 0, time.UTC),
}

// undatedPassage is goldenPassage from a document that gives no date,
// outlet or URL.
var undatedPassage = corpus.Passage{
	ID: "p2", DocID: "lavrov-pyongyang-visit", Title: "Lavrov a Pyongyang", Paragraph: 2,
	Text: goldenPassage.Text,
}

// goldenReload is the fixed time of the last reload in golden renders.
var goldenReload = time.Date(2025, 1, 2, 15, 4, 0, 0, time.UTC)

func longAnswer() briefing.Answer {
	var sb strings.Builder
	var cites []briefing.Citation
	for i := 1; i <= 28; i++ {
		fmt.Fprintf(&sb, "Point %d of the briefing, with a citation right here [%d]. ", i, i)
		sb.WriteString(strings.Repeat("More words to make the text long. ", 6))
		if i%7 == 0 {
			sb.WriteString("\n\n")
		}
		p := goldenPassage
		p.Title = fmt.Sprintf("Article %d with a rather long title", i)
		cites = append(cites, briefing.Citation{N: i, Passage: p, Quote: strings.Repeat("Quoted passage words. ", 60)})
	}
	return briefing.Answer{Lang: "en", Text: sb.String(), Citations: cites, Generated: true}
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		out  []outMessage
	}{
		{"answer_en", renderAnswer(briefing.Answer{Lang: "en", Text: "Lavrov arrived in Pyongyang for two days [1].",
			Citations: []briefing.Citation{{N: 1, Passage: goldenPassage, Quote: "Sergej Lavrov è arrivato a Pyongyang"}}, Generated: true},
			answerView{ID: "abcd1234", Title: "Who went to Pyongyang?", Lang: "en"})},
		{"answer_it_fallback", renderAnswer(briefing.Answer{Lang: "it", Fallback: true, Text: "Lavrov è arrivato a Pyongyang [1].",
			Citations: []briefing.Citation{{N: 1, Passage: undatedPassage, Quote: "Lavrov è arrivato a Pyongyang"}}},
			answerView{ID: "abcd1234", Title: "Chi è andato a Pyongyang?", Lang: "it", Indexed: goldenReload})},
		{"refusal_it", renderAnswer(briefing.Answer{Lang: "it", Refused: true, Text: "Gli articoli non trattano questo argomento."},
			answerView{ID: "abcd1234", Title: "Che tempo fa?", Lang: "it"})},
		// The closest passages, shown as such and cited.
		{"uncertain_it", renderAnswer(briefing.Answer{Lang: "it", State: briefing.StateUncertain,
			Text:      "Nessun passaggio risponde direttamente; i più vicini sono: “Lavrov è arrivato a Pyongyang” [1]",
			Citations: []briefing.Citation{{N: 1, Passage: goldenPassage, Quote: "Lavrov è arrivato a Pyongyang"}}},
			answerView{ID: "abcd1234", Title: "Quanto è durata la visita?", Lang: "it"})},
		{"answer_long", renderAnswer(longAnswer(), answerView{ID: "abcd1234", Title: strings.Repeat("Very long question ", 20), Lang: "en"})},
		{"full_sources", renderFullSources(briefing.Answer{Citations: []briefing.Citation{{N: 1, Passage: goldenPassage, Quote: "Ha incontrato Kim Jong-un."}}}, "it")},
		{"search_en", renderHits("Lavrov visit", []briefing.Hit{{Passage: goldenPassage, Score: 0.8734, Rank: 1}}, "en")},
		{"documents_it", renderDocuments([]briefing.DocumentInfo{
			{ID: "lavrov-pyongyang-visit", Title: "Lavrov a Pyongyang", Date: "2024-11-29", Source: "ANSA", URL: "https://www.ansa.example/esteri/lavrov", Passages: 12},
			{ID: "nota", Title: "Nota interna", Passages: 2}}, "it")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for i, m := range tt.out {
				raw, err := json.Marshal(m)
				if err != nil {
					t.Fatal(err)
				}
				checkMessageLimits(t, i, m)
				_ = raw
			}
			got, err := json.MarshalIndent(tt.out, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run go test ./bot -run TestRenderGolden -update): %v", err)
			}
			if diff := cmp.Diff(string(want), string(got)+"\n"); diff != "" {
				t.Errorf("render differs from %s (-want +got):\n%s", path, diff)
			}
		})
	}
}

// checkMessageLimits asserts every Discord limit on one message, and that
// no [n] marker is cut.
func checkMessageLimits(t *testing.T, i int, m outMessage) {
	t.Helper()
	if runeLen(m.Content) > maxContent || len(m.Embeds) > maxEmbeds {
		t.Errorf("message %d: content %d, embeds %d", i, runeLen(m.Content), len(m.Embeds))
	}
	total := 0
	for _, e := range m.Embeds {
		total += embedSize(e)
		if runeLen(e.Title) > maxTitle || runeLen(e.Description) > maxDescription || len(e.Fields) > maxFields {
			t.Errorf("message %d: embed over limits", i)
		}
		for _, f := range e.Fields {
			if runeLen(f.Name) > maxFieldName || runeLen(f.Value) > maxFieldValue || f.Value == "" {
				t.Errorf("message %d: field over limits or empty", i)
			}
		}
		if open := openMarker([]rune(e.Description)); open >= 0 {
			t.Errorf("message %d: description ends inside a marker", i)
		}
		if strings.HasPrefix(strings.TrimLeft(e.Description, "0123456789"), "]") {
			t.Errorf("message %d: description starts inside a marker", i)
		}
	}
	if total > maxEmbedTotal {
		t.Errorf("message %d: embeds total %d > %d", i, total, maxEmbedTotal)
	}
}

func discordLocale(s string) discordgo.Locale { return discordgo.Locale(s) }

// TestLongMetadataStaysWithinLimits renders passages whose metadata (page
// metadata, untrusted) is as long as a citation shows, or longer, and checks
// every reply against Discord's limits: the quote, not the field, gives way.
func TestLongMetadataStaysWithinLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		source, date, link string
	}{
		{"over every bound", strings.Repeat("Very Long Outlet Name ", 60), strings.Repeat("giugno ", 100),
			"https://example.com/" + strings.Repeat("a", 900)},
		// Each part just within what citeMeta shows: about 470 characters
		// of metadata under the passage.
		{"at every bound", strings.Repeat("Istituto ", 9) + "ISPI", strings.Repeat("29 novembre ", 7) + "2024",
			"https://www.ispi.example/it/pubblicazioni/" + strings.Repeat("a", maxURLShown-42)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := goldenPassage
			p.Source, p.Date, p.URL = tt.source, tt.date, tt.link
			p.Text = strings.Repeat("Testo del passaggio. ", 80)
			a := briefing.Answer{Lang: "it", Text: "Risposta [1].", Citations: []briefing.Citation{{N: 1, Passage: p, Quote: p.Text}}}
			for i, m := range renderAnswer(a, answerView{ID: "x", Title: "Q", Lang: "it"}) {
				checkMessageLimits(t, i, m)
			}
			glossed := a
			glossed.Citations = []briefing.Citation{{N: 1, Passage: p, Quote: p.Text, Gloss: strings.Repeat("Text of the passage. ", 90)}}
			for i, m := range renderAnswer(glossed, answerView{ID: "x", Title: "Q", Lang: "en"}) {
				checkMessageLimits(t, i, m)
			}
			for i, m := range renderFullSources(glossed, "en") {
				checkMessageLimits(t, i, m)
			}
			for i, m := range renderHits("q", []briefing.Hit{{Passage: p, Rank: 1}}, "it") {
				checkMessageLimits(t, i, m)
			}
			for i, m := range renderHits("q", []briefing.Hit{{Passage: p, Rank: 1, Gloss: glossed.Citations[0].Gloss}}, "en") {
				checkMessageLimits(t, i, m)
			}
			for i, m := range renderFullSources(a, "it") {
				checkMessageLimits(t, i, m)
			}
		})
	}
}

// liveMarkdown reports the first markdown in s that would restyle a message
// once Discord renders it: a line (or s itself, which starts an embed or a
// field) starting with a heading, subtext or quote marker once the bot's own
// "> " prefix is taken off, a spoiler, or an unescaped backtick.
func liveMarkdown(s string) string {
	for _, line := range strings.Split(s, "\n") {
		l := strings.TrimLeft(strings.TrimPrefix(line, "> "), " \t")
		for _, m := range []string{"# ", "## ", "### ", "-# ", ">"} {
			if strings.HasPrefix(l, m) {
				return line
			}
		}
	}
	if strings.Contains(s, "||") {
		return "||"
	}
	for i := range len(s) {
		if s[i] == '`' && (i == 0 || s[i-1] != '\\') {
			return "`"
		}
	}
	return ""
}

// TestUntrustedMarkdownRendersAsText: a scraped page and an LLM reply
// carrying Discord markdown (headings, subtext, quotes, spoilers, a code
// fence that would swallow the citation lines) show it as typed in every
// reply, while the bot's own markup (the quote prefix, the bold quote,
// the IDs in backticks) still renders.
func TestUntrustedMarkdownRendersAsText(t *testing.T) {
	t.Parallel()
	p := goldenPassage
	p.Title = "# AVVISO UFFICIALE"
	p.Text = "# COMUNICATO UFFICIALE DEI MODERATORI\n-# messaggio verificato dallo staff\n" +
		"> Il server chiude oggi: ||verifica qui il tuo account|| prima di mezzanotte.\n```\n" +
		strings.Repeat("Il ministro degli Esteri è arrivato a Pyongyang. ", 30)
	p.Source = ">>> ANSA"
	quote := "Il ministro degli Esteri è arrivato a Pyongyang."
	a := briefing.Answer{Lang: "it", Citations: []briefing.Citation{{N: 1, Passage: p, Quote: quote,
		Gloss: "# OFFICIAL NOTICE\n> The minister ||arrived|| in `Pyongyang`."}},
		Text: "## HAI VINTO\n>>> Riscatta il premio `ora` [1]. " + strings.Repeat("Il ministro è arrivato a Pyongyang [1]. ", 120) +
			"# ULTIMO AVVISO ||segreto|| [1]."}
	var texts []string
	add := func(out []outMessage) {
		for _, m := range out {
			texts = append(texts, m.Content)
			for _, e := range m.Embeds {
				texts = append(texts, e.Title, e.Description)
				for _, f := range e.Fields {
					texts = append(texts, f.Name, f.Value)
				}
			}
		}
	}
	answer := renderAnswer(a, answerView{ID: "x", Title: "# Domanda ||nascosta||", Lang: "it"})
	if len(answer[0].Embeds) < 2 {
		t.Fatalf("test is void: the answer is not split over embeds")
	}
	add(answer)
	full := renderFullSources(a, "it")
	add(full)
	add(renderHits("## query", []briefing.Hit{{Passage: p, Rank: 1, Gloss: a.Citations[0].Gloss}}, "it"))
	docs := renderDocuments([]briefing.DocumentInfo{{ID: "nota-1", Title: "# Titolo", Source: "> fonte", Passages: 1}}, "it")
	add(docs)
	add(pack(renderPartial("# bozza", a.Text, "it")))
	for _, s := range texts {
		if bad := liveMarkdown(strings.TrimPrefix(s, "`nota-1`")); bad != "" { // the bot's own backticks
			t.Errorf("live markdown %q in %q", bad, s)
		}
	}
	// The bot's own markup is untouched.
	src := answer[len(answer)-1].Embeds[len(answer[len(answer)-1].Embeds)-1]
	if v := src.Fields[0].Value; !strings.HasPrefix(v, "> ") {
		t.Errorf("citation field %q lost the bot's quote prefix", v)
	}
	if d := full[0].Embeds[0].Description; !strings.Contains(d, "**"+quote+"**") {
		t.Errorf("full source %q lost the bold quote", d)
	}
	if v := docs[0].Embeds[0].Fields[0].Value; !strings.HasPrefix(v, "`nota-1`") {
		t.Errorf("document field %q lost the ID's backticks", v)
	}
}

// TestGlossRendersLabelledUnderItsQuote: a quote's (or a search hit's)
// machine translation shows under the verbatim text, on a line of its own with the label in
// the reader's language, outside the quote's markup.
func TestGlossRendersLabelledUnderItsQuote(t *testing.T) {
	t.Parallel()
	label := texts["en"].Gloss
	p := goldenPassage
	p.Text = "Il parlamento russo ha ratificato il trattato il 6 novembre."
	gloss := "The Russian parliament has ratified the treated the 6 November."
	a := briefing.Answer{Lang: "en", Text: "According to the sources (in Italian): “…” [1]",
		Citations: []briefing.Citation{{N: 1, Passage: p, Quote: p.Text, Gloss: gloss}}}
	var values []string
	for _, m := range renderAnswer(a, answerView{ID: "x", Title: "Q", Lang: "en"}) {
		for _, e := range m.Embeds {
			for _, f := range e.Fields {
				values = append(values, f.Value)
			}
		}
	}
	if len(values) != 1 {
		t.Fatalf("source fields %q, want one", values)
	}
	lines := strings.Split(values[0], "\n")
	if len(lines) < 3 || lines[0] != "> "+p.Text || lines[1] != "*"+label+"* "+gloss {
		t.Errorf("source field lines %q, want the quote, then %q", lines, "*"+label+"* "+gloss)
	}
	full := renderFullSources(a, "en")
	if fs := full[0].Embeds[0].Fields; len(fs) != 1 || fs[0].Name != strings.TrimSuffix(label, ":") || fs[0].Value != gloss {
		t.Errorf("full source fields %+v, want the labelled gloss", fs)
	}
	hits := renderHits("ratified", []briefing.Hit{{Passage: p, Rank: 1, Score: 1, Gloss: gloss}}, "en")
	if fs := hits[0].Embeds[0].Fields; len(fs) != 1 || !strings.HasPrefix(fs[0].Value, "> "+p.Text+"\n*"+label+"* "+gloss+"\n") {
		t.Errorf("search fields %+v, want the passage, then the labelled gloss", fs)
	}
	a.Citations[0].Gloss = ""
	for _, m := range renderAnswer(a, answerView{ID: "x", Title: "Q", Lang: "en"}) {
		for _, e := range m.Embeds {
			for _, f := range e.Fields {
				if strings.Contains(f.Value, label) {
					t.Errorf("field %q has the gloss label without a gloss", f.Value)
				}
			}
		}
	}
}

// TestRenderedQuoteSetsHeadingApart: a quote that starts with its
// section's heading shows the heading as a line of its own (" — "), not as
// the first words of the sentence after it.
func TestRenderedQuoteSetsHeadingApart(t *testing.T) {
	t.Parallel()
	p := goldenPassage
	p.Text = "Il trattato di difesa\n\nIl parlamento ha ratificato il trattato."
	a := briefing.Answer{Lang: "it", Text: "Il 6 novembre [1].", Citations: []briefing.Citation{{N: 1, Passage: p, Quote: p.Text}}}
	var values []string
	for _, m := range renderAnswer(a, answerView{ID: "x", Title: "Q", Lang: "it"}) {
		for _, e := range m.Embeds {
			for _, f := range e.Fields {
				values = append(values, f.Value)
			}
		}
	}
	want := "> Il trattato di difesa — Il parlamento ha ratificato il trattato."
	if len(values) == 0 || !strings.HasPrefix(values[0], want) {
		t.Errorf("quote fields %q, want the first to start %q", values, want)
	}
}

// TestDocumentListSaysHowManyAreLeft: the note under a cut /sources list
// counts the documents not shown, in the singular for one.
func TestDocumentListSaysHowManyAreLeft(t *testing.T) {
	t.Parallel()
	docs := make([]briefing.DocumentInfo, 1000)
	for i := range docs {
		docs[i] = briefing.DocumentInfo{ID: fmt.Sprintf("doc-%04d", i), Title: fmt.Sprintf("Article number %d about the treaty", i), Passages: 3}
	}
	shownOf := func(out []outMessage) (shown int, note string) {
		for _, m := range out {
			for _, e := range m.Embeds {
				shown += len(e.Fields)
				if e.Footer != nil {
					note = e.Footer.Text
				}
			}
		}
		return shown, note
	}
	shown, note := shownOf(capDocuments(renderDocuments(docs, "it"), len(docs), "it"))
	if want := fmt.Sprintf("altri %d documenti non mostrati", len(docs)-shown); !strings.Contains(note, want) {
		t.Fatalf("note %q, want it to say %q", note, want)
	}
	for _, tt := range []struct {
		lang string
		n    int
		want string
	}{{"it", 1, "un altro documento non mostrato"}, {"it", 7, "altri 7 documenti non mostrati"}, {"en", 1, "1 more document not shown"}, {"en", 2, "2 more documents not shown"}} {
		if got := moreDocuments(texts[tt.lang], tt.n); got != tt.want {
			t.Errorf("moreDocuments(%s, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}
