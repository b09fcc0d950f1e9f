package corpus_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing/briefing/corpus"
)

// TestParseCleansControlCharacters covers hostile case 1 (terminal control
// sequences in a document) and case 13 (a file of NUL bytes): control
// characters are removed at parse time, before offsets are taken, and a
// file left without letters is rejected with its name and line.
func TestParseCleansControlCharacters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		data      string
		wantTitle string
		wantBody  string
		wantIs    error
	}{
		{name: "clear screen and title", data: "\x1b[2J\x1b]0;pwned\x07# Vertice\n\nIl vertice\x1b[5m si è svolto\x1b[0m ad aprile.",
			wantTitle: "Vertice", wantBody: "# Vertice\n\nIl vertice si è svolto ad aprile."},
		{name: "osc 8 hidden hyperlink", data: "Leggi \x1b]8;;https://evil.example/\x1b\\qui\x1b]8;;\x1b\\ il testo.",
			wantTitle: "Leggi qui il testo.", wantBody: "Leggi qui il testo."},
		{name: "c1 controls and bidi override", data: "Testo\u009b2J normale\u202e e fine.",
			wantTitle: "Testo normale e fine.", wantBody: "Testo normale e fine."},
		{name: "front matter title with escapes", data: "---\ntitle: \"Titolo\\e[2J pulito\"\n---\nCorpo del testo.",
			wantTitle: "Titolo pulito", wantBody: "Corpo del testo."},
		{name: "NUL bytes only", data: strings.Repeat("\x00", 20<<10), wantIs: corpus.ErrEmptyBody},
		{name: "NUL bytes and digits", data: strings.Repeat("\x00", 100) + "12345 ---", wantIs: corpus.ErrNoLetters},
		{name: "emoji only", data: "🎉🎉🎉 !!! 2024", wantIs: corpus.ErrNoLetters},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := corpus.Parse("hostile.md", []byte(tt.data))
			if tt.wantIs != nil {
				var pe *corpus.ParseError
				if !errors.Is(err, tt.wantIs) || !errors.As(err, &pe) || pe.File != "hostile.md" || pe.Line == 0 {
					t.Fatalf("Parse() error = %v, want %v naming hostile.md and a line", err, tt.wantIs)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse() = %v", err)
			}
			if doc.Title != tt.wantTitle || doc.Body != tt.wantBody {
				t.Errorf("Parse() title %q body %q, want %q and %q", doc.Title, doc.Body, tt.wantTitle, tt.wantBody)
			}
			for _, s := range []string{doc.Title, doc.Body} {
				if strings.ContainsAny(s, "\x1b\x00\x07\u009b\u202e") {
					t.Errorf("Parse() kept a control character: %q", s)
				}
			}
		})
	}
}

// TestLoadRejectsOversizedDocuments covers case 13's 50 MB file:
// corpus.max_document_bytes rejects it by name, before reading it.
func TestLoadRejectsOversizedDocuments(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"ok.md":  {Data: []byte("Un testo breve e normale.")},
		"big.md": {Data: []byte(strings.Repeat("parola ", 200))},
	}
	tests := []struct {
		name  string
		limit int64
		want  string // substring of the error, "" for success
	}{
		{"under the limit", 10 << 10, ""},
		{"over the limit", 1000, "big.md: document too large: 1400 bytes, the limit is 1000 (corpus.max_document_bytes)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			docs, _, err := corpus.LoadWith(context.Background(), fsys, corpus.LoadOptions{MaxDocumentBytes: tt.limit})
			if tt.want == "" {
				if err != nil || len(docs) != 2 {
					t.Fatalf("LoadWith() = %d docs, %v; want 2, nil", len(docs), err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, corpus.ErrTooLarge) {
				t.Fatalf("LoadWith() error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
