package corpus_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/briefing/briefing/corpus"
)

// checkPassages fails t unless every passage is verbatim, trimmed, within
// maxChars (or a single over-long word), cut between words, ordered, and
// carries the document's identity and its content hash.
func checkPassages(t *testing.T, doc corpus.Document, ps []corpus.Passage, maxChars int) {
	t.Helper()
	prevStart := -1
	for i, p := range ps {
		if p.Start < 0 || p.End > len(doc.Body) || p.Start >= p.End {
			t.Fatalf("passage %d: offsets [%d,%d) out of range of body (%d bytes)", i, p.Start, p.End, len(doc.Body))
		}
		if p.Text != doc.Body[p.Start:p.End] {
			t.Errorf("passage %d: Text = %q, want Body[%d:%d] = %q", i, p.Text, p.Start, p.End, doc.Body[p.Start:p.End])
		}
		if strings.TrimSpace(p.Text) != p.Text {
			t.Errorf("passage %d: %q has surrounding white space", i, p.Text)
		}
		if n := utf8.RuneCountInString(p.Text); n > maxChars && strings.ContainsFunc(p.Text, unicode.IsSpace) {
			t.Errorf("passage %d: %d runes, want at most %d: %q", i, n, maxChars, p.Text)
		}
		before, _ := utf8.DecodeLastRuneInString(doc.Body[:p.Start])
		first, _ := utf8.DecodeRuneInString(p.Text)
		last, _ := utf8.DecodeLastRuneInString(p.Text)
		after, _ := utf8.DecodeRuneInString(doc.Body[p.End:])
		if p.Start > 0 && isWordRune(before) && isWordRune(first) {
			t.Errorf("passage %d starts inside a word: …%q|%q", i, before, p.Text)
		}
		if p.End < len(doc.Body) && isWordRune(last) && isWordRune(after) {
			t.Errorf("passage %d ends inside a word: %q|%q…", i, p.Text, after)
		}
		if p.Start <= prevStart {
			t.Errorf("passage %d starts at %d, not after the previous start %d", i, p.Start, prevStart)
		}
		prevStart = p.Start
		if p.DocID != doc.ID || p.Title != doc.Title {
			t.Errorf("passage %d: DocID, Title = %q, %q, want %q, %q", i, p.DocID, p.Title, doc.ID, doc.Title)
		}
		if want := corpus.PassageID(doc.ID, p.Text); p.ID != want {
			t.Errorf("passage %d: ID = %q, want PassageID = %q", i, p.ID, want)
		}
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func TestChunk(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("La Corea del Nord, secondo le fonti, ha inviato truppe; ", 8) + "fine."
	tests := []struct {
		name string
		body string
		opts corpus.ChunkOptions
		want []string // passage texts
		para []int    // passage paragraph indexes, when checked
	}{
		{
			name: "sentences packed up to the limit",
			body: "Uno due tre. Quattro cinque. Sei sette otto.",
			opts: corpus.ChunkOptions{MaxChars: 30, MinChars: 1},
			want: []string{"Uno due tre. Quattro cinque.", "Sei sette otto."},
		},
		{
			name: "paragraphs are not mixed when long enough",
			body: "Primo paragrafo abbastanza lungo.\nSecondo paragrafo abbastanza lungo.",
			opts: corpus.ChunkOptions{MaxChars: 800, MinChars: 10},
			want: []string{"Primo paragrafo abbastanza lungo.", "Secondo paragrafo abbastanza lungo."},
			para: []int{0, 1},
		},
		{
			name: "heading joined to the next paragraph",
			body: "Il trattato di difesa\n\nIl parlamento russo ha ratificato il trattato di mutua difesa il 6 novembre. Poi la Corea.",
			opts: corpus.ChunkOptions{MinChars: 10},
			want: []string{"Il trattato di difesa\n\nIl parlamento russo ha ratificato il trattato di mutua difesa il 6 novembre. Poi la Corea."},
			para: []int{0},
		},
		{
			name: "heading stands alone when the next sentence does not fit",
			body: "Titolo breve\nQuesta frase da sola riempie il passaggio.",
			opts: corpus.ChunkOptions{MaxChars: 45},
			want: []string{"Titolo breve", "Questa frase da sola riempie il passaggio."},
			para: []int{0, 1},
		},
		{
			name: "short paragraphs merged",
			body: "Uno.\nDue.\nTre è un paragrafo molto più lungo degli altri due.",
			opts: corpus.ChunkOptions{MaxChars: 800, MinChars: 10},
			want: []string{"Uno.\nDue.\nTre è un paragrafo molto più lungo degli altri due."},
			para: []int{0},
		},
		{
			name: "last short paragraph stands alone",
			body: "Un paragrafo lungo abbastanza.\nFine.",
			opts: corpus.ChunkOptions{MinChars: 10},
			want: []string{"Un paragrafo lungo abbastanza.", "Fine."},
		},
		{
			name: "overlap repeats trailing sentences of the same paragraph",
			body: "Alfa uno. Beta due. Gamma tre. Delta quattro.",
			opts: corpus.ChunkOptions{MaxChars: 28, Overlap: 12, MinChars: 1},
			want: []string{"Alfa uno. Beta due.", "Beta due. Gamma tre.", "Gamma tre. Delta quattro."},
		},
		{
			name: "overlap never crosses paragraphs",
			body: "Alfa uno. Beta due.\nGamma tre. Delta quattro.",
			opts: corpus.ChunkOptions{MaxChars: 28, Overlap: 12, MinChars: 1},
			want: []string{"Alfa uno. Beta due.", "Gamma tre. Delta quattro."},
		},
		{
			name: "long sentence split after a clause",
			body: "Questa è una frase, che continua ancora a lungo oltre il limite.",
			opts: corpus.ChunkOptions{MaxChars: 38, MinChars: 1},
			want: []string{"Questa è una frase,", "che continua ancora a lungo oltre il", "limite."},
		},
		{
			name: "word longer than the limit kept whole",
			body: "Breve Supercalifragilistichespiralidoso fine.",
			opts: corpus.ChunkOptions{MaxChars: 10, MinChars: 1},
			want: []string{"Breve", "Supercalifragilistichespiralidoso", "fine."},
		},
		{
			name: "numbers and typographic quotes kept",
			body: "Più di 10.000 truppe “sono state inviate”. L’esito è incerto.",
			opts: corpus.ChunkOptions{MaxChars: 45, MinChars: 1},
			want: []string{"Più di 10.000 truppe “sono state inviate”.", "L’esito è incerto."},
		},
		{
			name: "default limit holds a long paragraph",
			body: long,
			want: []string{strings.TrimSpace(strings.Repeat("La Corea del Nord, secondo le fonti, ha inviato truppe; ", 8)) + " fine."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := corpus.Document{ID: "d", Title: "T", Body: tt.body}
			ps := corpus.Chunk(doc, tt.opts)
			max := tt.opts.MaxChars
			if max == 0 {
				max = corpus.DefaultMaxChars
			}
			checkPassages(t, doc, ps, max)
			got := make([]string, len(ps))
			paras := make([]int, len(ps))
			for i, p := range ps {
				got[i], paras[i] = p.Text, p.Paragraph
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Chunk(%q, %+v) mismatch (-want +got):\n%s", tt.body, tt.opts, diff)
			}
			if tt.para != nil {
				if diff := cmp.Diff(tt.para, paras); diff != "" {
					t.Errorf("Chunk(%q, %+v) paragraphs mismatch (-want +got):\n%s", tt.body, tt.opts, diff)
				}
			}
		})
	}
}

func TestChunkLongSentenceWithinLimit(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("parola ", 500) + "fine."
	doc := corpus.Document{ID: "d", Body: body}
	for _, max := range []int{20, 100, 800} {
		ps := corpus.Chunk(doc, corpus.ChunkOptions{MaxChars: max})
		if len(ps) < 2 {
			t.Errorf("Chunk(%d words, MaxChars %d) = %d passages, want several", 501, max, len(ps))
		}
		checkPassages(t, doc, ps, max)
	}
}

func TestPassageIDStable(t *testing.T) {
	t.Parallel()
	doc := corpus.Document{ID: "d", Body: "Uno. Due.\nTre."}
	a := corpus.Chunk(doc, corpus.ChunkOptions{})
	b := corpus.Chunk(doc, corpus.ChunkOptions{})
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("Chunk not deterministic (-first +second):\n%s", diff)
	}
	tests := []struct {
		name        string
		doc1, text1 string
		doc2, text2 string
		wantSameID  bool
	}{
		{"same input", "d", "Uno.", "d", "Uno.", true},
		{"text differs", "d", "Uno.", "d", "Uno!", false},
		{"document differs", "d", "Uno.", "e", "Uno.", false},
		{"separator prevents ambiguity", "ab", "c", "a", "bc", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id1, id2 := corpus.PassageID(tt.doc1, tt.text1), corpus.PassageID(tt.doc2, tt.text2)
			if len(id1) != 16 || strings.Trim(id1, "0123456789abcdef") != "" {
				t.Errorf("PassageID(%q, %q) = %q, want 16 hex digits", tt.doc1, tt.text1, id1)
			}
			if (id1 == id2) != tt.wantSameID {
				t.Errorf("PassageID(%q, %q) = %q, PassageID(%q, %q) = %q, want same: %v", tt.doc1, tt.text1, id1, tt.doc2, tt.text2, id2, tt.wantSameID)
			}
		})
	}
	// A known value pins the hash recipe: changing it would silently
	// re-embed every indexed passage.
	if got, want := corpus.PassageID("d", "Uno."), sha16("d\x00Uno."); got != want {
		t.Errorf("PassageID(%q, %q) = %q, want %q", "d", "Uno.", got, want)
	}
}

func TestChunkCarriesDocumentMetadata(t *testing.T) {
	t.Parallel()
	doc, err := corpus.Parse("m.md", []byte("---\ndate: 2025-06-03\nsource: ISPI\nurl: https://ispi.example/a\n---\nPrimo paragrafo della notizia, abbastanza lungo da stare da solo in un passaggio citabile.\n\nSecondo paragrafo della notizia, anch'esso abbastanza lungo da stare da solo in un passaggio."))
	if err != nil {
		t.Fatal(err)
	}
	undated, err := corpus.Parse("u.md", []byte("Testo senza data."))
	if err != nil {
		t.Fatal(err)
	}
	ps := corpus.Chunk(doc, corpus.ChunkOptions{MaxChars: 100})
	if len(ps) < 2 {
		t.Fatalf("Chunk = %d passages, want 2", len(ps))
	}
	for _, p := range ps {
		if p.Source != "ISPI" || p.Date != "2025-06-03" || p.URL != "https://ispi.example/a" || !p.Published.Equal(doc.Published) {
			t.Errorf("passage %s metadata = %q %q %q %v, want the document's", p.ID, p.Source, p.Date, p.URL, p.Published)
		}
	}
	all := append(corpus.Chunk(undated, corpus.ChunkOptions{}), ps...)
	if got, ok := corpus.Newest(all); !ok || !got.Equal(doc.Published) {
		t.Errorf("Newest = %v, %v; want %v, true", got, ok, doc.Published)
	}
	if _, ok := corpus.Newest(corpus.Chunk(undated, corpus.ChunkOptions{})); ok {
		t.Error("Newest of undated passages reports a date")
	}
}
