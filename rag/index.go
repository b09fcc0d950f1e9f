package rag

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/rag/vecstore"
)

func docHash(d corpus.Document) string {
	h := sha256.New()
	for _, s := range []string{d.ID, d.Title, d.Lang, d.Date, d.Author, d.Source, d.URL, d.Body} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// matchesBodies checks the stored passages of every document whose content
// hash is unchanged against its body: Body[Start:End] must be the passage
// text. The manifest holds no bodies, so only here can offsets be checked.
func matchesBodies(s *snapshot, docs []corpus.Document) error {
	byID := make(map[string]corpus.Document, len(docs))
	for _, d := range docs {
		byID[d.ID] = d
	}
	unchanged := map[string]bool{}
	for _, r := range s.docs {
		if d, ok := byID[r.ID]; ok && docHash(d) == r.Hash {
			unchanged[r.ID] = true
		}
	}
	for _, p := range s.passages {
		if !unchanged[p.DocID] {
			continue
		}
		body := byID[p.DocID].Body
		if p.Start < 0 || p.End > len(body) || p.Start > p.End || body[p.Start:p.End] != p.Text {
			return fmt.Errorf("%w: passage %s of %s: [%d:%d] is not its text in the document", vecstore.ErrCorrupt, p.ID, p.DocID, p.Start, p.End)
		}
	}
	return nil
}

// Index replaces the index with one built from docs, reusing the stored
// vectors of unchanged passages; a change of embedder or chunking settings
// re-embeds everything. The new index is built and persisted beside the live
// one and swapped in only when complete: on any error the previous index
// keeps serving. progress may be nil. Concurrent calls are serialised; a
// call waiting for another returns ctx's error when ctx is done first.
func (e *Engine) Index(ctx context.Context, docs []corpus.Document, progress func(briefing.IndexProgress)) (briefing.IndexReport, error) {
	return e.index(ctx, docs, progress, false)
}

// Rebuild is Index re-embedding every passage, for an operator who suspects
// the stored vectors (or changed an embedding model behind the same name).
func (e *Engine) Rebuild(ctx context.Context, docs []corpus.Document, progress func(briefing.IndexProgress)) (briefing.IndexReport, error) {
	return e.index(ctx, docs, progress, true)
}

func (e *Engine) index(ctx context.Context, docs []corpus.Document, progress func(briefing.IndexProgress), force bool) (briefing.IndexReport, error) {
	start := time.Now()
	select {
	case e.indexSem <- struct{}{}:
	case <-ctx.Done():
		return briefing.IndexReport{}, fmt.Errorf("rag: index: wait for the index in progress: %w", ctx.Err())
	}
	defer func() { <-e.indexSem }()
	if progress == nil {
		progress = func(briefing.IndexProgress) {}
	}
	if len(docs) == 0 {
		return briefing.IndexReport{}, fmt.Errorf("rag: index: %w", corpus.ErrNoDocuments)
	}
	old := e.cur.Load()
	distrusted := false
	if old != nil {
		if err := matchesBodies(old, docs); err != nil {
			// A stored index that parses but lies (offsets or text that
			// are not the document's) would be quoted as verbatim.
			e.log.Warn("stored index does not match the documents; rebuilding it", "err", err)
			old, distrusted = nil, true
		}
	}
	settings := e.settings()
	rep := briefing.IndexReport{Rebuilt: distrusted || old != nil && (old.settings != settings || force)}

	// Which documents changed.
	oldHash := map[string]string{}
	if old != nil {
		for _, d := range old.docs {
			oldHash[d.ID] = d.Hash
		}
	}
	records := make([]vecstore.DocRecord, len(docs))
	seen := map[string]bool{}
	for i, d := range docs {
		if seen[d.ID] {
			return briefing.IndexReport{}, fmt.Errorf("rag: index: duplicate document id %q", d.ID)
		}
		seen[d.ID] = true
		lang := d.Lang
		if lang == "" {
			lang = analysis.DetectLang(d.Body)
		}
		records[i] = vecstore.DocRecord{ID: d.ID, Title: d.Title, Lang: lang, Date: d.Date, Author: d.Author,
			Source: d.Source, URL: d.URL, Format: d.Format, Path: d.Path, Hash: docHash(d)}
		switch h, ok := oldHash[d.ID]; {
		case !ok:
			rep.Added++
			rep.AddedIDs = append(rep.AddedIDs, d.ID)
		case h != records[i].Hash:
			rep.Changed++
			rep.ChangedIDs = append(rep.ChangedIDs, d.ID)
		default:
			rep.Unchanged++
		}
	}
	for id := range oldHash {
		if !seen[id] {
			rep.Removed++
			rep.RemovedIDs = append(rep.RemovedIDs, id)
		}
	}
	slices.Sort(rep.AddedIDs)
	slices.Sort(rep.ChangedIDs)
	slices.Sort(rep.RemovedIDs)
	if old != nil && !rep.Rebuilt && rep.Added == 0 && rep.Changed == 0 && rep.Removed == 0 {
		rep.Passages = len(old.passages)
		rep.Duration = time.Since(start)
		return rep, nil
	}

	// Chunk.
	progress(briefing.IndexProgress{Stage: "chunk", Done: 0, Total: len(docs)})
	var passages []corpus.Passage
	ids := map[string]bool{}
	for i, d := range docs {
		ps := corpus.Chunk(d, e.opts.Chunk)
		for _, p := range ps {
			// The same text twice in one document would collide: keep both,
			// the second under a derived ID.
			for n := 2; ids[p.ID]; n++ {
				p.ID = corpus.PassageID(d.ID, fmt.Sprintf("%s\x00%d", p.Text, n))
			}
			ids[p.ID] = true
			passages = append(passages, p)
		}
		records[i].Passages = len(ps)
		progress(briefing.IndexProgress{Stage: "chunk", Done: i + 1, Total: len(docs)})
	}
	if len(passages) == 0 {
		return briefing.IndexReport{}, errors.New("rag: index: the documents yield no passages")
	}

	// Embed what is new; reuse the rest.
	vecs := make([][]float32, len(passages))
	var todo []int
	for i, p := range passages {
		if old != nil && !rep.Rebuilt {
			if v, ok := old.vec.Vector(ctx, p.ID); ok {
				vecs[i] = v
				continue
			}
		}
		todo = append(todo, i)
	}
	progress(briefing.IndexProgress{Stage: "embed", Done: 0, Total: len(todo)})
	for b := 0; b < len(todo); b += embedBatch {
		if err := ctx.Err(); err != nil {
			return briefing.IndexReport{}, fmt.Errorf("rag: index: %w", err)
		}
		batch := todo[b:min(b+embedBatch, len(todo))]
		texts := make([]string, len(batch))
		for j, i := range batch {
			texts[j] = passages[i].Text
		}
		out, err := e.embedder.EmbedDocuments(ctx, texts)
		if err != nil {
			return briefing.IndexReport{}, fmt.Errorf("rag: index: embed passages: %w", err)
		}
		if len(out) != len(batch) {
			return briefing.IndexReport{}, fmt.Errorf("rag: index: embedder returned %d vectors for %d passages", len(out), len(batch))
		}
		for j, i := range batch {
			if len(out[j]) == 0 {
				return briefing.IndexReport{}, fmt.Errorf("rag: index: embedder returned an empty vector for passage %s", passages[i].ID)
			}
			vecs[i] = out[j]
		}
		progress(briefing.IndexProgress{Stage: "embed", Done: min(b+embedBatch, len(todo)), Total: len(todo)})
	}
	dim := len(vecs[0])
	for i, v := range vecs {
		if len(v) != dim {
			return briefing.IndexReport{}, fmt.Errorf("rag: index: passage %s has a %d-dimensional vector, want %d", passages[i].ID, len(v), dim)
		}
	}
	rep.Embedded = len(todo)
	rep.Passages = len(passages)

	idList := make([]string, len(passages))
	for i, p := range passages {
		idList[i] = p.ID
	}
	vs, err := vecstore.New(ctx, idList, vecs)
	if err != nil {
		return briefing.IndexReport{}, fmt.Errorf("rag: index: %w", err)
	}
	m := &vecstore.Manifest{Version: vecstore.FormatVersion, Settings: settings, Built: time.Now().UTC(), Documents: records, Passages: passages}
	if e.opts.IndexDir != "" {
		progress(briefing.IndexProgress{Stage: "write", Done: 0, Total: 1})
		if err := vecstore.Write(ctx, e.opts.IndexDir, m, vs); err != nil {
			return briefing.IndexReport{}, fmt.Errorf("rag: index: persist to %s: %w", e.opts.IndexDir, err)
		}
		progress(briefing.IndexProgress{Stage: "write", Done: 1, Total: 1})
	}
	e.cur.Store(e.newSnapshot(m, vs))
	rep.Duration = time.Since(start)
	e.log.Debug("index built", "documents", len(docs), "passages", rep.Passages, "embedded", rep.Embedded,
		"added", rep.Added, "changed", rep.Changed, "removed", rep.Removed, "rebuilt", rep.Rebuilt,
		"duration_ms", rep.Duration.Milliseconds())
	return rep, nil
}
