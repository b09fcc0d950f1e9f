package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/fetch"
)

const articleBody = `<p>Il parlamento russo ha ratificato il trattato di partenariato strategico con la Corea del Nord. Il voto è arrivato dopo un breve dibattito in aula.</p>
<p>Secondo gli analisti, l'accordo impegna i due Paesi ad assistersi in caso di aggressione, con tutti i mezzi a disposizione.</p>`

func page(title, date string) string {
	return `<!DOCTYPE html><html lang="it"><head><meta charset="utf-8"><title>` + title + `</title>
<meta property="og:site_name" content="Agenzia Test"><meta property="article:published_time" content="` + date + `"></head>
<body><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav><article><h1>` + title + `</h1>` + articleBody + `</article><footer>Tutti i diritti riservati</footer></body></html>`
}

// server is a loopback site whose routes a test sets, counting requests and
// the full bodies it sent.
type server struct {
	*httptest.Server
	mu     sync.Mutex
	routes map[string]http.HandlerFunc
	hits   map[string]int
	agents []string
}

func newServer(t *testing.T) *server {
	t.Helper()
	s := &server{routes: make(map[string]http.HandlerFunc), hits: make(map[string]int)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		h := s.routes[r.URL.Path]
		s.hits[r.URL.Path]++
		s.agents = append(s.agents, r.UserAgent())
		s.mu.Unlock()
		if h == nil {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) handle(path string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes[path] = h
}

func (s *server) hitsOf(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// conditional serves body with an ETag and a Last-Modified, answering 304
// when the request carries either validator; full counts the 200s.
func conditional(ctype, etag string, body []byte, full *int, mu *sync.Mutex) http.HandlerFunc {
	lastMod := time.Date(2025, 6, 3, 10, 0, 0, 0, time.UTC).Format(http.TimeFormat)
	return func(w http.ResponseWriter, r *http.Request) {
		if (etag != "" && r.Header.Get("If-None-Match") == etag) || (etag == "" && r.Header.Get("If-Modified-Since") == lastMod) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if etag != "" {
			w.Header().Set("ETag", etag)
		}
		w.Header().Set("Last-Modified", lastMod)
		w.Header().Set("Content-Type", ctype)
		mu.Lock()
		*full++
		mu.Unlock()
		_, _ = w.Write(body)
	}
}

func TestFetchURLConditional(t *testing.T) {
	t.Parallel()
	for _, etag := range []string{`"v1"`, ""} { // ETag, then Last-Modified alone
		t.Run(fmt.Sprintf("etag=%s", etag), func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			var mu sync.Mutex
			full := 0
			s.handle("/a", conditional("text/html; charset=utf-8", etag, []byte(page("Trattato ratificato", "2024-11-06T09:00:00Z")), &full, &mu))
			f := fetch.New(fetch.Options{CacheDir: t.TempDir(), UserAgent: "briefing-test/1"})
			ctx := context.Background()
			url := s.URL + "/a"

			first, err := f.Fetch(ctx, nil, []string{url})
			if err != nil {
				t.Fatal(err)
			}
			if len(first.Documents) != 1 {
				t.Fatalf("first Fetch: %d documents, want 1 (reports %+v)", len(first.Documents), first.Sources)
			}
			d := first.Documents[0]
			if d.ID != corpus.IDFromURL(url) || d.Title != "Trattato ratificato" || d.Source != "Agenzia Test" || d.Date != "2024-11-06" || d.URL != url {
				t.Errorf("document = id %q title %q source %q date %q url %q", d.ID, d.Title, d.Source, d.Date, d.URL)
			}
			if strings.Contains(d.Body, "Sport") || strings.Contains(d.Body, "diritti") {
				t.Errorf("Body holds navigation or footer: %q", d.Body)
			}
			if rep := first.Sources[0]; rep.NotModified || !slices.Equal(rep.New, []string{d.ID}) {
				t.Errorf("first report = %+v, want new %q, not 304", rep, d.ID)
			}

			second, err := f.Fetch(ctx, nil, []string{url})
			if err != nil {
				t.Fatal(err)
			}
			if rep := second.Sources[0]; !rep.NotModified || len(rep.New) != 0 || rep.Err != nil {
				t.Errorf("second report = %+v, want 304 and nothing new", rep)
			}
			if len(second.Documents) != 1 || second.Documents[0].Body != d.Body {
				t.Errorf("second Fetch documents differ from the first")
			}
			mu.Lock()
			defer mu.Unlock()
			if full != 1 {
				t.Errorf("server sent the page %d times, want 1 (then 304)", full)
			}
			for _, ua := range s.agents {
				if ua != "briefing-test/1" {
					t.Errorf("User-Agent = %q, want briefing-test/1", ua)
				}
			}
		})
	}
}

func TestFetchCachePersists(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var mu sync.Mutex
	full := 0
	s.handle("/a", conditional("text/html", `"x"`, []byte(page("T", "2024-11-06")), &full, &mu))
	dir := t.TempDir()
	ctx := context.Background()
	if _, err := fetch.New(fetch.Options{CacheDir: dir}).Fetch(ctx, nil, []string{s.URL + "/a"}); err != nil {
		t.Fatal(err)
	}
	// Entries are private: one records its URL, which may be signed.
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("cache dir: %v, %d entries", err, len(entries))
	}
	for _, e := range entries {
		if fi, err := e.Info(); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("cache entry %s: mode %v (%v), want 0600", e.Name(), fi.Mode().Perm(), err)
		}
	}
	// A new process (a new Fetcher on the same directory) asks conditionally.
	res, err := fetch.New(fetch.Options{CacheDir: dir}).Fetch(ctx, nil, []string{s.URL + "/a"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Sources[0].NotModified || len(res.Documents) != 1 {
		t.Errorf("second process: report %+v, %d documents; want 304 and the cached document", res.Sources[0], len(res.Documents))
	}
	mu.Lock()
	defer mu.Unlock()
	if full != 1 {
		t.Errorf("page sent %d times, want 1", full)
	}
}

func TestFetchFailures(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	html := []byte(page("Buona", "2024-11-06"))
	s.handle("/good", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write(html)
	})
	s.handle("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
	s.handle("/slow", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // answers only when the client gives up
	})
	s.handle("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(strings.Repeat("<p>x</p>", 2000)))
	})
	s.handle("/huge-declared", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", "999999999")
		w.WriteHeader(http.StatusOK)
	})
	s.handle("/png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write([]byte("\x89PNG"))
	})
	s.handle("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	s.handle("/feed-is-html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write(html)
	})

	f := fetch.New(fetch.Options{Timeout: 200 * time.Millisecond, MaxBytes: 8 << 10})
	urls := []string{s.URL + "/404", s.URL + "/500", s.URL + "/slow", s.URL + "/huge", s.URL + "/huge-declared", s.URL + "/png", s.URL + "/loop", s.URL + "/good"}
	res, err := f.Fetch(context.Background(), []string{s.URL + "/feed-is-html"}, urls)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"/feed-is-html":  "unexpected content type",
		"/404":           "404",
		"/500":           "500",
		"/slow":          "deadline exceeded",
		"/huge":          "cap",
		"/huge-declared": "cap",
		"/png":           `unexpected content type "image/png"`,
		"/loop":          "redirects",
	}
	for _, rep := range res.Sources {
		path := strings.TrimPrefix(rep.URL, s.URL)
		sub, bad := want[path]
		switch {
		case bad && (rep.Err == nil || !strings.Contains(rep.Err.Error(), sub)):
			t.Errorf("%s: error %v, want one containing %q", path, rep.Err, sub)
		case bad && (rep.Documents != 0 || rep.Stale):
			t.Errorf("%s: %d documents (stale %v), want none", path, rep.Documents, rep.Stale)
		case !bad && rep.Err != nil:
			t.Errorf("%s: error %v, want none", path, rep.Err)
		}
	}
	if len(res.Documents) != 1 || res.Documents[0].Title != "Buona" {
		t.Errorf("documents = %d, want only the good page", len(res.Documents))
	}
	if got := len(res.Failed()); got != len(want) {
		t.Errorf("Failed() = %d sources, want %d", got, len(want))
	}
	if n := s.hitsOf("/loop"); n > 6 {
		t.Errorf("redirect loop followed %d times, want at most 6", n)
	}
}

func TestFetchKeepsLastGoodCopy(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var mu sync.Mutex
	broken := false
	s.handle("/a", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		b := broken
		mu.Unlock()
		if b {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(page("Ultima copia", "2024-11-06")))
	})
	f := fetch.New(fetch.Options{CacheDir: t.TempDir()})
	ctx := context.Background()
	if _, err := f.Fetch(ctx, nil, []string{s.URL + "/a"}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	broken = true
	mu.Unlock()
	res, err := f.Fetch(ctx, nil, []string{s.URL + "/a"})
	if err != nil {
		t.Fatal(err)
	}
	rep := res.Sources[0]
	if rep.Err == nil || !rep.Stale || !strings.Contains(rep.Err.Error(), "503") {
		t.Errorf("report = %+v, want a 503 error with the stale copy used", rep)
	}
	if len(res.Documents) != 1 || res.Documents[0].Title != "Ultima copia" {
		t.Errorf("documents = %+v, want the last good copy", res.Documents)
	}
}

func TestFetchRedirect(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.handle("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusMovedPermanently) })
	s.handle("/new", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(page("Spostata", "2024-11-06")))
	})
	res, err := fetch.New(fetch.Options{}).Fetch(context.Background(), nil, []string{s.URL + "/old"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Documents) != 1 {
		t.Fatalf("documents = %d, want 1 (%+v)", len(res.Documents), res.Sources)
	}
	d := res.Documents[0]
	// The ID follows the configured URL, so it stays put; the link is where
	// the page now is.
	if d.ID != corpus.IDFromURL(s.URL+"/old") || d.URL != s.URL+"/new" {
		t.Errorf("document id %q url %q, want the ID of /old and the URL of /new", d.ID, d.URL)
	}
}

func TestFetchCharsets(t *testing.T) {
	t.Parallel()
	text := "Il presidente è arrivato a Pyongyang: l'alleanza è più forte che mai, disse il portavoce della delegazione russa."
	enc := func(cm *charmap.Charmap, s string) []byte {
		b, err := cm.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	s := newServer(t)
	serve := func(ctype string, body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			_, _ = w.Write(body)
		}
	}
	s.handle("/cp1252-header", serve("text/html; charset=windows-1252", enc(charmap.Windows1252, "<html><body><article><p>"+text+"</p></article></body></html>")))
	s.handle("/latin1-meta", serve("text/html", append([]byte(`<html><head><meta charset="iso-8859-1"></head><body><article><p>`), enc(charmap.ISO8859_1, text+"</p></article></body></html>")...)))
	s.handle("/latin1-text", serve("text/plain; charset=ISO-8859-1", enc(charmap.ISO8859_1, text)))
	s.handle("/latin1-feed", serve("application/rss+xml", enc(charmap.ISO8859_1, `<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="2.0"><channel><title>Agenzia Latina</title><item><title>Già arrivato</title><guid>n1</guid><description>`+text+`</description></item></channel></rss>`)))
	paths := []string{"/cp1252-header", "/latin1-meta", "/latin1-text"}
	var urls []string
	for _, p := range paths {
		urls = append(urls, s.URL+p)
	}
	res, err := fetch.New(fetch.Options{}).Fetch(context.Background(), []string{s.URL + "/latin1-feed"}, urls)
	if err != nil {
		t.Fatal(err)
	}
	for _, rep := range res.Failed() {
		t.Errorf("%s failed: %v", rep.URL, rep.Err)
	}
	if len(res.Documents) != 4 {
		t.Fatalf("documents = %d, want 4", len(res.Documents))
	}
	for _, d := range res.Documents {
		if d.Body != text {
			t.Errorf("%s: Body = %q, want %q", d.Path, d.Body, text)
		}
	}
	if d := res.Documents[0]; d.Title != "Già arrivato" || d.Source != "Agenzia Latina" {
		t.Errorf("feed item title %q source %q, want Già arrivato, Agenzia Latina", d.Title, d.Source)
	}
}

func TestFetchOffline(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.handle("/a", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(page("In cache", "2024-11-06")))
	})
	dir := t.TempDir()
	ctx := context.Background()
	offline := fetch.New(fetch.Options{CacheDir: dir, Offline: true})
	res, err := offline.Fetch(ctx, nil, []string{s.URL + "/a"})
	if err != nil {
		t.Fatal(err)
	}
	if rep := res.Sources[0]; !errors.Is(rep.Err, fetch.ErrNotFetched) || len(res.Documents) != 0 {
		t.Errorf("offline before any fetch: %+v, want ErrNotFetched and no documents", rep)
	}
	if _, err := fetch.New(fetch.Options{CacheDir: dir}).Fetch(ctx, nil, []string{s.URL + "/a"}); err != nil {
		t.Fatal(err)
	}
	hits := s.hitsOf("/a")
	res, err = offline.Fetch(ctx, nil, []string{s.URL + "/a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Documents) != 1 || res.Documents[0].Title != "In cache" || res.Sources[0].Err != nil {
		t.Errorf("offline after a fetch: %d documents, report %+v; want the cached page", len(res.Documents), res.Sources[0])
	}
	if s.hitsOf("/a") != hits {
		t.Errorf("offline Fetch made a request")
	}
}
