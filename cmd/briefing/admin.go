package main

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

	"github.com/briefing/briefing/bot"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/atomicfile"
	"github.com/briefing/briefing/internal/fetch"
)

var _ bot.CorpusAdmin = (*corpusAdmin)(nil)

// reload re-reads the corpus (directory, feeds and URLs) and re-indexes it
// incrementally, reporting what changed. On error the engine keeps its
// previous index.
func (s *session) reload(ctx context.Context) (bot.Change, error) {
	if err := s.lock(ctx); err != nil {
		return bot.Change{}, err
	}
	defer s.unlock()
	return s.reloadLocked(ctx)
}

// lock takes the session's one slot, or returns ctx's error when ctx is done
// first: the holder may be fetching feeds or embedding, and a waiting caller
// must not outlive its deadline behind it.
func (s *session) lock(ctx context.Context) error {
	select {
	case s.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for the reload in progress: %w", ctx.Err())
	}
}

func (s *session) unlock() { <-s.sem }

func (s *session) reloadLocked(ctx context.Context) (bot.Change, error) {
	docs, fetched, err := loadCorpus(ctx, s.cfg, s.logger, s.fetcher)
	if err != nil {
		return bot.Change{}, err
	}
	rep, err := s.eng.Index(ctx, docs, nil)
	if err != nil {
		return bot.Change{}, fmt.Errorf("index corpus: %w", err)
	}
	s.docs, s.fetched, s.report = docs, fetched, rep
	c := bot.Change{Index: rep}
	for _, f := range fetched {
		sc := bot.SourceChange{URL: f.URL, New: f.New, Stale: f.Stale}
		if f.Err != nil {
			sc.Err = f.Err.Error()
		}
		c.Sources = append(c.Sources, sc)
	}
	return c, nil
}

// corpusAdmin carries out /corpus add and /corpus remove on the corpus
// directory: it validates and parses the document first, writes it with an
// atomic rename, re-indexes, and puts the directory back as it was when
// indexing fails, so nothing changes on error.
type corpusAdmin struct {
	s *session
	// pages fetches /corpus add url pages: the configured limits, no
	// cache (the page is stored as a file).
	pages *fetch.Fetcher
}

func newCorpusAdmin(s *session) *corpusAdmin {
	return &corpusAdmin{s: s, pages: fetch.New(fetch.Options{
		Timeout:  s.cfg.Corpus.FetchTimeout,
		MaxBytes: int64(s.cfg.Corpus.FetchMaxMB) << 20,
		Logger:   s.logger,
	})}
}

// errNoCorpusDir: documents are added to and removed from corpus.dir only.
var errNoCorpusDir = errors.New("corpus.dir is not set: documents can only be added to a corpus directory")

// AddFile adds or replaces the file name (its base name) in the corpus
// directory.
func (c *corpusAdmin) AddFile(ctx context.Context, name string, data []byte) (bot.Change, error) {
	dir := c.s.cfg.Corpus.Dir
	if dir == "" {
		return bot.Change{}, errNoCorpusDir
	}
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	if base == "." || base == "/" || strings.HasPrefix(base, ".") {
		return bot.Change{}, fmt.Errorf("%q is not a usable file name", name)
	}
	// Parse before anything changes: a broken file never reaches the
	// directory.
	doc, err := corpus.ParseFile(ctx, base, data)
	if err != nil {
		return bot.Change{}, err
	}
	if err := c.s.lock(ctx); err != nil {
		return bot.Change{}, err
	}
	defer c.s.unlock()
	if other := slices.IndexFunc(c.s.docs, func(d corpus.Document) bool { return d.ID == doc.ID && d.Path != base }); other >= 0 {
		return bot.Change{}, fmt.Errorf("document id %q is already used by %s; rename the file or set another id", doc.ID, c.s.docs[other].Path)
	}
	return c.write(ctx, dir, base, data)
}

// AddURL fetches one page and stores it as a Markdown file whose front
// matter keeps its metadata and whose body is the extracted text.
func (c *corpusAdmin) AddURL(ctx context.Context, raw string) (bot.Change, error) {
	dir := c.s.cfg.Corpus.Dir
	if dir == "" {
		return bot.Change{}, errNoCorpusDir
	}
	if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return bot.Change{}, fmt.Errorf("%q is not an http(s) URL", raw)
	}
	res, err := c.pages.Fetch(ctx, nil, []string{raw})
	if err != nil {
		return bot.Change{}, err
	}
	if f := res.Failed(); len(f) > 0 {
		return bot.Change{}, f[0].Err
	}
	if len(res.Documents) != 1 {
		return bot.Change{}, fmt.Errorf("%s gave no document", raw)
	}
	data, err := markdownOf(res.Documents[0])
	if err != nil {
		return bot.Change{}, err
	}
	return c.AddFile(ctx, res.Documents[0].ID+".md", data)
}

// Remove deletes the file of document id from the corpus directory.
func (c *corpusAdmin) Remove(ctx context.Context, id string) (bot.Change, error) {
	dir := c.s.cfg.Corpus.Dir
	if dir == "" {
		return bot.Change{}, errNoCorpusDir
	}
	if err := c.s.lock(ctx); err != nil {
		return bot.Change{}, err
	}
	defer c.s.unlock()
	i := slices.IndexFunc(c.s.docs, func(d corpus.Document) bool { return d.ID == id })
	if i < 0 {
		return bot.Change{}, fmt.Errorf("no document has the id %q", id)
	}
	d := c.s.docs[i]
	if strings.Contains(d.Path, "://") {
		return bot.Change{}, fmt.Errorf("%q comes from %s: remove it from corpus.feeds or corpus.urls", id, d.Path)
	}
	file := filepath.Join(dir, filepath.FromSlash(d.Path))
	old, err := os.ReadFile(file)
	if err != nil {
		return bot.Change{}, fmt.Errorf("read %s: %w", d.Path, err)
	}
	mode := modeOf(file)
	if err := os.Remove(file); err != nil {
		return bot.Change{}, fmt.Errorf("remove %s: %w", d.Path, err)
	}
	ch, err := c.s.reloadLocked(ctx)
	if err != nil {
		if rerr := atomicfile.Write(file, old, mode); rerr != nil {
			return bot.Change{}, errors.Join(err, fmt.Errorf("restore %s: %w", d.Path, rerr))
		}
		return bot.Change{}, err
	}
	return ch, nil
}

// write puts data at dir/base atomically and re-indexes; when indexing
// fails the previous file (or none) is put back.
func (c *corpusAdmin) write(ctx context.Context, dir, base string, data []byte) (bot.Change, error) {
	file := filepath.Join(dir, base)
	old, readErr := os.ReadFile(file)
	existed := readErr == nil
	mode := modeOf(file)
	if err := atomicfile.Write(file, data, mode); err != nil {
		return bot.Change{}, err
	}
	ch, err := c.s.reloadLocked(ctx)
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
		return bot.Change{}, errors.Join(err, fmt.Errorf("restore %s: %w", base, rerr))
	}
	return bot.Change{}, err
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
