package rag

import (
	"context"
	"log/slog"

	"github.com/briefing/briefing/corpus"
)

// Options configure an Engine. Zero values mean the documented default.
type Options struct {
	// Embedder for dense retrieval; nil means the offline hashed embedder.
	Embedder Embedder
	// Generator writes answers and summaries; nil means extractive only.
	Generator Generator
	// IndexDir is where the index is persisted; empty keeps it in memory.
	IndexDir string
	// Chunk sets passage size and overlap (default 800 characters, 0 overlap).
	Chunk corpus.ChunkOptions
	// TopK is how many passages a question retrieves (default 5).
	TopK int
	// MinScore is the relevance floor in [0, 1]: a question whose best
	// passage scores below it is refused (default 0.2).
	MinScore float64
	// MaxQuestionChars bounds questions (default 2000).
	MaxQuestionChars int
	// Glossary extends the built-in cross-language glossary (paths to files).
	GlossaryFiles []string
	// Logger receives operational logs; nil discards.
	Logger *slog.Logger
}

// Engine indexes a corpus and answers questions about it.
type Engine struct {
	opts Options
}

// New returns an Engine. It loads the persisted index from IndexDir when one
// exists; otherwise the Engine answers ErrNoIndex until Index is called.
func New(ctx context.Context, opts Options) (*Engine, error) {
	return &Engine{opts: opts}, nil
}

// Index replaces the index with one built from docs, reusing stored vectors
// of unchanged passages. On error the previous index keeps serving.
// progress may be nil.
func (e *Engine) Index(ctx context.Context, docs []corpus.Document, progress func(IndexProgress)) (IndexReport, error) {
	return IndexReport{}, ErrNoIndex
}

// Search returns up to k passages for query, best first (k <= 0: TopK).
func (e *Engine) Search(ctx context.Context, query string, k int) ([]Hit, error) {
	return nil, ErrNoIndex
}

// Answer answers a question with cited passages, or refuses when the corpus
// does not cover it.
func (e *Engine) Answer(ctx context.Context, req Request) (Answer, error) {
	return Answer{}, ErrNoIndex
}

// Summarize writes a cited briefing of the corpus, a document or a topic.
func (e *Engine) Summarize(ctx context.Context, req SummaryRequest) (Answer, error) {
	return Answer{}, ErrNoIndex
}

// Documents lists the indexed documents in ID order.
func (e *Engine) Documents() []DocumentInfo {
	return nil
}
