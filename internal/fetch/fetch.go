package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	neturl "net/url"
	"strings"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/briefing/briefing/corpus"
)

// Defaults for the zero values of Options.
const (
	DefaultTimeout   = 20 * time.Second
	DefaultMaxBytes  = 10 << 20
	DefaultMaxItems  = 30
	DefaultUserAgent = "briefing-bot/1.0 (+https://github.com/briefing/briefing; news briefing Discord bot)"
	// maxRedirects bounds a redirect chain; net/http's own limit is 10.
	maxRedirects = 5
)

// Options configure a Fetcher. Zero values mean the defaults.
type Options struct {
	// CacheDir holds the cached responses; "" keeps them in memory for the
	// Fetcher's lifetime.
	CacheDir string
	// Timeout bounds each request, headers and body (default 20s).
	Timeout time.Duration
	// MaxBytes caps one response body (default 10 MiB); a larger one fails.
	MaxBytes int64
	// MaxItems caps the items taken from one feed, newest first (default 30).
	MaxItems int
	// UserAgent names the bot to the servers (default DefaultUserAgent).
	UserAgent string
	// Client makes the requests (default: a client with the redirect limit).
	Client *http.Client
	// Offline answers from the cache alone, without a request: commands
	// that only read the index (ask, search) use it, so they neither wait
	// for the network nor drop the fetched documents from the index. A
	// source never fetched fails with ErrNotFetched.
	Offline bool
	// Logger; nil discards.
	Logger *slog.Logger
}

// Fetcher fetches pages and feeds with conditional requests and a cache. It
// is safe for one Fetch at a time (the bot serialises reloads).
type Fetcher struct {
	opts   Options
	cache  *cache
	client *http.Client
	logger *slog.Logger
}

// New returns a Fetcher.
func New(opts Options) *Fetcher {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxItems <= 0 {
		opts.MaxItems = DefaultMaxItems
	}
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	client := opts.Client
	if client == nil {
		client = &http.Client{}
	}
	// A copy, so the caller's client keeps its own redirect policy.
	c := *client
	if c.CheckRedirect == nil {
		c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("more than %d redirects", maxRedirects)
			}
			return nil
		}
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Fetcher{opts: opts, cache: newCache(opts.CacheDir), client: &c, logger: logger}
}

// Kinds of source, as in SourceReport.Kind.
const (
	KindFeed = "feed"
	KindURL  = "url"
)

// SourceReport tells what happened to one configured source.
type SourceReport struct {
	// URL as configured, and Kind: KindFeed or KindURL.
	URL, Kind string
	// Documents is how many documents the source gave (from the cache too).
	Documents int
	// New lists the IDs of documents not seen at the previous fetch: for a
	// feed its new items, for a URL the page itself on its first fetch.
	New []string
	// NotModified is true when the server answered 304 for the source.
	NotModified bool
	// Err is why the source failed, nil if it did not. With Stale the last
	// good copy was used instead; without, the source gave nothing.
	Err   error
	Stale bool
}

// Result is the outcome of Fetch.
type Result struct {
	// Documents from every source that gave some, in source order, each ID
	// once (the first source that gave it wins).
	Documents []corpus.Document
	// Sources reports on each source, feeds first, in configuration order.
	Sources []SourceReport
}

// Failed returns the reports of the sources that failed.
func (r Result) Failed() []SourceReport {
	var out []SourceReport
	for _, s := range r.Sources {
		if s.Err != nil {
			out = append(out, s)
		}
	}
	return out
}

// Fetch fetches every feed (and the pages of its items) and every URL. A
// source that fails is reported in its SourceReport and, when the cache
// holds an earlier copy, that copy is used; the others go on. The returned
// error is only ctx's, when it ends the run early.
func (f *Fetcher) Fetch(ctx context.Context, feeds, urls []string) (Result, error) {
	var res Result
	seen := make(map[string]bool)
	add := func(rep *SourceReport, docs []corpus.Document) {
		for _, d := range docs {
			if seen[d.ID] {
				continue
			}
			seen[d.ID] = true
			res.Documents = append(res.Documents, d)
			rep.Documents++
		}
	}
	for _, u := range feeds {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		rep := SourceReport{URL: u, Kind: KindFeed}
		docs := f.feed(ctx, u, &rep)
		add(&rep, docs)
		f.log(rep)
		res.Sources = append(res.Sources, rep)
	}
	for _, u := range urls {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		rep := SourceReport{URL: u, Kind: KindURL}
		doc, ok := f.page(ctx, u, &rep)
		if ok {
			add(&rep, []corpus.Document{doc})
		}
		f.log(rep)
		res.Sources = append(res.Sources, rep)
	}
	return res, ctx.Err()
}

func (f *Fetcher) log(rep SourceReport) {
	if rep.Err != nil {
		f.logger.Warn("fetch: source failed", "url", rep.URL, "kind", rep.Kind, "stale_copy", rep.Stale, "err", rep.Err)
		return
	}
	f.logger.Debug("fetch: source", "url", rep.URL, "kind", rep.Kind, "documents", rep.Documents,
		"new", len(rep.New), "not_modified", rep.NotModified)
}

// page fetches one page (HTML, PDF or plain text) as a document. On failure
// it falls back to the cached copy, with rep.Stale set.
func (f *Fetcher) page(ctx context.Context, url string, rep *SourceReport) (corpus.Document, bool) {
	prev, had := f.cache.get(url)
	e, notModified, err := f.get(ctx, url, pageTypes)
	var doc corpus.Document
	if err == nil {
		doc, err = parsePage(ctx, url, e)
	}
	if err != nil {
		rep.Err = err
		if !had {
			return corpus.Document{}, false
		}
		d, perr := parsePage(ctx, url, prev)
		if perr != nil {
			return corpus.Document{}, false
		}
		rep.Stale = true
		return d, true
	}
	f.store(e)
	rep.NotModified = notModified
	if !had {
		rep.New = []string{doc.ID}
	}
	return doc, true
}

// Content types accepted for pages and for feeds.
var (
	pageTypes = []string{"text/html", "application/xhtml+xml", "application/pdf", "text/plain"}
	feedTypes = []string{"application/rss+xml", "application/atom+xml", "application/feed+json",
		"application/json", "application/xml", "text/xml", "application/rdf+xml"}
)

// ErrContentType is wrapped when a response's type is not what the source
// should be (an image for a page, a web page for a feed).
var ErrContentType = errors.New("unexpected content type")

// ErrNotFetched is wrapped when an Offline Fetcher has no copy of a source.
var ErrNotFetched = errors.New("not fetched yet (run briefing index)")

// get fetches url, conditionally when the cache has validators. It returns
// the entry to cache (the cached body when the answer is 304).
func (f *Fetcher) get(ctx context.Context, url string, accept []string) (entry, bool, error) {
	if f.opts.Offline {
		prev, had := f.cache.get(url)
		if !had {
			return entry{}, false, fmt.Errorf("fetch %s: %w", url, ErrNotFetched)
		}
		return prev, true, nil
	}
	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return entry{}, false, fmt.Errorf("fetch %s: %w", url, err)
	}
	req.Header.Set("User-Agent", f.opts.UserAgent)
	req.Header.Set("Accept", strings.Join(accept, ", ")+", */*;q=0.1")
	prev, had := f.cache.get(url)
	if had {
		if prev.ETag != "" {
			req.Header.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			req.Header.Set("If-Modified-Since", prev.LastModified)
		}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return entry{}, false, fmt.Errorf("fetch %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified && had {
		prev.FetchedAt = time.Now()
		return prev, true, nil
	}
	if resp.StatusCode != http.StatusOK {
		return entry{}, false, fmt.Errorf("fetch %s: status %s", url, resp.Status)
	}
	ctype := resp.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ctype)
	if !acceptable(mt, accept) {
		return entry{}, false, fmt.Errorf("fetch %s: %w %q", url, ErrContentType, ctype)
	}
	if resp.ContentLength > f.opts.MaxBytes {
		return entry{}, false, fmt.Errorf("fetch %s: body of %d bytes is over the %d-byte cap", url, resp.ContentLength, f.opts.MaxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.opts.MaxBytes+1))
	if err != nil {
		return entry{}, false, fmt.Errorf("fetch %s: read body: %w", url, err)
	}
	if int64(len(body)) > f.opts.MaxBytes {
		return entry{}, false, fmt.Errorf("fetch %s: body over the %d-byte cap", url, f.opts.MaxBytes)
	}
	return entry{
		URL: url, FinalURL: resp.Request.URL.String(), ContentType: ctype,
		ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"),
		FetchedAt: time.Now(), Items: prev.Items, Body: body,
	}, false, nil
}

func acceptable(mediaType string, accept []string) bool {
	for _, a := range accept {
		if mediaType == a {
			return true
		}
	}
	return false
}

// parsePage turns a fetched page into a document whose ID is made from the
// configured URL (stable across redirects) and whose URL is the final one.
func parsePage(ctx context.Context, url string, e entry) (corpus.Document, error) {
	mt, params, _ := mime.ParseMediaType(e.ContentType)
	var (
		doc corpus.Document
		err error
	)
	switch mt {
	case "application/pdf":
		doc, err = corpus.ParsePDF(ctx, e.FinalURL, e.Body)
	case "text/plain":
		body := e.Body
		if enc, _ := charset.Lookup(params["charset"]); enc != nil {
			if b, derr := enc.NewDecoder().Bytes(body); derr == nil {
				body = b
			}
		}
		doc, err = corpus.Parse("page.txt", body)
	default:
		doc, err = corpus.ParseHTML(e.FinalURL, e.Body, corpus.HTMLOptions{ContentType: e.ContentType, URL: e.FinalURL})
	}
	if err != nil {
		return corpus.Document{}, err
	}
	doc.ID = corpus.IDFromURL(url)
	doc.Path = url
	if doc.URL == "" {
		doc.URL = e.FinalURL
	}
	if doc.Source == "" {
		doc.Source = strings.TrimPrefix(hostname(e.FinalURL), "www.")
	}
	return doc, nil
}

func hostname(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// store caches e; a cache that cannot be written costs a refetch next time,
// not this run.
func (f *Fetcher) store(e entry) {
	if f.opts.Offline {
		return // nothing new to keep
	}
	if err := f.cache.put(e); err != nil {
		f.logger.Warn("fetch: cache", "url", e.URL, "err", err)
	}
}
