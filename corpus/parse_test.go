package corpus_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/briefing/briefing/corpus"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		file string
		data string
		want corpus.Document
	}{
		{
			name: "front matter",
			file: "lavrov.md",
			data: "---\nid: lavrov\ntitle: \"Lavrov a Pyongyang\"\nlang: it\ndate: 2025-07-11\nauthor: Luke Coffey\nsource: seed 002\n---\n\nIl ministro è a Pyongyang.\n",
			want: corpus.Document{
				ID: "lavrov", Title: "Lavrov a Pyongyang", Lang: "it", Date: "2025-07-11",
				Published: time.Date(2025, 7, 11, 0, 0, 0, 0, time.UTC),
				Author:    "Luke Coffey", Source: "seed 002", Format: "markdown", Path: "lavrov.md",
				Body: "Il ministro è a Pyongyang.", BodyLine: 10,
			},
		},
		{
			name: "a language tag is read as its language",
			file: "t.md",
			data: "---\nlang: it-IT\n---\nIl ministro è a Pyongyang.",
			want: corpus.Document{
				ID: "t", Title: "Il ministro è a Pyongyang.", Lang: "it", Format: "markdown", Path: "t.md",
				Body: "Il ministro è a Pyongyang.", BodyLine: 4,
			},
		},
		{
			name: "no front matter: title from first line, id from file name, lang detected",
			file: "dir/La Città Proibita.txt",
			data: "# La città\n\nIl trattato è stato firmato a Pyongyang dal leader della Corea del Nord.\n",
			want: corpus.Document{
				ID: "la-citta-proibita", Title: "La città", Lang: "it", Format: "text", Path: "dir/La Città Proibita.txt",
				Body: "# La città\n\nIl trattato è stato firmato a Pyongyang dal leader della Corea del Nord.", BodyLine: 1,
			},
		},
		{
			name: "English body",
			file: "en.md",
			data: "The treaty was signed in June and ratified in November by both parliaments.",
			want: corpus.Document{
				ID: "en", Title: "The treaty was signed in June and ratified in November by both parliaments.", Lang: "en", Format: "markdown", Path: "en.md",
				Body: "The treaty was signed in June and ratified in November by both parliaments.", BodyLine: 1,
			},
		},
		{
			name: "CRLF and CR line ends",
			file: "crlf.md",
			data: "---\r\ntitle: T\r\n---\r\nUno.\r\nDue.\rTre.\r\n",
			want: corpus.Document{
				ID: "crlf", Title: "T", Lang: "it", Format: "markdown", Path: "crlf.md",
				Body: "Uno.\nDue.\nTre.", BodyLine: 4,
			},
		},
		{
			name: "byte order mark",
			file: "bom.md",
			data: "\uFEFF---\ntitle: Con BOM\n---\nQuesto è il testo della notizia.",
			want: corpus.Document{
				ID: "bom", Title: "Con BOM", Lang: "it", Format: "markdown", Path: "bom.md",
				Body: "Questo è il testo della notizia.", BodyLine: 4,
			},
		},
		{
			name: "empty front matter and null values",
			file: "e.md",
			data: "---\nauthor:\n---\nWhat did the treaty say?",
			want: corpus.Document{
				ID: "e", Title: "What did the treaty say?", Lang: "en", Format: "markdown", Path: "e.md",
				Body: "What did the treaty say?", BodyLine: 4,
			},
		},
		{
			name: "url and outlet, free-form date stays undated",
			file: "u.md",
			data: "---\ndate: giugno 2024\nsource: ISPI\nurl: https://www.ispi.it/a\n---\nTesto della notizia.",
			want: corpus.Document{
				ID: "u", Title: "Testo della notizia.", Lang: "it", Date: "giugno 2024", Source: "ISPI",
				URL: "https://www.ispi.it/a", Format: "markdown", Path: "u.md",
				Body: "Testo della notizia.", BodyLine: 6,
			},
		},
		{
			name: "a link as source is the URL, its host the outlet; date with time",
			file: "l.md",
			data: "---\ndate: 2025-06-03T10:30:00+02:00\nsource: https://www.reuters.com/world/x\n---\nThe treaty was signed.",
			want: corpus.Document{
				ID: "l", Title: "The treaty was signed.", Lang: "en", Date: "2025-06-03",
				Published: time.Date(2025, 6, 3, 10, 30, 0, 0, time.FixedZone("", 2*3600)),
				Source:    "reuters.com", URL: "https://www.reuters.com/world/x", Format: "markdown", Path: "l.md",
				Body: "The treaty was signed.", BodyLine: 5,
			},
		},
		{
			name: "long first line becomes a shortened title",
			file: "long.md",
			data: strings.Repeat("parola ", 40),
			want: corpus.Document{
				ID: "long", Title: strings.TrimSpace(strings.Repeat("parola ", 17)) + "…", Lang: "it", Format: "markdown", Path: "long.md",
				Body: strings.TrimSpace(strings.Repeat("parola ", 40)), BodyLine: 1,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := corpus.Parse(tt.file, []byte(tt.data))
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.file, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		data     string
		wantLine int
		wantIs   error  // optional sentinel
		wantMsg  string // substring of Error()
	}{
		{
			name: "invalid UTF-8 on line 3", data: "---\ntitle: x\n---\nok\nbad \xff here\n",
			wantLine: 5, wantIs: corpus.ErrInvalidUTF8, wantMsg: "corpus: parse f.md:5: invalid UTF-8",
		},
		{
			name: "invalid UTF-8 on line 1", data: "\xc3(",
			wantLine: 1, wantIs: corpus.ErrInvalidUTF8,
		},
		{
			name: "unterminated front matter", data: "---\ntitle: x\nbody text\n",
			wantLine: 1, wantIs: corpus.ErrFrontMatter, wantMsg: "unterminated",
		},
		{
			name: "unknown key", data: "---\nid: a\ntitel: x\n---\nbody",
			wantLine: 3, wantMsg: `corpus: parse f.md:3: unknown front matter key "titel"`,
		},
		{
			name: "duplicate key", data: "---\nid: a\nid: b\n---\nbody",
			wantLine: 3, wantMsg: `duplicate front matter key "id"`,
		},
		{
			name: "malformed YAML", data: "---\nid: a\ntitle: [x\n---\nbody",
			wantIs: corpus.ErrFrontMatter,
		},
		{
			name: "malformed YAML names its line", data: "---\nid: a\ntitle: x: y\n---\nbody",
			wantLine: 3, wantIs: corpus.ErrFrontMatter, wantMsg: "f.md:3: bad front matter: mapping values",
		},
		{
			name: "front matter not a mapping", data: "---\n- a\n- b\n---\nbody",
			wantLine: 2, wantIs: corpus.ErrFrontMatter,
		},
		{
			name: "list value", data: "---\nauthor: [a, b]\n---\nbody",
			wantLine: 2, wantMsg: `front matter key "author"`,
		},
		{
			name: "not a language code", data: "---\nid: a\nlang: klingon\n---\nbody",
			wantLine: 3, wantMsg: `front matter lang "klingon": want a language code`,
		},
		{
			name: "bad id", data: "---\n\nid: Not A Slug\n---\nbody",
			wantLine: 3, wantMsg: `"not-a-slug"`,
		},
		{name: "empty file", data: "", wantLine: 1, wantIs: corpus.ErrEmptyBody},
		{name: "white space only", data: " \n\t\n\u00a0\n", wantLine: 4, wantIs: corpus.ErrEmptyBody},
		{name: "front matter only", data: "---\ntitle: x\n---\n\n", wantLine: 5, wantIs: corpus.ErrEmptyBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := corpus.Parse("f.md", []byte(tt.data))
			var pe *corpus.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error = %v, want a *ParseError", tt.data, err)
			}
			if pe.File != "f.md" {
				t.Errorf("Parse(%q) error file = %q, want %q", tt.data, pe.File, "f.md")
			}
			if tt.wantLine != 0 && pe.Line != tt.wantLine {
				t.Errorf("Parse(%q) error line = %d, want %d (%v)", tt.data, pe.Line, tt.wantLine, err)
			}
			if pe.Line <= 0 {
				t.Errorf("Parse(%q) error has no line: %v", tt.data, err)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("Parse(%q) error = %v, want errors.Is %v", tt.data, err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.data, err, tt.wantMsg)
			}
		})
	}
}
