package fetch_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/fetch"
)

func rss(base string, items ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Notizie Test</title><link>` + base + `</link>` + strings.Join(items, "\n") + `</channel></rss>`
}

func TestFetchFeed(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	long := strings.Repeat("La delegazione ha firmato un accordo sulla cooperazione energetica e sui trasporti ferroviari. ", 6)
	item1 := `<item><title>Trattato ratificato</title><link>` + s.URL + `/p1</link><pubDate>Wed, 06 Nov 2024 09:00:00 +0000</pubDate><dc:creator>Maria Rossi</dc:creator><description>Breve.</description></item>`
	item2 := `<item><title>Accordo energetico</title><link>` + s.URL + `/p2</link><pubDate>Thu, 07 Nov 2024 09:00:00 +0000</pubDate><content:encoded><![CDATA[<p>` + long + `</p>]]></content:encoded></item>`
	item3 := `<item><title>Nuova visita</title><link>` + s.URL + `/p3</link><pubDate>Fri, 08 Nov 2024 09:00:00 +0000</pubDate></item>`
	var mu sync.Mutex
	feedBody := rss(s.URL, item1, item2)
	etag := `"f1"`
	s.handle("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		body, tag := feedBody, etag
		mu.Unlock()
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", tag)
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		_, _ = w.Write([]byte(body))
	})
	for _, p := range []string{"/p1", "/p3"} {
		s.handle(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("ETag", `"page"`)
			if r.Header.Get("If-None-Match") == `"page"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte(page("Titolo della pagina", "2020-01-01")))
		})
	}
	f := fetch.New(fetch.Options{CacheDir: t.TempDir()})
	ctx := context.Background()
	feedURL := s.URL + "/feed.xml"

	res, err := f.Fetch(ctx, []string{feedURL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if failed := res.Failed(); len(failed) > 0 {
		t.Fatalf("feed failed: %v", failed[0].Err)
	}
	if len(res.Documents) != 2 {
		t.Fatalf("documents = %d, want 2", len(res.Documents))
	}
	// Newest first; the feed's title, author and date win over the page's.
	d2, d1 := res.Documents[0], res.Documents[1]
	if d1.ID != corpus.IDFromURL(s.URL+"/p1") || d1.Title != "Trattato ratificato" || d1.Author != "Maria Rossi" || d1.Date != "2024-11-06" || d1.Source != "Agenzia Test" || d1.URL != s.URL+"/p1" {
		t.Errorf("item 1 = id %q title %q author %q date %q source %q url %q", d1.ID, d1.Title, d1.Author, d1.Date, d1.Source, d1.URL)
	}
	if !strings.Contains(d1.Body, "ratificato il trattato") {
		t.Errorf("item 1 body is not its page's article: %q", d1.Body)
	}
	// The second item's full text is in the feed: its page is not fetched.
	if d2.Title != "Accordo energetico" || d2.Source != "Notizie Test" || !strings.Contains(d2.Body, "cooperazione energetica") {
		t.Errorf("item 2 = title %q source %q body %q", d2.Title, d2.Source, d2.Body)
	}
	if n := s.hitsOf("/p2"); n != 0 {
		t.Errorf("page of an item with full content fetched %d times, want 0", n)
	}
	if got := res.Sources[0].New; len(got) != 2 {
		t.Errorf("first fetch New = %v, want both items", got)
	}

	// Unchanged: the feed answers 304 and nothing is new.
	res, err = f.Fetch(ctx, []string{feedURL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep := res.Sources[0]; !rep.NotModified || len(rep.New) != 0 || rep.Documents != 2 {
		t.Errorf("unchanged feed report = %+v, want 304, 2 documents, nothing new", rep)
	}

	// A new item appears: only it is new.
	mu.Lock()
	feedBody, etag = rss(s.URL, item3, item1, item2), `"f2"`
	mu.Unlock()
	res, err = f.Fetch(ctx, []string{feedURL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep := res.Sources[0]; rep.NotModified || !slices.Equal(rep.New, []string{corpus.IDFromURL(s.URL + "/p3")}) || rep.Documents != 3 {
		t.Errorf("changed feed report = %+v, want 3 documents with /p3 new", rep)
	}
}

func TestFetchAtomAndItemFailures(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.handle("/atom", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml")
		_, _ = w.Write([]byte(`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Test</title>
<entry><title>Buona</title><link href="` + s.URL + `/ok"/><id>urn:1</id><updated>2025-01-02T00:00:00Z</updated><author><name>A. Autore</name></author></entry>
<entry><title>Rotta</title><link href="` + s.URL + `/gone"/><id>urn:2</id><updated>2025-01-01T00:00:00Z</updated></entry>
</feed>`))
	})
	s.handle("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(page("Pagina", "")))
	})
	res, err := fetch.New(fetch.Options{MaxItems: 5}).Fetch(context.Background(), []string{s.URL + "/atom"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep := res.Sources[0]
	if rep.Err == nil || !strings.Contains(rep.Err.Error(), "1 of 2 items failed") || !strings.Contains(rep.Err.Error(), "404") {
		t.Errorf("report error = %v, want the failing item named", rep.Err)
	}
	if len(res.Documents) != 1 || res.Documents[0].Author != "A. Autore" || res.Documents[0].Date != "2025-01-02" {
		t.Errorf("documents = %+v, want the good entry with its author and date", res.Documents)
	}
}

func TestFetchFeedMaxItems(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var items []string
	for _, day := range []string{"01", "05", "03", "04", "02"} {
		items = append(items, `<item><title>Giorno `+day+`</title><guid>g`+day+`</guid><pubDate>`+day+` Jan 2025 10:00:00 +0000</pubDate><description>Testo del giorno `+day+`.</description></item>`)
	}
	s.handle("/f", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(rss(s.URL, items...)))
	})
	res, err := fetch.New(fetch.Options{MaxItems: 2}).Fetch(context.Background(), []string{s.URL + "/f"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, d := range res.Documents {
		titles = append(titles, d.Title)
	}
	if !slices.Equal(titles, []string{"Giorno 05", "Giorno 04"}) {
		t.Errorf("titles = %v, want the two newest", titles)
	}
}
