package corpus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/briefing/briefing/internal/analysis"
)

// Formats of documents, as recorded in Document.Format.
const (
	FormatMarkdown = "markdown"
	FormatText     = "text"
	FormatHTML     = "html"
	FormatPDF      = "pdf"
	FormatDOCX     = "docx"
)

// formatByExt maps a lower-case file extension to its format.
var formatByExt = map[string]string{
	".md":   FormatMarkdown,
	".txt":  FormatText,
	".html": FormatHTML,
	".htm":  FormatHTML,
	".pdf":  FormatPDF,
	".docx": FormatDOCX,
}

// FormatOf returns the format of a file by its extension (case-insensitive),
// and false when the file is not a document.
func FormatOf(name string) (string, bool) {
	f, ok := formatByExt[strings.ToLower(path.Ext(name))]
	return f, ok
}

// ErrUnsupportedFormat means a file's extension is none FormatOf knows.
var ErrUnsupportedFormat = errors.New("unsupported format (want .md, .txt, .html, .htm, .pdf or .docx)")

// ParseFile parses one document file of any supported format, chosen by the
// extension of name: Markdown and text with Parse, HTML with ParseHTML, PDF
// with ParsePDF, DOCX with ParseDOCX. ctx bounds the external PDF tool.
// Every error is a *ParseError naming the file.
func ParseFile(ctx context.Context, name string, data []byte) (Document, error) {
	format, ok := FormatOf(name)
	if !ok {
		return Document{}, &ParseError{File: name, Err: ErrUnsupportedFormat}
	}
	switch format {
	case FormatHTML:
		return ParseHTML(name, data, HTMLOptions{})
	case FormatPDF:
		return ParsePDF(ctx, name, data)
	case FormatDOCX:
		return ParseDOCX(name, data)
	}
	doc, err := Parse(name, data)
	if err != nil {
		return Document{}, err
	}
	doc.Format = format
	return doc, nil
}

// dateLayouts are the layouts ParseDate accepts, most precise first.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
	"2006-01",
}

// ParseDate reads a publication date: ISO 8601 (a date, or a date and time
// with or without a zone), RFC 1123 as in feeds and HTTP headers, or a year
// and month. Times without a zone are taken as UTC. ok is false for anything
// else, which callers treat as undated rather than guess.
func ParseDate(s string) (t time.Time, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// finish fills what a parser left empty, the same way for every format: the
// ID from the file name, the title from the body, the language by
// detection, the publication time from Date, and the outlet from URL.
func finish(doc *Document, name string) {
	// Metadata is as untrusted as the text (see clean.go).
	for _, f := range []*string{&doc.Title, &doc.Author, &doc.Source, &doc.Date, &doc.URL} {
		*f = strings.TrimSpace(cleanControls(*f))
	}
	if doc.ID == "" {
		doc.ID = idFromName(name)
	}
	if doc.Title == "" {
		doc.Title = titleFromBody(doc.Body)
	}
	if doc.Title == "" {
		doc.Title = doc.ID // a body of only '#' marks has no line to use
	}
	if doc.Lang == "" {
		doc.Lang = analysis.DetectLang(doc.Body)
	}
	if doc.Published.IsZero() {
		if t, ok := ParseDate(doc.Date); ok {
			doc.Published = t
		}
	}
	if !doc.Published.IsZero() {
		doc.Date = doc.Published.Format("2006-01-02")
	}
	// A source that is a link is the URL; its host names the outlet.
	if doc.URL == "" && isHTTPURL(doc.Source) {
		doc.URL, doc.Source = doc.Source, ""
	}
	if doc.Source == "" {
		doc.Source = hostOf(doc.URL)
	}
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// hostOf returns the host of an http(s) URL without "www.", or "".
func hostOf(s string) string {
	if !isHTTPURL(s) {
		return ""
	}
	u, _ := url.Parse(s)
	return strings.TrimPrefix(u.Hostname(), "www.")
}

// tidyExtracted turns text extracted from HTML, PDF or DOCX into a body:
// spaces inside lines are kept, trailing spaces dropped, and runs of blank
// lines become one blank line (a paragraph break), so the chunker sees the
// paragraphs the document had.
func tidyExtracted(s string) string {
	s = cleanControls(normaliseNewlines(s)) // see clean.go
	var b strings.Builder
	blank := 0
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimRightFunc(line, unicode.IsSpace)
		line = strings.TrimLeft(line, " \t\u00a0")
		if line == "" {
			blank++
			continue
		}
		if b.Len() > 0 {
			if blank > 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte('\n')
			}
		}
		blank = 0
		b.WriteString(line)
	}
	return b.String()
}

// maxURLSlug bounds the readable part of an ID made from a URL.
const maxURLSlug = 48

// IDFromURL returns a stable document ID for a page fetched from rawURL: a
// readable slug of its host and path, cut at a word to 48 characters, and 8
// hex digits of the URL's hash, so two pages never share an ID and the same
// page keeps its ID across fetches ("reuters-com-world-treaty-1a2b3c4d").
func IDFromURL(rawURL string) string {
	s := rawURL
	if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
		s = strings.TrimPrefix(u.Hostname(), "www.") + " " + u.Path
	}
	slug := slugify(s)
	if len(slug) > maxURLSlug {
		slug = slug[:maxURLSlug]
		if i := strings.LastIndexByte(slug, '-'); i > 0 {
			slug = slug[:i]
		}
	}
	sum := sha256.Sum256([]byte(rawURL))
	if slug == "" {
		return "web-" + hex.EncodeToString(sum[:4])
	}
	return slug + "-" + hex.EncodeToString(sum[:4])
}
