package rag

import (
	"sort"

	"github.com/briefing/briefing"
)

// Documents lists the indexed documents in ID order.
func (e *Engine) Documents() []briefing.DocumentInfo {
	s := e.cur.Load()
	if s == nil {
		return nil
	}
	out := make([]briefing.DocumentInfo, len(s.docs))
	for i, d := range s.docs {
		out[i] = briefing.DocumentInfo{ID: d.ID, Title: d.Title, Lang: d.Lang, Date: d.Date, Author: d.Author, Source: d.Source,
			URL: d.URL, Format: d.Format, Path: d.Path, Passages: d.Passages}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Ready reports whether an index is loaded.
func (e *Engine) Ready() bool { return e.cur.Load() != nil }
