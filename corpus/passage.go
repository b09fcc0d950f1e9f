package corpus

import "time"

// Passage is a citable piece of a Document: a run of whole sentences from one
// paragraph (or several short ones), small enough for one Discord embed field.
type Passage struct {
	// ID is a content hash of DocID and Text: stable across re-indexing as
	// long as the text does not change.
	ID string
	// DocID and Title identify the document the passage comes from.
	DocID string
	Title string
	// Paragraph is the 0-based index of the paragraph the passage starts in.
	Paragraph int
	// Start and End are byte offsets into the document's Body:
	// Body[Start:End] == Text, always.
	Start, End int
	// Text is the verbatim passage.
	Text string
	// Source (the outlet), Date, Published and URL are the document's,
	// copied so every hit and citation can say who published it and when
	// without a lookup. Empty or zero when the document does not say.
	Source, Date, URL string
	Published         time.Time
}

// Newest returns the latest publication time among passages, and false
// when none is dated: what an answer built on them is "as of".
func Newest(passages []Passage) (time.Time, bool) {
	var t time.Time
	for _, p := range passages {
		if p.Published.After(t) {
			t = p.Published
		}
	}
	return t, !t.IsZero()
}

// Span is a half-open byte range [Start, End) of a text.
type Span struct {
	Start, End int
}

// ChunkOptions control Chunk. Zero values mean the defaults.
type ChunkOptions struct {
	// MaxChars is the largest passage in characters (runes); default 800.
	MaxChars int
	// Overlap is how many characters of trailing whole sentences of one
	// passage are repeated at the start of the next within a paragraph;
	// default 0.
	Overlap int
	// MinChars is the size below which a passage that ends its paragraph
	// continues into the next one, so a heading or a one-line paragraph is
	// not cited alone; default 100 (a quarter of MaxChars if that is less).
	MinChars int
}
