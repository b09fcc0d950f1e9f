package fetch_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/briefing/briefing/internal/fetch"
)

// TestFeedMetadataIsCleaned covers hostile case 1 for feeds: a title,
// author or item body carrying terminal sequences (as HTML character
// references, which unescape to ESC and BEL) reaches no document field.
func TestFeedMetadataIsCleaned(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	long := strings.Repeat("La delegazione ha firmato un accordo sulla cooperazione energetica e sui trasporti. ", 6)
	item := `<item><title>Trattato&amp;#27;[2J&amp;#27;]0;pwned&amp;#7; ratificato</title><link>` + s.URL + `/p1</link>` +
		`<dc:creator>Maria&amp;#27;[5m Rossi</dc:creator><content:encoded><![CDATA[<p>` + long + "&#27;[2J" + `</p>]]></content:encoded></item>`
	s.handle("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		_, _ = w.Write([]byte(rss(s.URL, item)))
	})
	f := fetch.New(fetch.Options{CacheDir: t.TempDir()})
	res, err := f.Fetch(context.Background(), []string{s.URL + "/feed.xml"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Documents) != 1 {
		t.Fatalf("Fetch = %d documents, want 1 (%+v)", len(res.Documents), res.Sources)
	}
	d := res.Documents[0]
	for name, v := range map[string]string{"title": d.Title, "author": d.Author, "source": d.Source, "body": d.Body} {
		if strings.ContainsAny(v, "\x1b\x07") {
			t.Errorf("%s keeps a control character: %q", name, v)
		}
	}
	if !strings.Contains(d.Title, "ratificato") {
		t.Errorf("title = %q, want the cleaned title", d.Title)
	}
}
