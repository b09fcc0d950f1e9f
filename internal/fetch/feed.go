package fetch

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/briefing/briefing/corpus"
)

// minContentChars is the length of feed-embedded content (content:encoded,
// Atom content) taken as the article itself; shorter content is a teaser,
// and the item's page is fetched instead.
const minContentChars = 400

// feed fetches a feed and turns its items (newest first, at most MaxItems)
// into documents: from the item's full content when the feed carries it,
// otherwise from the linked page. An item whose page fails is reported in
// rep.Err and skipped (or kept from the cache); the feed's other items go on.
func (f *Fetcher) feed(ctx context.Context, url string, rep *SourceReport) []corpus.Document {
	prev, had := f.cache.get(url)
	e, notModified, err := f.get(ctx, url, feedTypes)
	var parsed *gofeed.Feed
	if err == nil {
		parsed, err = parseFeed(e.Body)
		if err != nil {
			err = fmt.Errorf("feed %s: %w", url, err)
		}
	}
	if err != nil {
		rep.Err = err
		if !had {
			return nil
		}
		old, perr := parseFeed(prev.Body)
		if perr != nil {
			return nil
		}
		rep.Stale = true
		e, parsed = prev, old
	}
	rep.NotModified = notModified

	items := parsed.Items
	// Newest first, so the cap drops the oldest; undated items keep their
	// feed order after the dated ones.
	slices.SortStableFunc(items, func(a, b *gofeed.Item) int {
		ta, tb := itemTime(a), itemTime(b)
		switch {
		case ta.IsZero() && tb.IsZero():
			return 0
		case ta.IsZero():
			return 1
		case tb.IsZero():
			return -1
		}
		return tb.Compare(ta)
	})
	if len(items) > f.opts.MaxItems {
		items = items[:f.opts.MaxItems]
	}
	known := make(map[string]bool, len(prev.Items))
	for _, k := range prev.Items {
		known[k] = true
	}
	var (
		docs []corpus.Document
		keys []string
		errs []string
	)
	for _, it := range items {
		if ctx.Err() != nil {
			break
		}
		doc, err := f.item(ctx, parsed, it)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		k := itemKey(it)
		keys = append(keys, k)
		if had && !known[k] {
			rep.New = append(rep.New, doc.ID)
		}
		docs = append(docs, doc)
	}
	if !had {
		for _, d := range docs {
			rep.New = append(rep.New, d.ID)
		}
	}
	if len(errs) > 0 && rep.Err == nil {
		rep.Err = fmt.Errorf("feed %s: %d of %d items failed: %s", url, len(errs), len(items), strings.Join(errs, "; "))
	}
	if !rep.Stale {
		e.Items = keys
		f.store(e)
	}
	return docs
}

func parseFeed(body []byte) (*gofeed.Feed, error) {
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	return feed, nil
}

// item makes one document of a feed item.
func (f *Fetcher) item(ctx context.Context, feed *gofeed.Feed, it *gofeed.Item) (corpus.Document, error) {
	link := strings.TrimSpace(it.Link)
	var (
		doc corpus.Document
		err error
	)
	switch {
	case textLen(it.Content) >= minContentChars || (link == "" && it.Content != ""):
		doc, err = corpus.ParseHTML(itemName(feed, it), []byte(wrapHTML(it.Content)), corpus.HTMLOptions{URL: link})
	case link != "":
		var rep SourceReport
		doc, _ = f.page(ctx, link, &rep)
		err = rep.Err
		if err != nil && rep.Stale {
			err = nil // the page's last good copy serves
		}
	case it.Description != "":
		doc, err = corpus.ParseHTML(itemName(feed, it), []byte(wrapHTML(it.Description)), corpus.HTMLOptions{})
	default:
		return corpus.Document{}, fmt.Errorf("item %q has neither content nor link", it.Title)
	}
	if err != nil {
		return corpus.Document{}, fmt.Errorf("item %q: %w", it.Title, err)
	}
	// The feed's own fields are the editor's metadata: they win over what
	// the page's markup guesses.
	key := itemKey(it)
	if key == "" {
		key = itemName(feed, it)
	}
	doc.ID = corpus.IDFromURL(key)
	if link != "" {
		doc.URL = link
	}
	if t := strings.TrimSpace(html.UnescapeString(it.Title)); t != "" {
		doc.Title = t
	}
	if names := authors(it); names != "" {
		doc.Author = names
	}
	if t := itemTime(it); !t.IsZero() {
		doc.Published, doc.Date = t, t.Format("2006-01-02")
	}
	if doc.Source == "" || doc.Source == hostname(link) || doc.Source == strings.TrimPrefix(hostname(link), "www.") {
		if t := strings.TrimSpace(feed.Title); t != "" {
			doc.Source = t
		}
	}
	if doc.Path == "" || !strings.Contains(doc.Path, "://") {
		doc.Path = key
	}
	// The feed's fields are as untrusted as a document's text ("&#27;" in
	// a title unescapes to ESC): cleaned as Parse cleans.
	doc.Title, doc.Author, doc.Source = corpus.CleanText(doc.Title), corpus.CleanText(doc.Author), corpus.CleanText(doc.Source)
	return doc, nil
}

// itemKey identifies an item across fetches: its link, else its GUID.
func itemKey(it *gofeed.Item) string {
	if l := strings.TrimSpace(it.Link); l != "" {
		return l
	}
	return strings.TrimSpace(it.GUID)
}

func itemName(feed *gofeed.Feed, it *gofeed.Item) string {
	if k := itemKey(it); k != "" {
		return k
	}
	return feed.Title + ": " + it.Title
}

func itemTime(it *gofeed.Item) time.Time {
	if it.PublishedParsed != nil {
		return *it.PublishedParsed
	}
	if it.UpdatedParsed != nil {
		return *it.UpdatedParsed
	}
	return time.Time{}
}

func authors(it *gofeed.Item) string {
	var names []string
	for _, p := range it.Authors {
		if p != nil && strings.TrimSpace(p.Name) != "" {
			names = append(names, strings.TrimSpace(p.Name))
		}
	}
	return strings.Join(names, ", ")
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// textLen is the length of s without its markup, roughly.
func textLen(s string) int {
	return len(strings.TrimSpace(tagRE.ReplaceAllString(s, "")))
}

// wrapHTML makes feed content (an HTML fragment or plain text) a page that
// readability sees as one article.
func wrapHTML(fragment string) string {
	if !strings.Contains(fragment, "<") {
		var b strings.Builder
		for _, p := range strings.Split(fragment, "\n\n") {
			b.WriteString("<p>" + html.EscapeString(p) + "</p>")
		}
		fragment = b.String()
	}
	return "<html><head><meta charset=\"utf-8\"></head><body><article>" + fragment + "</article></body></html>"
}
