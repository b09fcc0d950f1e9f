// Package corpusdir carries out /corpus add and /corpus remove on the corpus
// directory: it validates and parses a document first, writes it with an
// atomic rename, has the live corpus re-indexed, and puts the directory back
// as it was when that fails, so nothing changes on error.
package corpusdir

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/atomicfile"
	"github.com/briefing/briefing/internal/fetch"
)

// Corpus is the live corpus the directory feeds. One change holds it from
// Lock to Unlock, so a reload never reads a half-made change and two admins
// never race on one file.
type Corpus interface {
	// Lock takes the corpus for one change, or returns ctx's error when
	// ctx ends first (the holder may be fetching feeds or embedding).
	Lock(ctx context.Context) error
	Unlock()
	// Documents are the indexed documents; read while locked.
	Documents() []corpus.Document
	// ReloadLocked re-reads the corpus and re-indexes it, reporting what
	// changed; called while locked. On error the previous index stays.
	ReloadLocked(ctx context.Context) (briefing.CorpusChange, error)
}

// ErrNoDir: documents are added to and removed from a corpus directory only.
var ErrNoDir = errors.New("corpus.dir is not set: documents can only be added to a corpus directory")

// Admin changes one corpus directory: the /corpus commands of the bot
// (bot.CorpusAdmin).
type Admin struct {
	dir    string
	corpus Corpus
	// pages fetches /corpus add url pages; a page is stored as a file, so
	// it needs no cache.
	pages *fetch.Fetcher
}

// New is an Admin for dir, re-indexing c after each change and fetching
// pages with pages.
func New(dir string, c Corpus, pages *fetch.Fetcher) *Admin {
	return &Admin{dir: dir, corpus: c, pages: pages}
}

// AddFile adds or replaces the file name (its base name) in the directory.
func (a *Admin) AddFile(ctx context.Context, name string, data []byte) (briefing.CorpusChange, error) {
	if a.dir == "" {
		return briefing.CorpusChange{}, ErrNoDir
	}
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	if base == "." || base == "/" || strings.HasPrefix(base, ".") {
		return briefing.CorpusChange{}, fmt.Errorf("%q is not a usable file name", name)
	}
	// Parse before anything changes: a broken file never reaches the
	// directory.
	doc, err := corpus.ParseFile(ctx, base, data)
	if err != nil {
		return briefing.CorpusChange{}, err
	}
	if err := a.corpus.Lock(ctx); err != nil {
		return briefing.CorpusChange{}, err
	}
	defer a.corpus.Unlock()
	docs := a.corpus.Documents()
	if other := slices.IndexFunc(docs, func(d corpus.Document) bool { return d.ID == doc.ID && d.Path != base }); other >= 0 {
		return briefing.CorpusChange{}, fmt.Errorf("document id %q is already used by %s; rename the file or set another id", doc.ID, docs[other].Path)
	}
	return a.write(ctx, base, data)
}

// AddURL fetches one page and stores it as a Markdown file whose front
// matter keeps its metadata and whose body is the extracted text.
func (a *Admin) AddURL(ctx context.Context, raw string) (briefing.CorpusChange, error) {
	if a.dir == "" {
		return briefing.CorpusChange{}, ErrNoDir
	}
	if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return briefing.CorpusChange{}, fmt.Errorf("%q is not an http(s) URL", raw)
	}
	res, err := a.pages.Fetch(ctx, nil, []string{raw})
	if err != nil {
		return briefing.CorpusChange{}, err
	}
	if f := res.Failed(); len(f) > 0 {
		return briefing.CorpusChange{}, f[0].Err
	}
	if len(res.Documents) != 1 {
		return briefing.CorpusChange{}, fmt.Errorf("%s gave no document", raw)
	}
	data, err := markdownOf(res.Documents[0])
	if err != nil {
		return briefing.CorpusChange{}, err
	}
	return a.AddFile(ctx, res.Documents[0].ID+".md", data)
}

// Remove deletes the file of document id from the directory.
func (a *Admin) Remove(ctx context.Context, id string) (briefing.CorpusChange, error) {
	if a.dir == "" {
		return briefing.CorpusChange{}, ErrNoDir
	}
	if err := a.corpus.Lock(ctx); err != nil {
		return briefing.CorpusChange{}, err
	}
	defer a.corpus.Unlock()
	docs := a.corpus.Documents()
	i := slices.IndexFunc(docs, func(d corpus.Document) bool { return d.ID == id })
	if i < 0 {
		return briefing.CorpusChange{}, fmt.Errorf("no document has the id %q", id)
	}
	d := docs[i]
	if strings.Contains(d.Path, "://") {
		return briefing.CorpusChange{}, fmt.Errorf("%q comes from %s: remove it from corpus.feeds or corpus.urls", id, d.Path)
	}
	file := filepath.Join(a.dir, filepath.FromSlash(d.Path))
	old, err := os.ReadFile(file)
	if err != nil {
		return briefing.CorpusChange{}, fmt.Errorf("read %s: %w", d.Path, err)
	}
	mode := modeOf(file)
	if err := os.Remove(file); err != nil {
		return briefing.CorpusChange{}, fmt.Errorf("remove %s: %w", d.Path, err)
	}
	ch, err := a.corpus.ReloadLocked(ctx)
	if err != nil {
		if rerr := atomicfile.Write(file, old, mode); rerr != nil {
			return briefing.CorpusChange{}, errors.Join(err, fmt.Errorf("restore %s: %w", d.Path, rerr))
		}
		return briefing.CorpusChange{}, err
	}
	return ch, nil
}

// write puts data at dir/base atomically and re-indexes; when indexing
// fails the previous file (or none) is put back.
func (a *Admin) write(ctx context.Context, base string, data []byte) (briefing.CorpusChange, error) {
	file := filepath.Join(a.dir, base)
	old, readErr := os.ReadFile(file)
	existed := readErr == nil
	mode := modeOf(file)
	if err := atomicfile.Write(file, data, mode); err != nil {
		return briefing.CorpusChange{}, err
	}
	ch, err := a.corpus.ReloadLocked(ctx)
	if err == nil {
		return ch, nil
	}
	var rerr error
	if existed {
		rerr = atomicfile.Write(file, old, mode)
	} else {
		rerr = os.Remove(file)
	}
	if rerr != nil {
		return briefing.CorpusChange{}, errors.Join(err, fmt.Errorf("restore %s: %w", base, rerr))
	}
	return briefing.CorpusChange{}, err
}

// modeOf is the permission bits of an existing corpus file, kept when it is
// replaced or put back; 0644 (readable, as an operator's files usually are)
// for a new one.
func modeOf(name string) fs.FileMode {
	if fi, err := os.Stat(name); err == nil {
		return fi.Mode().Perm()
	}
	return 0o644
}

// markdownOf renders a fetched document as a corpus Markdown file: its
// metadata in front matter, its extracted text as the body (so quotes stay
// verbatim of what was extracted).
func markdownOf(d corpus.Document) ([]byte, error) {
	fm := struct {
		ID     string `yaml:"id"`
		Title  string `yaml:"title,omitempty"`
		Lang   string `yaml:"lang,omitempty"`
		Date   string `yaml:"date,omitempty"`
		Author string `yaml:"author,omitempty"`
		Source string `yaml:"source,omitempty"`
		URL    string `yaml:"url,omitempty"`
	}{d.ID, d.Title, d.Lang, d.Date, d.Author, d.Source, d.URL}
	if d.Dated() {
		fm.Date = d.Published.Format("2006-01-02T15:04:05Z07:00")
	}
	head, err := yaml.Marshal(fm)
	if err != nil {
		return nil, fmt.Errorf("front matter: %w", err)
	}
	return []byte("---\n" + string(head) + "---\n" + d.Body + "\n"), nil
}
