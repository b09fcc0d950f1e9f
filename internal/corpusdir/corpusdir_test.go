package corpusdir

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/fetch"
)

// dirCorpus is the live corpus of a directory: a reload reads it back with
// the real loader, and fails with failWith when set (as indexing can).
type dirCorpus struct {
	dir      string
	docs     []corpus.Document
	locked   bool
	reloads  int
	failWith error
}

func (c *dirCorpus) Lock(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.locked {
		return errors.New("locked twice")
	}
	c.locked = true
	return nil
}

func (c *dirCorpus) Unlock() { c.locked = false }

func (c *dirCorpus) Documents() []corpus.Document { return c.docs }

func (c *dirCorpus) ReloadLocked(ctx context.Context) (briefing.CorpusChange, error) {
	if !c.locked {
		return briefing.CorpusChange{}, errors.New("reload without the lock")
	}
	c.reloads++
	if c.failWith != nil {
		return briefing.CorpusChange{}, c.failWith
	}
	docs, _, err := corpus.LoadDir(ctx, c.dir)
	if err != nil {
		return briefing.CorpusChange{}, err
	}
	var rep briefing.IndexReport
	for _, d := range docs {
		if !slices.ContainsFunc(c.docs, func(o corpus.Document) bool { return o.ID == d.ID }) {
			rep.AddedIDs = append(rep.AddedIDs, d.ID)
		}
	}
	c.docs = docs
	return briefing.CorpusChange{Index: rep}, nil
}

const (
	docA = "---\nid: trattato\ntitle: Il trattato\n---\nRussia e Corea del Nord hanno firmato un trattato di difesa reciproca.\n"
	docB = "---\nid: truppe\ntitle: Le truppe\n---\nTruppe nordcoreane sono state schierate nella regione di Kursk.\n"
)

// setup is an Admin over a directory holding files, already indexed.
func setup(t *testing.T, files map[string]string) (*Admin, *dirCorpus) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := &dirCorpus{dir: dir}
	if err := c.Lock(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReloadLocked(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Unlock()
	c.reloads = 0
	return New(dir, c, fetch.New(fetch.Options{})), c
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestAddFileWritesAndReindexes(t *testing.T) {
	a, c := setup(t, map[string]string{"trattato.md": docA})
	ch, err := a.AddFile(context.Background(), `..\..\sub/truppe.md`, []byte(docB))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ch.Index.AddedIDs, []string{"truppe"}) || c.reloads != 1 {
		t.Errorf("change %+v after %d reloads, want truppe added by one reload", ch.Index, c.reloads)
	}
	// Only the base name is used: nothing lands outside the directory.
	if got := listDir(t, c.dir); !slices.Equal(got, []string{"trattato.md", "truppe.md"}) {
		t.Errorf("files = %v", got)
	}
	if c.locked {
		t.Error("the corpus is still locked")
	}
}

func TestAddFileRefusesBeforeChangingAnything(t *testing.T) {
	for name, tc := range map[string]struct{ file, body, want string }{
		"broken front matter": {"nota.md", "---\ntitel: x\n---\nTesto.", `unknown front matter key "titel"`},
		"hidden name":         {".nota.md", docB, "not a usable file name"},
		"no name":             {"/", docB, "not a usable file name"},
		"id of another file":  {"altro.md", docA, `document id "trattato" is already used by trattato.md`},
	} {
		t.Run(name, func(t *testing.T) {
			a, c := setup(t, map[string]string{"trattato.md": docA})
			_, err := a.AddFile(context.Background(), tc.file, []byte(tc.body))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("AddFile = %v, want an error with %q", err, tc.want)
			}
			if got := listDir(t, c.dir); !slices.Equal(got, []string{"trattato.md"}) || c.reloads != 0 {
				t.Errorf("files %v after %d reloads, want the directory untouched", got, c.reloads)
			}
		})
	}
}

// When re-indexing fails the directory is put back: a new file goes, a
// replaced one gets its old bytes and mode back.
func TestFailedReindexPutsTheDirectoryBack(t *testing.T) {
	a, c := setup(t, map[string]string{"trattato.md": docA})
	path := filepath.Join(c.dir, "trattato.md")
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	c.failWith = errors.New("index corpus: disk full")

	if _, err := a.AddFile(context.Background(), "truppe.md", []byte(docB)); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("add = %v, want the index error", err)
	}
	if _, err := a.AddFile(context.Background(), "trattato.md", []byte(strings.Replace(docA, "reciproca", "mutua", 1))); err == nil {
		t.Fatal("replace succeeded although indexing failed")
	}
	if _, err := a.Remove(context.Background(), "trattato"); err == nil {
		t.Fatal("remove succeeded although indexing failed")
	}
	if got := listDir(t, c.dir); !slices.Equal(got, []string{"trattato.md"}) {
		t.Errorf("files = %v, want only the original", got)
	}
	data, err := os.ReadFile(path)
	if err != nil || string(data) != docA {
		t.Errorf("trattato.md = %q (%v), want its old text", data, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("trattato.md mode %v (%v), want the operator's 0600", fi.Mode().Perm(), err)
	}
}

func TestRemove(t *testing.T) {
	a, c := setup(t, map[string]string{"trattato.md": docA, "truppe.md": docB})
	if _, err := a.Remove(context.Background(), "nessuno"); err == nil || !strings.Contains(err.Error(), `no document has the id "nessuno"`) {
		t.Errorf("remove of an unknown id = %v", err)
	}
	c.docs = append(c.docs, corpus.Document{ID: "feed-item", Path: "https://example.org/feed"})
	if _, err := a.Remove(context.Background(), "feed-item"); err == nil || !strings.Contains(err.Error(), "corpus.feeds or corpus.urls") {
		t.Errorf("remove of a fetched document = %v", err)
	}
	if _, err := a.Remove(context.Background(), "truppe"); err != nil {
		t.Fatal(err)
	}
	if got := listDir(t, c.dir); !slices.Equal(got, []string{"trattato.md"}) {
		t.Errorf("files = %v", got)
	}
	if slices.ContainsFunc(c.docs, func(d corpus.Document) bool { return d.ID == "truppe" }) {
		t.Error("truppe is still indexed")
	}
}

func TestNoDirectory(t *testing.T) {
	a := New("", &dirCorpus{}, nil)
	for name, call := range map[string]func() error{
		"add file": func() error { _, err := a.AddFile(context.Background(), "x.md", []byte(docA)); return err },
		"add url":  func() error { _, err := a.AddURL(context.Background(), "https://example.org/"); return err },
		"remove":   func() error { _, err := a.Remove(context.Background(), "x"); return err },
	} {
		if err := call(); !errors.Is(err, ErrNoDir) {
			t.Errorf("%s = %v, want ErrNoDir", name, err)
		}
	}
}

func TestCancelledContextWaitsForNothing(t *testing.T) {
	a, c := setup(t, map[string]string{"trattato.md": docA})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := a.AddFile(ctx, "truppe.md", []byte(docB)); !errors.Is(err, context.Canceled) {
		t.Errorf("add = %v, want context.Canceled", err)
	}
	if got := listDir(t, c.dir); !slices.Equal(got, []string{"trattato.md"}) {
		t.Errorf("files = %v", got)
	}
}

// A page by URL is stored as Markdown whose front matter keeps its
// metadata and whose body is the extracted text, not the page's chrome.
func TestAddURLStoresMarkdown(t *testing.T) {
	const page = `<!DOCTYPE html><html lang="it"><head><meta charset="utf-8">
<title>Esercitazioni navali</title>
<meta property="og:site_name" content="Rivista Test">
<meta property="article:published_time" content="2025-06-03T08:00:00Z"></head>
<body><nav><a href="/">Home</a><a href="/oroscopo">Oroscopo</a></nav>
<article><h1>Esercitazioni navali</h1><p>Le marine di Russia e Corea del Nord hanno condotto esercitazioni congiunte con dodici navi.</p></article></body></html>`
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/esercitazioni" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	}))
	defer site.Close()
	a, c := setup(t, map[string]string{"trattato.md": docA})

	if _, err := a.AddURL(context.Background(), "ftp://example.org/x"); err == nil || !strings.Contains(err.Error(), "not an http(s) URL") {
		t.Errorf("ftp URL = %v", err)
	}
	if _, err := a.AddURL(context.Background(), site.URL+"/manca"); err == nil {
		t.Error("a 404 page was added")
	}
	id := corpus.IDFromURL(site.URL + "/esercitazioni")
	ch, err := a.AddURL(context.Background(), site.URL+"/esercitazioni")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ch.Index.AddedIDs, []string{id}) {
		t.Errorf("added %v, want %s", ch.Index.AddedIDs, id)
	}
	stored, err := os.ReadFile(filepath.Join(c.dir, id+".md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"id: " + id, "title: Esercitazioni navali", "source: Rivista Test", "url: " + site.URL + "/esercitazioni", `date: "2025-06-03T08:00:00Z"`, "con dodici navi"} {
		if !strings.Contains(string(stored), want) {
			t.Errorf("stored page lacks %q:\n%s", want, stored)
		}
	}
	if strings.Contains(string(stored), "Oroscopo") {
		t.Errorf("stored page keeps the navigation:\n%s", stored)
	}
	// The stored file reads back as the same document.
	doc, err := corpus.ParseFile(context.Background(), id+".md", stored)
	if err != nil || doc.ID != id || doc.Source != "Rivista Test" || !doc.Dated() {
		t.Errorf("stored page parses as %+v (%v)", doc, err)
	}
}
