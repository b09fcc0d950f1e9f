package corpus_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/encoding/charmap"

	"github.com/briefing/briefing/corpus"
)

// boilerplate is text of the fixture page outside the article: navigation,
// an ad, related links, comments and the footer. None of it may be indexed.
var boilerplate = []string{"Abbonati", "calcio mercato", "materasso", "Oroscopo", "ricette", "Gianni", "vergognoso", "diritti riservati", "Partita IVA"}

func TestParseHTML(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "article.html"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := corpus.ParseHTML("esteri/lavrov.html", data, corpus.HTMLOptions{})
	if err != nil {
		t.Fatalf("ParseHTML error: %v", err)
	}
	want := corpus.Document{
		ID: "lavrov", Title: "Lavrov a Pyongyang, rinsaldata l'alleanza", Lang: "it",
		Date: "2025-07-11", Author: "Maria Rossi", Source: "Il Corriere Estero",
		URL: "https://www.corriere-estero.example/esteri/lavrov-pyongyang", Format: "html",
		Path: "esteri/lavrov.html", BodyLine: 1,
	}
	got := doc
	got.Body, got.Published = "", time.Time{}
	if got != want {
		t.Errorf("ParseHTML metadata = %+v\nwant %+v", got, want)
	}
	if wantT := time.Date(2025, 7, 11, 7, 30, 0, 0, time.UTC); !doc.Published.Equal(wantT) {
		t.Errorf("Published = %v, want %v", doc.Published, wantT)
	}
	for _, s := range []string{"Sergey Lavrov è arrivato a Pyongyang", "L'articolo 4 del trattato", "trasferimento di tecnologie."} {
		if !strings.Contains(doc.Body, s) {
			t.Errorf("Body lacks article text %q:\n%s", s, doc.Body)
		}
	}
	// The three article paragraphs stay paragraphs.
	if n := strings.Count(doc.Body, "\n\n"); n < 2 {
		t.Errorf("Body has %d paragraph breaks, want at least 2:\n%s", n, doc.Body)
	}
	passages := corpus.Chunk(doc, corpus.ChunkOptions{})
	if len(passages) == 0 {
		t.Fatal("Chunk returned no passages")
	}
	for _, p := range passages {
		if doc.Body[p.Start:p.End] != p.Text {
			t.Errorf("passage %s: Body[%d:%d] != Text", p.ID, p.Start, p.End)
		}
		for _, b := range boilerplate {
			if strings.Contains(p.Text, b) {
				t.Errorf("passage %q contains boilerplate %q", p.Text, b)
			}
		}
	}
}

func TestParseHTMLMetadataSources(t *testing.T) {
	t.Parallel()
	article := `<article><h1>Heading</h1><p>` + strings.Repeat("The parliament ratified the defence treaty with North Korea in November after a short debate. ", 4) + `</p></article>`
	tests := []struct {
		name                          string
		head                          string
		opts                          corpus.HTMLOptions
		wantDate, wantSource, wantURL string
		wantTitle, wantAuthor         string
	}{
		{
			name:     "JSON-LD only",
			head:     `<title>Treaty ratified</title><script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","datePublished":"2024-11-06","author":{"name":"John Smith"}}</script>`,
			wantDate: "2024-11-06", wantTitle: "Treaty ratified", wantAuthor: "John Smith",
		},
		{
			name:     "article:published_time and og:site_name, fetched URL wins",
			head:     `<title>Treaty ratified</title><meta property="article:published_time" content="2024-11-06T08:00:00Z"><meta property="og:site_name" content="Reuters"><link rel="canonical" href="https://reuters.example/c">`,
			opts:     corpus.HTMLOptions{URL: "https://www.reuters.example/world/treaty"},
			wantDate: "2024-11-06", wantSource: "Reuters", wantURL: "https://www.reuters.example/world/treaty", wantTitle: "Treaty ratified",
		},
		{
			name:      "no metadata: undated, outlet from the canonical link's host",
			head:      `<title>Treaty ratified</title><link rel="canonical" href="https://www.apnews.example/x">`,
			wantTitle: "Treaty ratified", wantSource: "apnews.example", wantURL: "https://www.apnews.example/x",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page := "<html><head>" + tt.head + "</head><body>" + article + "</body></html>"
			doc, err := corpus.ParseHTML("t.html", []byte(page), tt.opts)
			if err != nil {
				t.Fatalf("ParseHTML error: %v", err)
			}
			if doc.Date != tt.wantDate || doc.Source != tt.wantSource || doc.URL != tt.wantURL || doc.Title != tt.wantTitle || doc.Author != tt.wantAuthor {
				t.Errorf("ParseHTML = date %q source %q url %q title %q author %q, want %q %q %q %q %q",
					doc.Date, doc.Source, doc.URL, doc.Title, doc.Author, tt.wantDate, tt.wantSource, tt.wantURL, tt.wantTitle, tt.wantAuthor)
			}
			if doc.Dated() != (tt.wantDate != "") {
				t.Errorf("Dated() = %v, want %v", doc.Dated(), tt.wantDate != "")
			}
		})
	}
}

func TestParseHTMLCharsets(t *testing.T) {
	t.Parallel()
	text := "Il ministro è arrivato a Pyongyang: “perché” l’alleanza è più forte, disse il portavoce della delegazione."
	latin1 := "Il ministro è arrivato a Pyongyang: l'alleanza è più forte, disse il portavoce della delegazione."
	encode := func(t *testing.T, s string, enc *charmap.Charmap) []byte {
		t.Helper()
		b, err := enc.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatalf("encode %q: %v", s, err)
		}
		return b
	}
	tests := []struct {
		name  string
		page  func(t *testing.T) []byte
		ctype string
		want  string
	}{
		{
			name: "windows-1252 named by meta",
			page: func(t *testing.T) []byte {
				return append([]byte(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head><body><article><p>`), append(encode(t, text, charmap.Windows1252), "</p></article></body></html>"...)...)
			},
			want: text,
		},
		{
			name: "ISO-8859-1 named by the Content-Type header",
			page: func(t *testing.T) []byte {
				return append([]byte(`<html><body><article><p>`), append(encode(t, latin1, charmap.ISO8859_1), "</p></article></body></html>"...)...)
			},
			ctype: "text/html; charset=ISO-8859-1",
			want:  latin1,
		},
		{
			name: "UTF-8 without any declaration",
			page: func(t *testing.T) []byte {
				return []byte("<html><body><article><p>" + text + "</p></article></body></html>")
			},
			want: text,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := corpus.ParseHTML("c.html", tt.page(t), corpus.HTMLOptions{ContentType: tt.ctype})
			if err != nil {
				t.Fatalf("ParseHTML error: %v", err)
			}
			if doc.Body != tt.want {
				t.Errorf("Body = %q, want %q", doc.Body, tt.want)
			}
		})
	}
}

// requirePoppler skips a test when pdftotext is not installed, except with
// BRIEFING_REQUIRE_POPPLER set (.ci/run installs poppler-utils and sets it),
// where a missing tool is a failure.
func requirePoppler(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("BRIEFING_REQUIRE_POPPLER") != "" {
			t.Fatalf("pdftotext not on PATH and BRIEFING_REQUIRE_POPPLER is set: %v", err)
		}
		t.Skip("pdftotext not on PATH (apt-get install poppler-utils)")
	}
}

// writePDF makes a two-page PDF with fpdf, the way a think tank's report
// would carry its title, author and creation date.
func writePDF(t *testing.T, paras ...string) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetTitle("Il vertice di Pyongyang", true)
	p.SetAuthor("Maria Rossi", true)
	p.SetCreationDate(time.Date(2025, 6, 3, 10, 0, 0, 0, time.UTC))
	p.SetFont("Helvetica", "", 12)
	tr := p.UnicodeTranslatorFromDescriptor("") // cp1252, for the accents
	for _, para := range paras {
		p.AddPage()
		p.MultiCell(0, 6, tr(para), "", "", false)
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		t.Fatalf("write PDF: %v", err)
	}
	return buf.Bytes()
}

func TestParsePDF(t *testing.T) {
	t.Parallel()
	requirePoppler(t)
	long := "Il ministro degli Esteri russo è arrivato a Pyongyang. Il rapporto tra i Paesi è cresciuto in modo significativo negli ultimi anni, sottolineato da un trattato di alleanza di difesa firmato l'anno scorso."
	data := writePDF(t, long, "La seconda pagina parla del trattato.")
	doc, err := corpus.ParsePDF(context.Background(), "rapporti/vertice.pdf", data)
	if err != nil {
		t.Fatalf("ParsePDF error: %v", err)
	}
	if doc.ID != "vertice" || doc.Title != "Il vertice di Pyongyang" || doc.Author != "Maria Rossi" || doc.Date != "2025-06-03" || doc.Format != "pdf" || doc.Lang != "it" {
		t.Errorf("ParsePDF metadata: id %q title %q author %q date %q format %q lang %q", doc.ID, doc.Title, doc.Author, doc.Date, doc.Format, doc.Lang)
	}
	// The paragraph wrapped over several lines comes back whole, and the
	// page break separates paragraphs.
	want := long + "\n\nLa seconda pagina parla del trattato."
	if doc.Body != want {
		t.Errorf("Body = %q, want %q", doc.Body, want)
	}
	for _, p := range corpus.Chunk(doc, corpus.ChunkOptions{}) {
		if doc.Body[p.Start:p.End] != p.Text {
			t.Errorf("passage %s: Body[%d:%d] != Text", p.ID, p.Start, p.End)
		}
	}
}

func TestParsePDFErrors(t *testing.T) {
	t.Parallel()
	requirePoppler(t)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"not a PDF", []byte("hello"), "not a PDF file"},
		{"truncated PDF", writePDF(t, "Testo.")[:200], "vertice.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := corpus.ParsePDF(context.Background(), "vertice.pdf", tt.data)
			var pe *corpus.ParseError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParsePDF error = %v, want a *ParseError containing %q", err, tt.want)
			}
		})
	}
}

func TestParsePDFWithoutPoppler(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no pdftotext here
	_, err := corpus.ParsePDF(context.Background(), "r.pdf", []byte("%PDF-1.4\n"))
	if !errors.Is(err, corpus.ErrNoPDFTool) {
		t.Fatalf("ParsePDF error = %v, want ErrNoPDFTool", err)
	}
	if !strings.Contains(err.Error(), "r.pdf") || !strings.Contains(err.Error(), "poppler-utils") {
		t.Errorf("error %q should name the file and the package to install", err)
	}
}

// writeDOCX makes a minimal Word document: the parts Word itself needs to
// open it are [Content_Types].xml, word/document.xml and docProps/core.xml
// for the metadata.
func writeDOCX(t *testing.T, paras ...string) []byte {
	t.Helper()
	var body strings.Builder
	for _, p := range paras {
		// Each paragraph in two runs, as Word splits text at formatting.
		half := len(p) / 2
		for half < len(p) && p[half] != ' ' {
			half++
		}
		body.WriteString(`<w:p><w:r><w:t xml:space="preserve">` + p[:half] + `</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>` + p[half:] + `</w:t></w:r></w:p>`)
	}
	files := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml":   `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`,
		"docProps/core.xml":   `<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>Nota sul trattato</dc:title><dc:creator>Luca Bianchi</dc:creator><dcterms:created>2024-11-06T12:00:00Z</dcterms:created></cp:coreProperties>`,
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseDOCX(t *testing.T) {
	t.Parallel()
	data := writeDOCX(t, "Il parlamento russo ha ratificato il trattato il 6 novembre.", "L'accordo prevede tutti i mezzi disponibili.")
	doc, err := corpus.ParseDOCX("nota.docx", data)
	if err != nil {
		t.Fatalf("ParseDOCX error: %v", err)
	}
	want := "Il parlamento russo ha ratificato il trattato il 6 novembre.\n\nL'accordo prevede tutti i mezzi disponibili."
	if doc.Body != want {
		t.Errorf("Body = %q, want %q", doc.Body, want)
	}
	if doc.Title != "Nota sul trattato" || doc.Author != "Luca Bianchi" || doc.Date != "2024-11-06" || doc.Format != "docx" {
		t.Errorf("metadata: title %q author %q date %q format %q", doc.Title, doc.Author, doc.Date, doc.Format)
	}
	if _, err := corpus.ParseDOCX("x.docx", []byte("PK not a zip")); err == nil {
		t.Error("ParseDOCX of a non-zip succeeded, want an error")
	}
}

func TestLoadFormats(t *testing.T) {
	t.Parallel()
	requirePoppler(t)
	dir := t.TempDir()
	html, err := os.ReadFile(filepath.Join("testdata", "article.html"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"a.md":        []byte("---\ntitle: A\n---\nTesto della notizia."),
		"b.txt":       []byte("Testo semplice."),
		"c.html":      html,
		"d.pdf":       writePDF(t, "Il testo del rapporto."),
		"e.docx":      writeDOCX(t, "Il testo della nota interna."),
		"f.odt":       []byte("PK"),
		"sub/g.HTM":   []byte("<html><body><article><p>Una pagina salvata dal browser, con il suo testo.</p></article></body></html>"),
		"sub/img.png": []byte("png"),
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	docs, report, err := corpus.LoadDir(context.Background(), dir)
	if err != nil {
		t.Fatalf("LoadDir error: %v", err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, d.ID+":"+d.Format)
	}
	want := "a:markdown b:text c:html d:pdf e:docx g:html"
	if strings.Join(got, " ") != want {
		t.Errorf("LoadDir documents = %v, want %s", got, want)
	}
	if strings.Join(report.Skipped, " ") != "f.odt sub/img.png" {
		t.Errorf("Skipped = %v, want [f.odt sub/img.png]", report.Skipped)
	}
}

func TestIDFromURL(t *testing.T) {
	t.Parallel()
	a := corpus.IDFromURL("https://www.reuters.com/world/asia-pacific/russia-north-korea-treaty-2024-06-19/")
	b := corpus.IDFromURL("https://www.reuters.com/world/asia-pacific/russia-north-korea-treaty-2024-06-19/?page=2")
	if a == b {
		t.Errorf("IDFromURL gave two URLs the same ID %q", a)
	}
	if a != corpus.IDFromURL("https://www.reuters.com/world/asia-pacific/russia-north-korea-treaty-2024-06-19/") {
		t.Error("IDFromURL is not stable")
	}
	if !strings.HasPrefix(a, "reuters-com-world-asia-pacific-russia-north") || len(a) > 48+9 {
		t.Errorf("IDFromURL = %q, want a readable slug of at most 57 characters", a)
	}
	if doc, err := corpus.Parse(a+".md", []byte("---\nid: "+a+"\n---\nTesto.")); err != nil || doc.ID != a {
		t.Errorf("IDFromURL = %q is not a valid front matter id: %v", a, err)
	}
}

func TestLoadCachesPDFText(t *testing.T) {
	requirePoppler(t) // not parallel: it empties PATH below
	dir, cache := t.TempDir(), t.TempDir()
	pdf := writePDF(t, "Il testo del rapporto sul vertice.")
	if err := os.WriteFile(filepath.Join(dir, "rapporto.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	opts := corpus.LoadOptions{PDFCacheDir: cache}
	first, _, err := corpus.LoadDirWith(ctx, dir, opts)
	if err != nil {
		t.Fatalf("LoadDirWith: %v", err)
	}
	// The cache is private: it holds the documents' text.
	err = filepath.WalkDir(cache, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if fi, err := d.Info(); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("PDF cache file %s: mode %v, want 0600", d.Name(), fi.Mode().Perm())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Without poppler the cached text still loads, under the file's
	// current name; a changed PDF needs poppler again.
	t.Setenv("PATH", t.TempDir())
	if err := os.Rename(filepath.Join(dir, "rapporto.pdf"), filepath.Join(dir, "vertice.pdf")); err != nil {
		t.Fatal(err)
	}
	again, _, err := corpus.LoadDirWith(ctx, dir, opts)
	if err != nil {
		t.Fatalf("LoadDirWith from the cache: %v", err)
	}
	if again[0].Body != first[0].Body || again[0].Title != first[0].Title || again[0].ID != "vertice" {
		t.Errorf("cached load = %q %q %q, want the first load's text and title under the new name", again[0].ID, again[0].Title, again[0].Body)
	}
	if err := os.WriteFile(filepath.Join(dir, "vertice.pdf"), writePDF(t, "Un altro testo."), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := corpus.LoadDirWith(ctx, dir, opts); !errors.Is(err, corpus.ErrNoPDFTool) {
		t.Errorf("load of a changed PDF without poppler = %v, want ErrNoPDFTool", err)
	}
}

// TestLoadReportsPDFCacheFailures: a PDF cache that cannot be written does
// not fail the load, and is not dropped silently either.
func TestLoadReportsPDFCacheFailures(t *testing.T) {
	t.Parallel()
	requirePoppler(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rapporto.pdf"), writePDF(t, "Il testo del rapporto sul vertice."), 0o644); err != nil {
		t.Fatal(err)
	}
	// The cache "directory" is a file: nothing can be kept under it.
	cache := filepath.Join(t.TempDir(), "cache")
	if err := os.WriteFile(cache, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	docs, rep, err := corpus.LoadDirWith(context.Background(), dir, corpus.LoadOptions{PDFCacheDir: cache})
	if err != nil || len(docs) != 1 {
		t.Fatalf("LoadDirWith with an unwritable PDF cache = %d documents, %v; want the PDF", len(docs), err)
	}
	if len(rep.CacheFailures) != 1 || !strings.Contains(rep.CacheFailures[0].Error(), "rapporto.pdf") {
		t.Errorf("LoadReport.CacheFailures = %v, want one failure naming rapporto.pdf", rep.CacheFailures)
	}
}
