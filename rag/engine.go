package rag

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
)

// Options configure an Engine. Zero values mean the documented default.
type Options struct {
	// Embedder for dense retrieval; nil means the offline HashedEmbedder.
	Embedder Embedder
	// Generator writes answers and summaries; nil means extractive only.
	Generator Generator
	// IndexDir is where the index is persisted; empty keeps it in memory.
	IndexDir string
	// Chunk sets passage size and overlap (default 800 characters, 0 overlap).
	Chunk corpus.ChunkOptions
	// TopK is how many passages a question retrieves (default 5).
	TopK int
	// MinScore is the relevance floor in (0, 1]: a question whose best
	// passage covers less than this share of the question's weight is
	// refused (default DefaultMinScore).
	MinScore float64
	// MaxQuestionChars bounds questions in characters (default 2000).
	MaxQuestionChars int
	// Glossary is the cross-language glossary; nil means the built-in one.
	Glossary *analysis.Glossary
	// Logger receives operational logs; nil discards.
	Logger *slog.Logger

	// The fields below matter only when Generator is set.

	// GenerateTimeout bounds the LLM's part of an Answer or Summarize call
	// (query rewrite, completion, retries): past it the extractive answer
	// is returned, so a user always gets an answer within roughly this
	// long (default 45s). The caller's ctx still bounds the whole call.
	GenerateTimeout time.Duration
	// RewriteQueries makes the engine translate a question whose language
	// differs from the corpus's into the corpus language with one short
	// completion (cached), and retrieve with both. The zero value is off:
	// cmd sets it from llm.rewrite_queries (whose default is true).
	RewriteQueries bool
	// RewriteTimeout bounds one rewrite completion (default 10s); a rewrite
	// that fails or times out is skipped and the glossary bridge alone
	// serves the question.
	RewriteTimeout time.Duration
	// SummaryTokenBudget bounds the estimated prompt tokens of each map step
	// of a generated summary (default 6000).
	SummaryTokenBudget int
	// MaxHistoryTurns is how many of the latest Request.History turns the
	// prompt carries (default 3).
	MaxHistoryTurns int
}

// Defaults of Options.
const (
	DefaultTopK             = 5
	DefaultMinScore         = 0.5
	DefaultMaxQuestionChars = 2000
	embedBatch              = 64

	DefaultGenerateTimeout    = 45 * time.Second
	DefaultRewriteTimeout     = 10 * time.Second
	DefaultSummaryTokenBudget = 6000
	DefaultMaxHistoryTurns    = 3
)

// Engine indexes a corpus and answers questions about it. It is safe for
// concurrent use; Index calls are serialised and never block queries.
type Engine struct {
	opts     Options
	analyzer *analysis.Analyzer
	embedder Embedder
	// hashed is used for sentence similarity in summaries whatever the
	// configured embedder: it is local and free.
	hashed *HashedEmbedder
	// denseWeight is the dense ranking's weight in the fusion.
	denseWeight float64
	log         *slog.Logger
	cur         atomic.Pointer[snapshot]
	indexMu     sync.Mutex
	// rewrites caches query translations by language pair and question;
	// summaries caches generated summaries by index version and request.
	rewrites  *lru.Cache[string, string]
	summaries *lru.Cache[string, Answer]
}

// snapshot is one immutable index; queries hold on to it for their duration.
type snapshot struct {
	settings string
	built    time.Time
	docs     []docRecord
	docByID  map[string]int
	passages []corpus.Passage
	byID     map[string]int
	lex      *lexicon
	vec      *vectorStore
}

// New returns an Engine. It loads the persisted index from IndexDir when one
// exists; otherwise the Engine answers ErrNoIndex until Index is called. A
// stored index that cannot be read is logged and ignored: the next Index
// rebuilds it.
func New(ctx context.Context, opts Options) (*Engine, error) {
	if opts.TopK <= 0 {
		opts.TopK = DefaultTopK
	}
	if opts.MinScore <= 0 {
		opts.MinScore = DefaultMinScore
	}
	if opts.MinScore > 1 {
		return nil, fmt.Errorf("rag: min score %v is above 1", opts.MinScore)
	}
	if opts.MaxQuestionChars <= 0 {
		opts.MaxQuestionChars = DefaultMaxQuestionChars
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.GenerateTimeout <= 0 {
		opts.GenerateTimeout = DefaultGenerateTimeout
	}
	if opts.RewriteTimeout <= 0 {
		opts.RewriteTimeout = DefaultRewriteTimeout
	}
	if opts.SummaryTokenBudget <= 0 {
		opts.SummaryTokenBudget = DefaultSummaryTokenBudget
	}
	if opts.MaxHistoryTurns <= 0 {
		opts.MaxHistoryTurns = DefaultMaxHistoryTurns
	}
	if opts.Glossary == nil {
		g, err := analysis.DefaultGlossary()
		if err != nil {
			return nil, fmt.Errorf("rag: %w", err)
		}
		opts.Glossary = g
	}
	e := &Engine{opts: opts, analyzer: analysis.New(opts.Glossary), log: opts.Logger,
		rewrites: mustLRU[string, string](rewriteCacheSize), summaries: mustLRU[string, Answer](summaryCacheSize)}
	e.hashed = NewHashedEmbedder(0, e.analyzer)
	e.embedder = opts.Embedder
	if e.embedder == nil {
		e.embedder = e.hashed
	}
	e.denseWeight = 1
	if _, ok := e.embedder.(*HashedEmbedder); ok {
		e.denseWeight = hashedDenseWeight
	}
	if opts.IndexDir != "" {
		m, vs, err := readGeneration(opts.IndexDir)
		switch {
		case errors.Is(err, errNoStoredIndex):
		case err != nil:
			e.log.Warn("stored index unreadable; it will be rebuilt", "dir", opts.IndexDir, "err", err)
		default:
			e.cur.Store(e.newSnapshot(m, vs))
		}
	}
	return e, nil
}

// settings names everything that changes the stored vectors or passages.
func (e *Engine) settings() string {
	c := e.opts.Chunk
	return fmt.Sprintf("%s|chunk=%d/%d|v%d", e.embedder.Name(), c.MaxChars, c.Overlap, formatVersion)
}

func (e *Engine) newSnapshot(m *manifest, vs *vectorStore) *snapshot {
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
	s.lex = buildLexicon(e.analyzer, s.passages, s.meta)
	return s
}

func (s *snapshot) meta(docID string) docMeta {
	if i, ok := s.docByID[docID]; ok {
		return docMeta{lang: s.docs[i].Lang, author: analysis.Fold(strings.TrimSpace(s.docs[i].Author))}
	}
	return docMeta{}
}

// Ready reports whether an index is loaded.
func (e *Engine) Ready() bool { return e.cur.Load() != nil }

func docHash(d corpus.Document) string {
	h := sha256.New()
	for _, s := range []string{d.ID, d.Title, d.Lang, d.Date, d.Author, d.Source, d.Body} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// Index replaces the index with one built from docs, reusing the stored
// vectors of unchanged passages; a change of embedder or chunking settings
// re-embeds everything. The new index is built and persisted beside the live
// one and swapped in only when complete: on any error the previous index
// keeps serving. progress may be nil. Concurrent calls are serialised.
func (e *Engine) Index(ctx context.Context, docs []corpus.Document, progress func(IndexProgress)) (IndexReport, error) {
	return e.index(ctx, docs, progress, false)
}

// Rebuild is Index re-embedding every passage, for an operator who suspects
// the stored vectors (or changed an embedding model behind the same name).
func (e *Engine) Rebuild(ctx context.Context, docs []corpus.Document, progress func(IndexProgress)) (IndexReport, error) {
	return e.index(ctx, docs, progress, true)
}

func (e *Engine) index(ctx context.Context, docs []corpus.Document, progress func(IndexProgress), force bool) (IndexReport, error) {
	start := time.Now()
	e.indexMu.Lock()
	defer e.indexMu.Unlock()
	if progress == nil {
		progress = func(IndexProgress) {}
	}
	if len(docs) == 0 {
		return IndexReport{}, fmt.Errorf("rag: index: %w", corpus.ErrNoDocuments)
	}
	old := e.cur.Load()
	settings := e.settings()
	rep := IndexReport{Rebuilt: old != nil && (old.settings != settings || force)}

	// Which documents changed.
	oldHash := map[string]string{}
	if old != nil {
		for _, d := range old.docs {
			oldHash[d.ID] = d.Hash
		}
	}
	records := make([]docRecord, len(docs))
	seen := map[string]bool{}
	for i, d := range docs {
		if seen[d.ID] {
			return IndexReport{}, fmt.Errorf("rag: index: duplicate document id %q", d.ID)
		}
		seen[d.ID] = true
		lang := d.Lang
		if lang == "" {
			lang = corpus.DetectLang(d.Body)
		}
		records[i] = docRecord{ID: d.ID, Title: d.Title, Lang: lang, Date: d.Date, Author: d.Author,
			Source: d.Source, Path: d.Path, Hash: docHash(d)}
		switch h, ok := oldHash[d.ID]; {
		case !ok:
			rep.Added++
		case h != records[i].Hash:
			rep.Changed++
		default:
			rep.Unchanged++
		}
	}
	for id := range oldHash {
		if !seen[id] {
			rep.Removed++
		}
	}
	if old != nil && !rep.Rebuilt && rep.Added == 0 && rep.Changed == 0 && rep.Removed == 0 {
		rep.Passages = len(old.passages)
		rep.Duration = time.Since(start)
		return rep, nil
	}

	// Chunk.
	progress(IndexProgress{Stage: "chunk", Done: 0, Total: len(docs)})
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
		progress(IndexProgress{Stage: "chunk", Done: i + 1, Total: len(docs)})
	}
	if len(passages) == 0 {
		return IndexReport{}, errors.New("rag: index: the documents yield no passages")
	}

	// Embed what is new; reuse the rest.
	vecs := make([][]float32, len(passages))
	var todo []int
	for i, p := range passages {
		if old != nil && !rep.Rebuilt {
			if v, ok := old.vec.vector(ctx, p.ID); ok {
				vecs[i] = v
				continue
			}
		}
		todo = append(todo, i)
	}
	progress(IndexProgress{Stage: "embed", Done: 0, Total: len(todo)})
	for b := 0; b < len(todo); b += embedBatch {
		if err := ctx.Err(); err != nil {
			return IndexReport{}, fmt.Errorf("rag: index: %w", err)
		}
		batch := todo[b:min(b+embedBatch, len(todo))]
		texts := make([]string, len(batch))
		for j, i := range batch {
			texts[j] = passages[i].Text
		}
		out, err := e.embedder.EmbedDocuments(ctx, texts)
		if err != nil {
			return IndexReport{}, fmt.Errorf("rag: index: embed passages: %w", err)
		}
		if len(out) != len(batch) {
			return IndexReport{}, fmt.Errorf("rag: index: embedder returned %d vectors for %d passages", len(out), len(batch))
		}
		for j, i := range batch {
			if len(out[j]) == 0 {
				return IndexReport{}, fmt.Errorf("rag: index: embedder returned an empty vector for passage %s", passages[i].ID)
			}
			vecs[i] = out[j]
		}
		progress(IndexProgress{Stage: "embed", Done: min(b+embedBatch, len(todo)), Total: len(todo)})
	}
	dim := len(vecs[0])
	for i, v := range vecs {
		if len(v) != dim {
			return IndexReport{}, fmt.Errorf("rag: index: passage %s has a %d-dimensional vector, want %d", passages[i].ID, len(v), dim)
		}
	}
	rep.Embedded = len(todo)
	rep.Passages = len(passages)

	idList := make([]string, len(passages))
	for i, p := range passages {
		idList[i] = p.ID
	}
	vs, err := newVectorStore(ctx, idList, vecs)
	if err != nil {
		return IndexReport{}, fmt.Errorf("rag: index: %w", err)
	}
	m := &manifest{Version: formatVersion, Settings: settings, Built: time.Now().UTC(), Documents: records, Passages: passages}
	if e.opts.IndexDir != "" {
		progress(IndexProgress{Stage: "write", Done: 0, Total: 1})
		if err := writeGeneration(ctx, e.opts.IndexDir, m, vs); err != nil {
			return IndexReport{}, fmt.Errorf("rag: index: persist to %s: %w", e.opts.IndexDir, err)
		}
		progress(IndexProgress{Stage: "write", Done: 1, Total: 1})
	}
	e.cur.Store(e.newSnapshot(m, vs))
	rep.Duration = time.Since(start)
	e.log.Debug("index built", "documents", len(docs), "passages", rep.Passages, "embedded", rep.Embedded,
		"added", rep.Added, "changed", rep.Changed, "removed", rep.Removed, "rebuilt", rep.Rebuilt,
		"duration_ms", rep.Duration.Milliseconds())
	return rep, nil
}

// Documents lists the indexed documents in ID order.
func (e *Engine) Documents() []DocumentInfo {
	s := e.cur.Load()
	if s == nil {
		return nil
	}
	out := make([]DocumentInfo, len(s.docs))
	for i, d := range s.docs {
		out[i] = DocumentInfo{ID: d.ID, Title: d.Title, Lang: d.Lang, Date: d.Date, Author: d.Author, Source: d.Source, Passages: d.Passages}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// checkQuestion validates untrusted question text.
func (e *Engine) checkQuestion(q string) (string, error) {
	if !utf8.ValidString(q) {
		return "", ErrInvalidText
	}
	q = strings.TrimSpace(q)
	if n := utf8.RuneCountInString(q); n > e.opts.MaxQuestionChars {
		return "", fmt.Errorf("%w: %d characters, at most %d", ErrQuestionTooLong, n, e.opts.MaxQuestionChars)
	}
	hasWord := false
	for _, r := range q {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			hasWord = true
			break
		}
	}
	if !hasWord {
		return "", ErrEmptyQuestion
	}
	return q, nil
}
