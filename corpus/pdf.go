package corpus

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/briefing/briefing/internal/atomicfile"
)

// ErrNoPDFTool means pdftotext or pdfinfo is not on PATH. They come with
// poppler-utils (Debian, Ubuntu: apt-get install poppler-utils; macOS: brew
// install poppler); only PDF documents need them.
var ErrNoPDFTool = errors.New("pdftotext/pdfinfo not found on PATH: install poppler-utils to index PDF documents")

// ErrNoText means a PDF has no text layer, as a scan without OCR.
var ErrNoText = errors.New("no extractable text (a scanned PDF without a text layer?)")

// maxPDFText caps the text read from pdftotext: a PDF that expands beyond it
// is not an article.
const maxPDFText = 16 << 20

// ParsePDF extracts the text of a PDF with pdftotext and its title, author
// and creation date with pdfinfo (poppler-utils, found on PATH; ErrNoPDFTool
// when absent). Poppler reads the fonts, encodings and layouts that real
// think-tank PDFs use, which no pure-Go reader on offer does as well.
//
// Lines of a paragraph are joined with a space (a word hyphenated across a
// line end is rejoined), and page breaks and blank lines separate
// paragraphs. The joined text is the body: quotes are verbatim of it. ctx
// bounds both tools.
func ParsePDF(ctx context.Context, name string, data []byte) (Document, error) {
	t, err := extractPDF(ctx, data)
	if err != nil {
		return Document{}, &ParseError{File: name, Err: err}
	}
	return t.document(name), nil
}

// pdfText is what poppler extracts from a PDF, before it becomes a Document
// of a given file name; it is what the PDF cache keeps.
type pdfText struct {
	Body, Title, Author, Date string
}

func extractPDF(ctx context.Context, data []byte) (pdfText, error) {
	if !bytes.HasPrefix(bytes.TrimLeft(data, "\x00\t\n\r "), []byte("%PDF-")) {
		return pdfText{}, errors.New("not a PDF file (no %PDF- header)")
	}
	text, err := runPoppler(ctx, data, "pdftotext", "-enc", "UTF-8", "-q", "-", "-")
	if err != nil {
		return pdfText{}, err
	}
	info, err := runPoppler(ctx, data, "pdfinfo", "-enc", "UTF-8", "-isodates", "-")
	if err != nil {
		return pdfText{}, err
	}
	if !utf8.Valid(text) {
		text = bytes.ToValidUTF8(text, []byte("\uFFFD"))
	}
	body := joinPDFLines(string(text))
	if body == "" {
		return pdfText{}, ErrNoText
	}
	fields := pdfInfoFields(info)
	return pdfText{Body: body, Title: fields["Title"], Author: fields["Author"], Date: fields["CreationDate"]}, nil
}

func (t pdfText) document(name string) Document {
	doc := Document{Format: FormatPDF, Path: name, Body: t.Body, BodyLine: 1,
		Title: t.Title, Author: t.Author, Date: t.Date}
	finish(&doc, name)
	return doc
}

// parsePDFCached is ParsePDF with the extracted text kept in dir under the
// PDF's content hash: poppler runs once per version of a file, not on every
// load. A cache that cannot be read only costs an extraction; one that
// cannot be written is returned as cacheErr beside the document, for the
// caller to report.
func parsePDFCached(ctx context.Context, dir, name string, data []byte) (doc Document, cacheErr, err error) {
	sum := sha256.Sum256(data)
	file := filepath.Join(dir, hex.EncodeToString(sum[:16])+".json")
	if b, err := os.ReadFile(file); err == nil {
		var t pdfText
		if json.Unmarshal(b, &t) == nil && t.Body != "" {
			return t.document(name), nil, nil
		}
	}
	t, err := extractPDF(ctx, data)
	if err != nil {
		return Document{}, nil, &ParseError{File: name, Err: err}
	}
	if cacheErr = writePDFCache(dir, file, t); cacheErr != nil {
		cacheErr = fmt.Errorf("corpus: pdf cache for %s: %w", name, cacheErr)
	}
	return t.document(name), cacheErr, nil
}

func writePDFCache(dir, file string, t pdfText) error {
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return atomicfile.Write(file, b, 0o600)
}

// runPoppler runs one poppler tool with data on stdin and returns stdout.
func runPoppler(ctx context.Context, data []byte, tool string, args ...string) ([]byte, error) {
	bin, err := exec.LookPath(tool)
	if err != nil {
		return nil, ErrNoPDFTool
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = bytes.NewReader(data)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &limitedBuffer{buf: &stdout, max: maxPDFText}
	cmd.Stderr = &limitedBuffer{buf: &stderr, max: 4 << 10}
	if err := cmd.Run(); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("%s: %w", tool, ctxErr)
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = "unreadable PDF"
		}
		return nil, fmt.Errorf("%s: %s: %w", tool, msg, err)
	}
	return stdout.Bytes(), nil
}

// limitedBuffer keeps the first max bytes written and discards the rest, so
// a runaway tool cannot exhaust memory; writes never fail, so the tool is
// not killed by a broken pipe.
type limitedBuffer struct {
	buf *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); room > 0 {
		l.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// pdfInfoFields parses pdfinfo's "Key:   value" lines.
func pdfInfoFields(out []byte) map[string]string {
	fields := make(map[string]string)
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		if _, seen := fields[k]; !seen {
			fields[k] = strings.TrimSpace(v)
		}
	}
	return fields
}

// joinPDFLines turns pdftotext output into paragraphs: lines of one block
// are joined, blank lines and form feeds (page breaks) end a paragraph.
func joinPDFLines(s string) string {
	s = normaliseNewlines(s)
	var paras []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			paras = append(paras, cur.String())
			cur.Reset()
		}
	}
	for page := range strings.SplitSeq(s, "\f") {
		for line := range strings.SplitSeq(page, "\n") {
			line = strings.TrimFunc(line, unicode.IsSpace)
			if line == "" {
				flush()
				continue
			}
			if cur.Len() > 0 {
				prev := cur.String()
				r, _ := utf8.DecodeRuneInString(line)
				if strings.HasSuffix(prev, "-") && len(prev) > 1 && unicode.IsLetter(rune(prev[len(prev)-2])) && unicode.IsLower(r) {
					// "signifi-" + "cativo": a word broken at the line end.
					cur.Reset()
					cur.WriteString(strings.TrimSuffix(prev, "-"))
				} else {
					cur.WriteByte(' ')
				}
			}
			cur.WriteString(line)
		}
		flush()
	}
	flush()
	return strings.Join(paras, "\n\n")
}
