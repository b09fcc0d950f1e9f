package corpus

import "time"

// Document is one article of the corpus, as loaded from a file or fetched
// from a feed or a URL.
type Document struct {
	// ID is the stable identifier used in citations and the --doc flag.
	// From front matter, or the file name without its extension.
	ID string
	// Title from front matter or the page's metadata, or the first non-empty
	// line of the body.
	Title string
	// Lang is the ISO 639-1 code of the text ("it", "en"); detected when absent.
	Lang string
	// Date is the publication date as given (front matter, page or PDF
	// metadata, feed item). When it can be read as a date, Published holds
	// it and Date is rewritten as "2006-01-02"; otherwise Date keeps the text
	// as written and the document is undated.
	Date string
	// Published is the publication time; the zero Time means undated (see
	// Dated), which sorts after every dated document, never as year 1.
	Published time.Time
	// Author, when given.
	Author string
	// Source is the outlet the article came from ("Reuters", "ISPI"), or for
	// documents without one the host of URL; optional.
	Source string
	// URL is where the article can be read, optional.
	URL string
	// Format is how the document was stored: "markdown", "text", "html",
	// "pdf" or "docx".
	Format string
	// Path is the file name inside the corpus directory.
	Path string
	// Body is the text after the front matter, normalised to "\n" line ends.
	// For HTML, PDF and DOCX it is the extracted text: passage offsets and
	// verbatim quotes index into it, and it is what search shows.
	Body string
	// BodyLine is the 1-based line of Path on which Body starts, so errors
	// and quotes can point at the file (1 for extracted formats).
	BodyLine int
}

// Dated reports whether the document has a known publication time.
func (d Document) Dated() bool { return !d.Published.IsZero() }
