package corpus_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/briefing/briefing/corpus"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"---\nid: a\ntitle: T\n---\nTesto.",
		"\uFEFF---\r\ntitle: x\r\n---\r\nA.\rB.",
		"---\ntitel: x\n---\nbody",
		"---\n- a\n---\nbody",
		"---\nid: [\n---\nb",
		"---\n", "", "\xff", "# Titolo\n\nTesto.",
		"\x1b[2J\x1b]0;t\x07Testo\x1b[5m.", "---\ntitle: \"a\\e[2Jb\"\n---\nTesto.", "\x00\x00\x00",
	} {
		f.Add("f.md", []byte(s))
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		doc, err := corpus.Parse(name, data)
		if err != nil {
			var pe *corpus.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error %v is not a *ParseError", err)
			}
			if pe.File != name || pe.Line < 0 {
				t.Fatalf("Parse error names %q line %d, want %q and a line", pe.File, pe.Line, name)
			}
			return
		}
		if strings.TrimSpace(doc.Body) == "" || !utf8.ValidString(doc.Body) || strings.Contains(doc.Body, "\r") {
			t.Fatalf("Parse body %q: want non-empty, valid UTF-8, LF line ends", doc.Body)
		}
		if doc.ID == "" || doc.Title == "" || (doc.Lang == "") || doc.BodyLine < 1 {
			t.Fatalf("Parse = %+v: want ID, Title, Lang and BodyLine set", doc)
		}
		// Documents are untrusted: no control character but newline and
		// tab survives parsing, in any field (issue 8).
		for _, field := range []string{doc.Body, doc.Title, doc.Date, doc.Author, doc.Source} {
			if i := strings.IndexFunc(field, func(r rune) bool {
				return r != '\n' && r != '\t' && (r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f)
			}); i >= 0 {
				t.Fatalf("Parse kept a control character in %q", field)
			}
		}
		if !strings.ContainsFunc(doc.Body, unicode.IsLetter) {
			t.Fatalf("Parse accepted a body without letters: %q", doc.Body)
		}
	})
}

func FuzzChunk(f *testing.F) {
	f.Add("Titolo\n\nUno due. Tre quattro!\nPiù di 10.000 “truppe”… Fine.", 20, 5, 0)
	f.Add(strings.Repeat("parola, ", 50), 30, 10, 5)
	f.Add("a\u00a0b  c\n\n\u00a0\n d.", 1, 1, 1)
	f.Fuzz(func(t *testing.T, body string, maxChars, overlap, minChars int) {
		if !utf8.ValidString(body) {
			return // Parse rejects invalid UTF-8 before Chunk sees it
		}
		maxChars, overlap, minChars = maxChars%2000, overlap%2000, minChars%2000
		doc := corpus.Document{ID: "d", Body: body}
		ps := corpus.Chunk(doc, corpus.ChunkOptions{MaxChars: maxChars, Overlap: overlap, MinChars: minChars})
		limit := maxChars
		if limit <= 0 {
			limit = corpus.DefaultMaxChars
		}
		checkPassages(t, doc, ps, limit)
		if strings.TrimSpace(body) != "" && len(ps) == 0 {
			t.Fatalf("Chunk(%q) = no passages", body)
		}
	})
}

func FuzzSentences(f *testing.F) {
	f.Add("Il sig. Rossi. Più di 10.000! “Sì.” ucraino.Questo… Ok...")
	f.Add("U.S. a.C. e.g. J. Smith\n\nx")
	f.Fuzz(func(t *testing.T, text string) {
		for name, spans := range map[string][]corpus.Span{
			"Sentences":  corpus.Sentences(text),
			"Paragraphs": corpus.Paragraphs(text),
		} {
			prev := 0
			for i, s := range spans {
				if s.Start < prev || s.End <= s.Start || s.End > len(text) {
					t.Fatalf("%s(%q) span %d = %+v after %d: out of order or range", name, text, i, s, prev)
				}
				if got := text[s.Start:s.End]; strings.TrimSpace(got) != got {
					t.Fatalf("%s(%q) span %d = %q has surrounding white space", name, text, i, got)
				}
				prev = s.End
			}
		}
	})
}

func FuzzParseHTML(f *testing.F) {
	for _, s := range []string{
		"<html><body><article><p>Testo.</p></article></body></html>",
		`<meta charset="windows-1252"><p>caff\xe8</p>`,
		`<head><script type="application/ld+json">{"datePublished":[1]}</script></head>`,
		"", "<", "\xff\xfe<\x00p\x00>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := corpus.ParseHTML("f.html", data, corpus.HTMLOptions{})
		if err != nil {
			var pe *corpus.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseHTML error %v is not a *ParseError", err)
			}
			return
		}
		if !utf8.ValidString(doc.Body) || strings.TrimSpace(doc.Body) == "" {
			t.Fatalf("ParseHTML body %q: want non-empty valid UTF-8", doc.Body)
		}
		for _, p := range corpus.Chunk(doc, corpus.ChunkOptions{}) {
			if doc.Body[p.Start:p.End] != p.Text {
				t.Fatalf("passage [%d:%d] is not verbatim", p.Start, p.End)
			}
		}
	})
}

// FuzzInline: Inline gives one line, keeps every word in order, and is
// stable (inlining its output changes nothing).
func FuzzInline(f *testing.F) {
	for _, s := range []string{"Titolo\n\nTesto della notizia.", "a\nb", "Di Luke Coffey\n\n \nLuke Coffey è.", "", " \n\n\t", "x — y\n\nz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := corpus.Inline(s)
		if strings.ContainsAny(got, "\n\r\t") || strings.Contains(got, "  ") || got != strings.TrimSpace(got) {
			t.Fatalf("Inline(%q) = %q: not one trimmed line with single spaces", s, got)
		}
		// The words, but for the dashes Inline sets between paragraphs.
		notDash := func(w string) bool { return w == "—" }
		words := slices.DeleteFunc(strings.Fields(got), notDash)
		if want := slices.DeleteFunc(strings.Fields(s), notDash); !slices.Equal(words, want) {
			t.Fatalf("Inline(%q) = %q: words %q, want %q", s, got, words, want)
		}
		if again := corpus.Inline(got); again != got {
			t.Fatalf("Inline is not stable: %q → %q → %q", s, got, again)
		}
	})
}
