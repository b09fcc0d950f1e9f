package rag

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/internal/relevance"
	"github.com/briefing/briefing/rag/lexical"
	"github.com/briefing/briefing/rag/vecstore"
)

// snapshot is one immutable index; a request takes it once (Engine.snap)
// and works on it to the end, so an Index swapping in the next one never
// mixes two indexes in one answer.
type snapshot struct {
	settings string
	built    time.Time
	docs     []vecstore.DocRecord
	docByID  map[string]int
	passages []corpus.Passage
	byID     map[string]int
	lex      *lexical.Index
	vec      *vecstore.Store
	// rel is the answer model's index over the passages; lang the
	// corpus's main language.
	rel  *relevance.Index
	lang string
}

// settings names everything that changes the stored vectors or passages.
func (e *Engine) settings() string {
	c := e.opts.Chunk
	return fmt.Sprintf("%s|chunk=%d/%d|v%d|tokens=%d", e.embedder.Name(), c.MaxChars, c.Overlap, vecstore.FormatVersion, analysis.Version)
}

func (e *Engine) newSnapshot(m *vecstore.Manifest, vs *vecstore.Store) *snapshot {
	s := &snapshot{
		settings: m.Settings,
		built:    m.Built,
		docs:     m.Documents,
		docByID:  make(map[string]int, len(m.Documents)),
		passages: m.Passages,
		byID:     make(map[string]int, len(m.Passages)),
		vec:      vs,
	}
	for i, d := range m.Documents {
		s.docByID[d.ID] = i
	}
	for i, p := range m.Passages {
		s.byID[p.ID] = i
	}
	s.lex = lexical.Build(e.analyzer, s.passages, s.Meta)
	rp := make([]relevance.Passage, len(s.passages))
	for i, p := range s.passages {
		rp[i] = relevance.Passage{Text: p.Text, Title: p.Title, Lang: s.Meta(p.DocID).Lang, Doc: p.DocID, Author: s.author(p.DocID)}
	}
	s.rel = relevance.NewIndex(rp)
	s.lang = s.ScopeLang("")
	return s
}

// Meta describes a passage's document for the lexical index and the
// extracts (extract.Docs).
func (s *snapshot) Meta(docID string) lexical.DocMeta {
	if i, ok := s.docByID[docID]; ok {
		return lexical.DocMeta{Lang: s.docs[i].Lang, Author: analysis.Fold(strings.TrimSpace(s.docs[i].Author))}
	}
	return lexical.DocMeta{}
}

// author is a document's author ("" when unknown).
func (s *snapshot) author(docID string) string {
	if i, ok := s.docByID[docID]; ok {
		return s.docs[i].Author
	}
	return ""
}

// Title is a document's title ("" when unknown).
func (s *snapshot) Title(docID string) string {
	if i, ok := s.docByID[docID]; ok {
		return s.docs[i].Title
	}
	return ""
}

// ScopeLang is the most common language of the documents in scope.
func (s *snapshot) ScopeLang(docID string) string {
	var langs []string
	for _, d := range s.docs {
		if docID == "" || d.ID == docID {
			langs = append(langs, d.Lang)
		}
	}
	return analysis.MainLang(langs)
}

// inScope reports whether any passage of document docID (any document when
// "") passes f.
func (s *snapshot) inScope(docID string, f corpus.Filter) bool {
	if f.IsZero() && docID == "" {
		return true
	}
	return slices.ContainsFunc(s.passages, func(p corpus.Passage) bool {
		return (docID == "" || p.DocID == docID) && f.Match(p)
	})
}

// key identifies the snapshot's index version: build time and passage
// count.
func (s *snapshot) key() string {
	return fmt.Sprintf("%d|%d", s.built.UnixNano(), len(s.passages))
}
