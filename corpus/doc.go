// Package corpus holds the domain root of briefing: the documents a
// deployment answers from, how they are loaded and parsed, and how they are
// cut into passages that can be cited verbatim.
//
// Documents are Markdown or text files with optional YAML front matter, web
// pages (.html, main text by go-readability), PDFs (text by poppler's
// pdftotext, an external tool found on PATH) and Word files (.docx). For
// every format Document.Body is the extracted text: passage offsets and
// verbatim quotes index into it.
//
// Of briefing's packages it imports only internal/analysis (the language
// detector, for documents without a lang, and its word sets); its
// third-party imports are a YAML parser for front matter and the parsers of
// those formats, so every other package can depend on it.
package corpus
