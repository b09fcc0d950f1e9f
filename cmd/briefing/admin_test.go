package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/corpusdir"
	"github.com/briefing/briefing/internal/discordtest"
)

// adminPage is a web page an admin attaches: boilerplate around an article
// with its outlet, author and date in the metadata.
const adminPage = `<!DOCTYPE html><html lang="it"><head><meta charset="utf-8">
<title>Esercitazioni navali nel Mar del Giappone</title>
<meta property="og:site_name" content="Rivista Test">
<meta property="article:published_time" content="2025-06-03T08:00:00Z">
<link rel="canonical" href="https://rivista.example/esteri/esercitazioni"></head>
<body><nav><a href="/">Home</a><a href="/oroscopo">Oroscopo</a></nav>
<article><h1>Esercitazioni navali nel Mar del Giappone</h1>
<p>Le marine di Russia e Corea del Nord hanno condotto esercitazioni congiunte nel Mar del Giappone per tre giorni, con dodici navi e quattro sottomarini.</p>
<p>Gli osservatori sudcoreani hanno seguito le manovre da vicino e hanno chiesto spiegazioni ai due governi.</p></article>
<footer>Tutti i diritti riservati</footer></body></html>`

// TestServeCorpusAdmin drives /corpus from the fake Discord against the real
// engine and a corpus directory: an attached page is validated, written and
// indexed, then answered from with its outlet and date; a broken file
// changes nothing; a removal takes the document out again.
func TestServeCorpusAdmin(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.Options{})
	dir := corpusDir(t, map[string]string{"treaty.md": docTreaty})
	env := map[string]string{
		"BRIEFING_DISCORD_TOKEN":          strings.TrimPrefix(fake.Token(), "Bot "),
		"BRIEFING_DISCORD_API_BASE_URL":   fake.APIBase(),
		"BRIEFING_DISCORD_GUILD_IDS":      "10",
		"BRIEFING_DISCORD_ADMIN_USER_IDS": "88",
		"BRIEFING_CORPUS_DIR":             dir,
		"BRIEFING_INDEX_DIR":              t.TempDir(),
		"BRIEFING_OPS_LISTEN":             "127.0.0.1:0",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	stderr, stop, done := startServe(ctx, env)
	defer func() {
		stop()
		select {
		case <-done:
		case <-ctx.Done():
			t.Error("serve did not stop")
		}
	}()
	if _, err := fake.WaitFor(ctx, func(r discordtest.Request) bool {
		return r.Method == http.MethodPut && strings.HasSuffix(r.Path, "/guilds/10/commands")
	}); err != nil {
		t.Fatalf("commands not registered: %v\n%s", err, stderr.String())
	}
	admin := discordtest.Invoker{UserID: "88"}
	// reply sends a command and returns the content of its final edit.
	reply := func(inv discordtest.Invoker, name string, opts ...discordtest.Option) string {
		t.Helper()
		in := fake.Command(inv, name, opts...)
		if err := fake.Dispatch(ctx, "INTERACTION_CREATE", in.Payload); err != nil {
			t.Fatal(err)
		}
		r, err := fake.WaitFor(ctx, func(r discordtest.Request) bool {
			if r.Method == http.MethodPost && strings.Contains(r.Path, "/interactions/"+in.ID+"/") {
				d, _ := r.Object()["data"].(map[string]any)
				return d["content"] != nil && d["content"] != "" // answered at once
			}
			c, _ := r.Object()["content"].(string)
			return r.Method == http.MethodPatch && strings.Contains(r.Path, in.Token+"/messages/@original") && c != ""
		})
		if err != nil {
			t.Fatalf("/%s: no reply: %v\n%s", name, err, stderr.String())
		}
		if d, ok := r.Object()["data"].(map[string]any); ok {
			s, _ := d["content"].(string)
			return s
		}
		s, _ := r.Object()["content"].(string)
		return s
	}
	sub := func(name string, opts ...discordtest.Option) discordtest.Option {
		return discordtest.Option{Name: name, Type: discordtest.OptSubcommand, Options: opts}
	}
	files := func() []string {
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

	page := fake.Attach("esercitazioni.html", "text/html", []byte(adminPage))
	got := reply(admin, "corpus", sub("add", discordtest.Option{Name: "file", Type: discordtest.OptAttachment, Value: page.ID}))
	if !strings.Contains(got, "1 added, 0 changed, 0 removed, 1 unchanged") || !strings.Contains(got, "Added: `esercitazioni`") {
		t.Fatalf("/corpus add reply = %q", got)
	}
	if !slices.Equal(files(), []string{"esercitazioni.html", "treaty.md"}) {
		t.Errorf("corpus files = %v, want the page beside treaty.md", files())
	}

	// A new file is readable (0644); a replaced one keeps the mode the
	// operator gave it.
	pagePath := filepath.Join(dir, "esercitazioni.html")
	if fi, err := os.Stat(pagePath); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("added file: mode %v (%v), want 0644", fi.Mode().Perm(), err)
	}
	if err := os.Chmod(pagePath, 0o600); err != nil {
		t.Fatal(err)
	}
	again := fake.Attach("esercitazioni.html", "text/html", []byte(strings.Replace(adminPage, "</p>", " Aggiornato.</p>", 1)))
	if got := reply(admin, "corpus", sub("add", discordtest.Option{Name: "file", Type: discordtest.OptAttachment, Value: again.ID})); !strings.Contains(got, "1 changed") {
		t.Fatalf("/corpus add of a changed file = %q", got)
	}
	if fi, err := os.Stat(pagePath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("replaced file: mode %v (%v), want the operator's 0600", fi.Mode().Perm(), err)
	}

	// The new document answers, cited with its outlet and date.
	in := fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Quante navi hanno partecipato alle esercitazioni nel Mar del Giappone?"})
	if err := fake.Dispatch(ctx, "INTERACTION_CREATE", in.Payload); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitFor(ctx, func(r discordtest.Request) bool {
		raw := string(r.Raw)
		return r.Method == http.MethodPatch && strings.Contains(r.Path, in.Token+"/messages/@original") &&
			strings.Contains(raw, "dodici navi") && strings.Contains(raw, "Rivista Test · 2025-06-03 · https://rivista.example/esteri/esercitazioni") &&
			strings.Contains(raw, "aggiornato al 2025-06-03") && !strings.Contains(raw, "Oroscopo")
	}); err != nil {
		for _, r := range fake.Requests() {
			if strings.Contains(r.Path, in.Token) {
				t.Logf("%s %s %s", r.Method, r.Path, r.Raw)
			}
		}
		t.Fatalf("no cited answer from the added page: %v", err)
	}

	// A broken file is refused and nothing changes.
	bad := fake.Attach("nota.md", "text/markdown", []byte("---\ntitel: x\n---\nTesto."))
	got = reply(admin, "corpus", sub("add", discordtest.Option{Name: "file", Type: discordtest.OptAttachment, Value: bad.ID}))
	if !strings.Contains(got, `Nothing changed: corpus: parse nota.md:2: unknown front matter key "titel"`) {
		t.Errorf("broken file reply = %q", got)
	}
	if !slices.Equal(files(), []string{"esercitazioni.html", "treaty.md"}) {
		t.Errorf("corpus files after a refused add = %v", files())
	}

	// Not an admin: refused before any download.
	sneaky := fake.Attach("x.md", "text/markdown", []byte("Testo."))
	got = reply(discordtest.Invoker{UserID: "5"}, "corpus", sub("add", discordtest.Option{Name: "file", Type: discordtest.OptAttachment, Value: sneaky.ID}))
	if !strings.Contains(got, "Only the bot's admins") || fake.Downloads(sneaky) != 0 {
		t.Errorf("non-admin reply = %q (downloads %d)", got, fake.Downloads(sneaky))
	}

	// A page by URL is fetched and stored as Markdown with its metadata.
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(strings.ReplaceAll(adminPage, "Esercitazioni navali", "Nuove esercitazioni navali")))
	}))
	defer site.Close()
	pageID := corpus.IDFromURL(site.URL + "/nuove")
	got = reply(admin, "corpus", sub("add", discordtest.Option{Name: "url", Value: site.URL + "/nuove"}))
	if !strings.Contains(got, "Added: `"+pageID+"`") {
		t.Errorf("/corpus add url reply = %q", got)
	}
	stored, err := os.ReadFile(filepath.Join(dir, pageID+".md"))
	if err != nil {
		t.Fatalf("page not stored: %v (files %v)", err, files())
	}
	for _, w := range []string{"title: Nuove esercitazioni navali nel Mar del Giappone", "source: Rivista Test", "url: " + site.URL + "/nuove", "date: \"2025-06-03T08:00:00Z\"", "con dodici navi"} {
		if !strings.Contains(string(stored), w) {
			t.Errorf("stored page lacks %q:\n%s", w, stored)
		}
	}
	got = reply(admin, "corpus", sub("remove", discordtest.Option{Name: "id", Value: pageID}))
	if !strings.Contains(got, "Removed: `"+pageID+"`") {
		t.Errorf("remove of the URL page = %q", got)
	}

	// /reload names what changed on disk meanwhile.
	if err := os.WriteFile(filepath.Join(dir, "troops.md"), []byte(docTroops), 0o644); err != nil {
		t.Fatal(err)
	}
	got = reply(admin, "reload")
	if !strings.Contains(got, "1 added, 0 changed, 0 removed, 2 unchanged") || !strings.Contains(got, "Added: `troops`") {
		t.Errorf("/reload reply = %q", got)
	}
	if err := os.Remove(filepath.Join(dir, "troops.md")); err != nil {
		t.Fatal(err)
	}

	got = reply(admin, "corpus", sub("remove", discordtest.Option{Name: "id", Value: "nessuno"}))
	if !strings.Contains(got, `Nothing changed: no document has the id "nessuno"`) {
		t.Errorf("unknown id reply = %q", got)
	}
	got = reply(admin, "corpus", sub("remove", discordtest.Option{Name: "id", Value: "esercitazioni"}))
	if !strings.Contains(got, "Removed: `esercitazioni`") {
		t.Errorf("remove reply = %q", got)
	}
	if !slices.Equal(files(), []string{"treaty.md"}) {
		t.Errorf("corpus files after remove = %v", files())
	}
	if _, err := os.Stat(filepath.Join(dir, "esercitazioni.html")); !os.IsNotExist(err) {
		t.Errorf("removed file still there: %v", err)
	}
}

// blockingIndex is an engine whose first Index call holds until release is
// closed, telling the test through entered that it is holding.
type blockingIndex struct {
	engine
	once    sync.Once
	entered chan struct{}
	release chan struct{}
}

func (b *blockingIndex) Index(ctx context.Context, docs []corpus.Document, _ func(briefing.IndexProgress)) (briefing.IndexReport, error) {
	b.once.Do(func() {
		close(b.entered)
		<-b.release
	})
	return briefing.IndexReport{Unchanged: len(docs)}, nil
}

// TestSessionWaitEndsWithItsContext: while a reload is indexing, another
// reload or corpus change returns its ctx's error instead of waiting.
func TestSessionWaitEndsWithItsContext(t *testing.T) {
	t.Parallel()
	eng := &blockingIndex{entered: make(chan struct{}), release: make(chan struct{})}
	s := &session{sem: make(chan struct{}, 1), eng: eng, logger: slog.New(slog.DiscardHandler)}
	s.cfg.Corpus.Dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(s.cfg.Corpus.Dir, "treaty.md"), []byte(docTreaty), 0o644); err != nil {
		t.Fatal(err)
	}
	first := make(chan error, 1)
	go func() {
		_, err := s.reload(context.Background())
		first <- err
	}()
	<-eng.entered
	var releaseOnce sync.Once
	release := func() { releaseOnce.Do(func() { close(eng.release) }) }
	defer release()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	admin := corpusdir.New(s.cfg.Corpus.Dir, s, nil)
	for name, call := range map[string]func() error{
		"reload": func() error { _, err := s.reload(ctx); return err },
		"add":    func() error { _, err := admin.AddFile(ctx, "new.md", []byte(docTreaty)); return err },
		"remove": func() error { _, err := admin.Remove(ctx, "treaty"); return err },
	} {
		done := make(chan error, 1)
		go func() { done <- call() }()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s with a cancelled ctx during a reload = %v, want context.Canceled", name, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s ignored its cancelled ctx while a reload held the session", name)
		}
	}
	release()
	if err := <-first; err != nil {
		t.Errorf("first reload: %v", err)
	}
}
