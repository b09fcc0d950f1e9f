package corpus

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"codeberg.org/readeck/go-readability/v2"
	"codeberg.org/readeck/go-readability/v2/render"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

// HTMLOptions tell ParseHTML what the transport knew about a page. Zero
// values mean a file read from disk.
type HTMLOptions struct {
	// ContentType is the HTTP Content-Type header, whose charset parameter
	// decides the encoding before the page's own <meta charset>.
	ContentType string
	// URL is the address the page was fetched from (after redirects). It
	// resolves relative links and becomes Document.URL; without it the
	// page's canonical link is used.
	URL string
}

// ParseHTML extracts the main article of an HTML page with go-readability (a
// port of Firefox's Reader View), so navigation, ads, related links and
// comments do not become passages. The text is decoded from the charset the
// Content-Type, a byte order mark or the page's <meta> names (windows-1252
// when none does and the bytes are not UTF-8).
//
// Title, author, outlet, language and date come from the page's metadata:
// Open Graph and article: <meta> tags, JSON-LD (datePublished, author),
// <title> and <html lang>. The body is the text of the article with one
// blank line between blocks; offsets and quotes index into it.
func ParseHTML(name string, data []byte, opts HTMLOptions) (Document, error) {
	fail := func(err error) (Document, error) {
		return Document{}, &ParseError{File: name, Err: err}
	}
	enc, _, _ := charset.DetermineEncoding(data, opts.ContentType)
	decoded, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return fail(fmt.Errorf("decode charset: %w", err))
	}
	// A page that claims UTF-8 may still hold stray bytes; the body must be
	// valid UTF-8, so they become U+FFFD here rather than in a passage.
	decoded = bytes.ToValidUTF8(decoded, []byte("\uFFFD"))
	root, err := html.Parse(bytes.NewReader(decoded))
	if err != nil {
		return fail(fmt.Errorf("html: %w", err))
	}
	pageURL := opts.URL
	if pageURL == "" {
		pageURL = canonicalURL(root)
	}
	var base *url.URL
	if u, err := url.Parse(pageURL); err == nil && isHTTPURL(pageURL) {
		base = u
	} else {
		pageURL = ""
	}
	art, err := readability.FromDocument(root, base)
	if err != nil {
		return fail(fmt.Errorf("extract article: %w", err))
	}
	if art.Node == nil {
		return fail(ErrEmptyBody)
	}
	body := tidyExtracted(render.InnerText(art.Node))
	if strings.TrimSpace(body) == "" {
		return fail(ErrEmptyBody)
	}
	doc := Document{
		Title:    strings.TrimSpace(art.Title()),
		Author:   strings.TrimSpace(art.Byline()),
		Source:   strings.TrimSpace(art.SiteName()),
		Lang:     langCode(art.Language()),
		URL:      pageURL,
		Format:   FormatHTML,
		Path:     name,
		Body:     body,
		BodyLine: 1,
	}
	if t, err := art.PublishedTime(); err == nil {
		doc.Published = t
	}
	finish(&doc, name)
	return doc, nil
}

// canonicalURL returns the page's <link rel="canonical"> or og:url, or "".
func canonicalURL(n *html.Node) string {
	var canonical, og string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "link":
				if strings.EqualFold(attr(n, "rel"), "canonical") && canonical == "" {
					canonical = attr(n, "href")
				}
			case "meta":
				if attr(n, "property") == "og:url" && og == "" {
					og = attr(n, "content")
				}
			case "body":
				return // metadata lives in <head>
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	if canonical != "" {
		return strings.TrimSpace(canonical)
	}
	return strings.TrimSpace(og)
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// langCode turns a language tag such as "it-IT" into its ISO 639-1 code, or
// "" when the tag does not start with two letters.
func langCode(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	code, _, _ := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	if len(code) != 2 || code[0] < 'a' || code[0] > 'z' || code[1] < 'a' || code[1] > 'z' {
		return ""
	}
	return code
}
