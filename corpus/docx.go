package corpus

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxDOCXPart caps how much of one part of a DOCX archive is read, so a
// compressed bomb cannot exhaust memory.
const maxDOCXPart = 32 << 20

// ParseDOCX extracts the paragraphs of a Word document (Office Open XML)
// with the standard library: a DOCX is a zip archive whose
// word/document.xml holds paragraphs (<w:p>) of runs of text (<w:t>).
// Title, author and creation date come from docProps/core.xml. Each
// paragraph of the document becomes a paragraph of the body.
func ParseDOCX(name string, data []byte) (Document, error) {
	fail := func(err error) (Document, error) {
		return Document{}, &ParseError{File: name, Err: err}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fail(fmt.Errorf("not a DOCX file: %w", err))
	}
	main, err := readZipPart(zr, "word/document.xml")
	if err != nil {
		return fail(err)
	}
	paras, err := docxParagraphs(main)
	if err != nil {
		return fail(fmt.Errorf("word/document.xml: %w", err))
	}
	body := tidyExtracted(strings.Join(paras, "\n\n"))
	if body == "" {
		return fail(ErrEmptyBody)
	}
	doc := Document{Format: FormatDOCX, Path: name, Body: body, BodyLine: 1}
	if core, err := readZipPart(zr, "docProps/core.xml"); err == nil {
		var props struct {
			Title   string `xml:"title"`
			Creator string `xml:"creator"`
			Created string `xml:"created"`
		}
		if xml.Unmarshal(core, &props) == nil {
			doc.Title = strings.TrimSpace(props.Title)
			doc.Author = strings.TrimSpace(props.Creator)
			doc.Date = strings.TrimSpace(props.Created)
		}
	}
	finish(&doc, name)
	return doc, nil
}

var errNoPart = errors.New("missing part")

func readZipPart(zr *zip.Reader, part string) ([]byte, error) {
	for _, f := range zr.File {
		if f.Name != part {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", part, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, maxDOCXPart+1))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", part, err)
		}
		if len(b) > maxDOCXPart {
			return nil, fmt.Errorf("%s: larger than %d MiB", part, maxDOCXPart>>20)
		}
		return b, nil
	}
	return nil, fmt.Errorf("%s: %w", part, errNoPart)
}

// docxParagraphs returns the text of each <w:p> of a document part.
func docxParagraphs(data []byte) ([]string, error) {
	const w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	dec := xml.NewDecoder(bytes.NewReader(data))
	var (
		paras  []string
		cur    strings.Builder
		inText bool
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != w {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				cur.WriteByte('\t')
			case "br", "cr":
				cur.WriteByte(' ')
			}
		case xml.EndElement:
			if t.Name.Space != w {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				if s := strings.TrimSpace(cur.String()); s != "" {
					paras = append(paras, s)
				}
				cur.Reset()
			}
		case xml.CharData:
			if inText {
				cur.Write(t)
			}
		}
	}
	return paras, nil
}
