package corpus

// Document is one article of the corpus, as loaded from a file.
type Document struct {
	// ID is the stable identifier used in citations and the --doc flag.
	// From front matter, or the file name without its extension.
	ID string
	// Title from front matter, or the first non-empty line of the body.
	Title string
	// Lang is the ISO 639-1 code of the text ("it", "en"); detected when absent.
	Lang string
	// Date is the publication date as the text states it (free form, optional).
	Date string
	// Author, when given.
	Author string
	// Source is where the article came from (URL or outlet), optional.
	Source string
	// Path is the file name inside the corpus directory.
	Path string
	// Body is the text after the front matter, normalised to "\n" line ends.
	// Passage offsets index into Body.
	Body string
	// BodyLine is the 1-based line of Path on which Body starts, so errors
	// and quotes can point at the file.
	BodyLine int
}
