package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// ParseError reports a problem with one document, with the line of the file
// it was found on, so an operator can open the file at the right place.
type ParseError struct {
	// File is the document's name as passed to Parse (its path in the corpus).
	File string
	// Line is the 1-based line of File the problem is on; 0 when the problem
	// concerns the file as a whole.
	Line int
	// Err is the underlying problem.
	Err error
}

// Error returns "corpus: parse FILE:LINE: problem".
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("corpus: parse %s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("corpus: parse %s: %v", e.File, e.Err)
}

// Unwrap returns the underlying problem, for errors.Is and errors.As.
func (e *ParseError) Unwrap() error { return e.Err }

// Sentinel problems wrapped in a *ParseError, so callers can tell them apart
// with errors.Is.
var (
	// ErrInvalidUTF8 means the file is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	// ErrEmptyBody means the document has no text besides front matter.
	ErrEmptyBody = errors.New("empty document body")
	// ErrFrontMatter means the front matter is unterminated or malformed.
	ErrFrontMatter = errors.New("bad front matter")
	// ErrNoLetters means the body has not a single letter (only digits,
	// punctuation, symbols or emoji): nothing a question could find.
	ErrNoLetters = errors.New("document has no letters")
)

// maxTitleRunes bounds a title taken from the first body line: when a
// document has no headline, its first line is a whole paragraph.
const maxTitleRunes = 120

const bom = "\uFEFF"

// Parse parses one document. name is the file's path in the corpus; it is
// recorded as Document.Path, names the file in errors and, without its
// extension, is the fallback ID.
//
// A document may start with YAML front matter between two "---" lines, with
// the keys id, title, lang, date, author, source (the outlet) and url (all
// optional, all strings); any other key is rejected. A date ParseDate can
// read sets Published; a source that is an http(s) link is taken as the URL,
// and the URL's host names the outlet when no source is given. Without a title the first non-empty
// body line is used (Markdown '#' marks stripped, shortened at a word to 120
// characters), or the ID if there is none; without a lang, DetectLang
// decides. A UTF-8 byte order mark is removed, line ends are normalised to
// "\n", and terminal escape sequences and other control characters (all but
// newline and tab) are removed before offsets are taken, so Body is what
// passages index into. A body with no letter is rejected with ErrNoLetters.
//
// Every error is a *ParseError naming the file and, when it can, the line.
func Parse(name string, data []byte) (Document, error) {
	fail := func(line int, err error) (Document, error) {
		return Document{}, &ParseError{File: name, Line: line, Err: err}
	}
	data = bytes.TrimPrefix(data, []byte(bom))
	if line, ok := firstInvalidUTF8(data); !ok {
		return fail(line, ErrInvalidUTF8)
	}
	text := cleanControls(normaliseNewlines(string(data)))

	doc := Document{Path: name, BodyLine: 1}
	body := text
	if fm, rest, closeLine, ok, err := splitFrontMatter(text); err != nil {
		return fail(1, err)
	} else if ok {
		if line, err := decodeFrontMatter(fm, &doc); err != nil {
			return fail(line, err)
		}
		body = rest
		doc.BodyLine = closeLine + 1
	}

	// Leading blank lines are dropped so BodyLine points at the text itself;
	// trailing space carries no content and would only pad the last passage.
	for {
		line, rest, found := strings.Cut(body, "\n")
		if !found || strings.TrimSpace(line) != "" {
			break
		}
		body = rest
		doc.BodyLine++
	}
	body = strings.TrimRightFunc(body, unicode.IsSpace)
	if strings.TrimSpace(body) == "" {
		return fail(doc.BodyLine, ErrEmptyBody)
	}
	if !strings.ContainsFunc(body, unicode.IsLetter) {
		return fail(doc.BodyLine, ErrNoLetters)
	}
	doc.Body = body

	doc.Format = FormatMarkdown
	if f, ok := FormatOf(name); ok && f == FormatText {
		doc.Format = FormatText
	}
	finish(&doc, name)
	return doc, nil
}

// firstInvalidUTF8 reports the 1-based line of the first invalid byte.
func firstInvalidUTF8(data []byte) (line int, ok bool) {
	if utf8.Valid(data) {
		return 0, true
	}
	line = 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return line, false
		}
		if r == '\n' {
			line++
		}
		i += size
	}
	return line, false
}

func normaliseNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// splitFrontMatter separates front matter from the body. ok is false when the
// text does not start with a "---" line. closeLine is the 1-based line of the
// closing delimiter.
func splitFrontMatter(text string) (fm, body string, closeLine int, ok bool, err error) {
	lines := strings.SplitAfter(text, "\n")
	if strings.TrimRight(strings.TrimSuffix(lines[0], "\n"), " \t") != "---" {
		return "", "", 0, false, nil
	}
	offset := len(lines[0])
	for i := 1; i < len(lines); i++ {
		// YAML also allows "..." to end a document; accept both.
		if t := strings.TrimRight(strings.TrimSuffix(lines[i], "\n"), " \t"); t == "---" || t == "..." {
			return text[len(lines[0]):offset], text[offset+len(lines[i]):], i + 1, true, nil
		}
		offset += len(lines[i])
	}
	return "", "", 0, false, fmt.Errorf("%w: unterminated (no closing \"---\" line)", ErrFrontMatter)
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// decodeFrontMatter fills doc from the YAML fm and returns the file line of a
// problem. The YAML starts on line 2 of the file, after the opening "---".
func decodeFrontMatter(fm string, doc *Document) (int, error) {
	if strings.TrimSpace(fm) == "" {
		return 0, nil
	}
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(fm), &root); err != nil {
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n + 1, fmt.Errorf("%w: %s", ErrFrontMatter, m[2])
		}
		return 1, fmt.Errorf("%w: %w", ErrFrontMatter, err)
	}
	if len(root.Content) == 0 {
		return 0, nil // only comments
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return m.Line + 1, fmt.Errorf("%w: want a mapping of keys to values", ErrFrontMatter)
	}
	// Walking the nodes, rather than decoding into a struct with KnownFields,
	// gives the line of each bad key and keeps dates such as 2024-06-19 as
	// the text wrote them instead of a parsed timestamp.
	fields := map[string]*string{
		"id": &doc.ID, "title": &doc.Title, "lang": &doc.Lang,
		"date": &doc.Date, "author": &doc.Author, "source": &doc.Source,
		"url": &doc.URL,
	}
	seen := make(map[string]bool)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		dst, known := fields[k.Value]
		switch {
		case !known:
			return k.Line + 1, fmt.Errorf("unknown front matter key %q", k.Value)
		case seen[k.Value]:
			return k.Line + 1, fmt.Errorf("duplicate front matter key %q", k.Value)
		case v.Kind != yaml.ScalarNode:
			return v.Line + 1, fmt.Errorf("front matter key %q: want a single value", k.Value)
		}
		seen[k.Value] = true
		if v.Tag == "!!null" {
			continue
		}
		// YAML escapes ("\e", "\x00") can make control characters the
		// raw text did not show.
		*dst = strings.TrimSpace(cleanControls(v.Value))
	}
	if doc.ID != "" && slugify(doc.ID) != doc.ID {
		return lineOf(m, "id"), fmt.Errorf("front matter id %q: want lower-case letters, digits and '-' (e.g. %q)", doc.ID, slugify(doc.ID))
	}
	// A tag such as "it-IT" is read as its language, as in HTML.
	if doc.Lang != "" {
		code := langCode(doc.Lang)
		if code == "" {
			return lineOf(m, "lang"), fmt.Errorf("front matter lang %q: want a language code such as \"it\" or \"en\"", doc.Lang)
		}
		doc.Lang = code
	}
	return 0, nil
}

func lineOf(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i].Line + 1
		}
	}
	return 1
}

func titleFromBody(body string) string {
	for line := range strings.SplitSeq(body, "\n") {
		t := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "#"))
		if t == "" {
			continue
		}
		if utf8.RuneCountInString(t) <= maxTitleRunes {
			return t
		}
		// Cut at the last space inside the limit, so no word is broken.
		cut := t[:runeOffset(t, maxTitleRunes)]
		if i := strings.LastIndexFunc(cut, unicode.IsSpace); i > 0 {
			cut = cut[:i]
		}
		return strings.TrimRightFunc(cut, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) + "…"
	}
	return ""
}

// runeOffset returns the byte offset of the n-th rune of s (len(s) if fewer).
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

func idFromName(name string) string {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	base = strings.TrimSuffix(base, path.Ext(base))
	if id := slugify(base); id != "" {
		return id
	}
	// A name with no Latin letters or digits still needs a stable ID.
	sum := sha256.Sum256([]byte(name))
	return "doc-" + hex.EncodeToString(sum[:4])
}

// accents folds the accented letters of Italian and the other western
// European languages, so "Città" becomes "citta" rather than "citt".
var accents = strings.NewReplacer(
	"à", "a", "á", "a", "â", "a", "ä", "a", "ã", "a", "å", "a",
	"è", "e", "é", "e", "ê", "e", "ë", "e",
	"ì", "i", "í", "i", "î", "i", "ï", "i",
	"ò", "o", "ó", "o", "ô", "o", "ö", "o", "õ", "o",
	"ù", "u", "ú", "u", "û", "u", "ü", "u",
	"ç", "c", "ñ", "n", "ß", "ss",
)

// slugify lower-cases s, folds accents and turns every run of other
// characters into one '-': the result matches [a-z0-9]+(-[a-z0-9]+)*.
func slugify(s string) string {
	s = accents.Replace(strings.ToLower(s))
	var b strings.Builder
	dash := false
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}
