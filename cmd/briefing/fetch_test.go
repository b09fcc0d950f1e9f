package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/cliout"
)

// newsSite is a loopback site with one feed and one page; the page can be
// broken to show that its last good copy is kept.
type newsSite struct {
	*httptest.Server
	mu     sync.Mutex
	broken bool
	hits   int
}

func newNewsSite(t *testing.T) *newsSite {
	t.Helper()
	s := &newsSite{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits++
		broken := s.broken
		s.mu.Unlock()
		if r.Header.Get("If-None-Match") == `"v1"` && !broken {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		switch r.URL.Path {
		case "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			_, _ = w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Agenzia Feed</title>
<item><title>Il voto sul trattato</title><guid>urn:voto</guid><pubDate>Wed, 06 Nov 2024 09:00:00 +0000</pubDate>
<description>Il parlamento russo ha votato la ratifica del trattato di mutua difesa con la Corea del Nord.</description></item>
</channel></rss>`))
		case "/page":
			if broken {
				http.Error(w, "down", http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(`<html><head><title>Le truppe a Kursk</title><meta property="og:site_name" content="Il Sito"></head><body><nav>Menu Sport</nav><article><p>Circa 4.000 soldati nordcoreani sono stati uccisi o feriti a Kursk, secondo le stime.</p></article></body></html>`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func TestIndexFetchesFeedsAndURLs(t *testing.T) {
	t.Parallel()
	site := newNewsSite(t)
	dir := corpusDir(t, map[string]string{"treaty.md": docTreaty})
	indexDir := t.TempDir()
	env := map[string]string{
		"BRIEFING_LOG_LEVEL":    "error",
		"BRIEFING_CORPUS_FEEDS": site.URL + "/feed.xml",
		"BRIEFING_CORPUS_URLS":  site.URL + "/page," + site.URL + "/missing",
	}
	index := func() cliout.IndexJSON {
		t.Helper()
		r := cli(t, env, "", "--corpus", dir, "--index-dir", indexDir, "index", "--json")
		if r.code != 0 {
			t.Fatalf("index: exit %d, stderr:\n%s", r.code, r.stderr)
		}
		var got cliout.IndexJSON
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatalf("index --json: %v\n%s", err, r.stdout)
		}
		return got
	}
	pageID := corpus.IDFromURL(site.URL + "/page")
	first := index()
	if first.Documents != 3 || first.Added != 3 || len(first.Sources) != 3 {
		t.Fatalf("first index = %+v, want 3 documents added from a file, a feed item and a page", first)
	}
	feed, page, missing := first.Sources[0], first.Sources[1], first.Sources[2]
	if feed.Kind != "feed" || feed.Documents != 1 || len(feed.New) != 1 || page.Kind != "url" || page.New[0] != pageID {
		t.Errorf("first sources = %+v", first.Sources)
	}
	if !strings.Contains(missing.Error, "404") || missing.Documents != 0 {
		t.Errorf("missing page report = %+v, want a 404 error", missing)
	}

	// Unchanged: conditional requests, nothing new, nothing re-embedded.
	second := index()
	if second.Unchanged != 3 || second.Embedded != 0 || !second.Sources[0].NotModified || !second.Sources[1].NotModified || len(second.Sources[0].New) != 0 {
		t.Errorf("second index = %+v, want everything unchanged and not modified", second)
	}

	// The page breaks: it is reported, and its last good copy still serves.
	site.mu.Lock()
	site.broken = true
	site.mu.Unlock()
	third := index()
	if p := third.Sources[1]; !p.Stale || !strings.Contains(p.Error, "500") || third.Documents != 3 || third.Removed != 0 {
		t.Errorf("third index = %+v, want the page's failure reported and its copy kept", third)
	}

	// Reading commands never touch the network.
	site.mu.Lock()
	before := site.hits
	site.mu.Unlock()
	r := cli(t, env, "", "--corpus", dir, "--index-dir", indexDir, "search", "--json", "soldati Kursk")
	if r.code != 0 {
		t.Fatalf("search: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, pageID) {
		t.Errorf("search does not find the fetched page %s:\n%s", pageID, r.stdout)
	}
	site.mu.Lock()
	after := site.hits
	site.mu.Unlock()
	if after != before {
		t.Errorf("search made %d requests, want none", after-before)
	}

	// sources lists the fetched documents with their metadata.
	r = cli(t, env, "", "--corpus", dir, "--index-dir", indexDir, "sources", "--json")
	var docs []cliout.DocumentJSON
	if err := json.Unmarshal([]byte(r.stdout), &docs); err != nil {
		t.Fatalf("sources --json: %v\n%s", err, r.stdout)
	}
	var entry *cliout.DocumentJSON
	for i := range docs {
		if docs[i].ID == pageID {
			entry = &docs[i]
		}
	}
	if entry == nil || entry.URL != site.URL+"/page" || entry.Source != "Il Sito" || entry.Format != "html" || entry.Title != "Le truppe a Kursk" || entry.Date != "" {
		t.Errorf("sources entry of the page = %+v, want its URL, outlet, format and no date", entry)
	}

	// The text report names each source.
	r = cli(t, env, "", "--corpus", dir, "--index-dir", indexDir, "index")
	for _, w := range []string{"sources:", "feed " + site.URL + "/feed.xml: 1 documents, 0 new", "FAILED, kept the last good copy", "url " + site.URL + "/missing: FAILED"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("index report lacks %q:\n%s", w, r.stdout)
		}
	}
}

func TestFeedsWithoutCorpusDir(t *testing.T) {
	t.Parallel()
	site := newNewsSite(t)
	env := map[string]string{"BRIEFING_LOG_LEVEL": "error", "BRIEFING_CORPUS_FEEDS": site.URL + "/feed.xml"}
	r := cli(t, env, "", "index", "--json")
	if r.code != 0 {
		t.Fatalf("index: exit %d\n%s", r.code, r.stderr)
	}
	var got cliout.IndexJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	// The feed's one item, and not the embedded seed articles.
	if got.Documents != 1 || len(got.AddedIDs) != 1 || got.AddedIDs[0] != got.Sources[0].New[0] {
		t.Errorf("index of a feed alone = %+v, want its one item only", got)
	}
}
