package rag

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/internal/lrucache"
	"github.com/briefing/briefing/internal/relevance"
	"github.com/briefing/briefing/rag/answerable"
	"github.com/briefing/briefing/rag/extract"
	"github.com/briefing/briefing/rag/hashed"
	"github.com/briefing/briefing/rag/vecstore"
)

// Options configure an Engine. Zero values mean the documented default
// (DefaultOptions).
type Options struct {
	// Embedder for dense retrieval; nil means the offline hashed embedder
	// (rag/hashed) of HashedDimensions dimensions over the engine's own
	// analyzer and glossary.
	Embedder briefing.Embedder
	// HashedDimensions is the vector size of the hashed embedder when
	// Embedder is nil (default hashed.DefaultDimensions).
	HashedDimensions int
	// Generator writes answers and summaries; nil means extractive only.
	Generator briefing.Generator
	// IndexDir is where the index is persisted; empty keeps it in memory.
	IndexDir string
	// Chunk sets passage size and overlap (default corpus.DefaultMaxChars
	// characters, 0 overlap).
	Chunk corpus.ChunkOptions
	// TopK is how many passages a question retrieves (default 5).
	TopK int
	// MinScore is the relevance floor of topic summaries, in (0, 1]: a
	// topic no passage covers to this share is refused, and passages below
	// half of it are not quoted (default DefaultMinScore). Questions are
	// judged by the answer model instead.
	MinScore float64
	// MaxQuestionChars bounds questions in characters (default 2000).
	MaxQuestionChars int
	// Glossary is the cross-language glossary; nil means the built-in one.
	Glossary *analysis.Glossary
	// Logger receives operational logs; nil discards.
	Logger *slog.Logger
	// Model is the fitted answer model (ranking, answerability, answer
	// sentences, states); nil means the committed one
	// (relevance.Default), fitted on the default hashed embedder. A model
	// fitted on another embedder than Embedder is logged at New.
	Model *relevance.Model
	// AnswerThreshold, when in (0, 1], replaces the model's threshold on
	// P(answerable) for state answer: lower answers more questions directly,
	// at the cost the model file's operating points give (0: the model's).
	AnswerThreshold float64
	// Translator turns a question into the corpus language when the two
	// differ (an English question over Italian articles), for retrieval;
	// nil means none (the glossary bridge alone). An LLM rewrite, when
	// configured, takes its place.
	Translator Translator
	// TranslateFrom and TranslateTo are the languages the Translator
	// works between: a question in From over a corpus in To is translated.
	TranslateFrom, TranslateTo string
	// Glosser translates quotes and searched passages into the question's
	// language for Citation.Gloss and Hit.Gloss, when a request asks
	// (Request.Gloss, SearchRequest.Gloss); nil means no glosses. GlossFrom
	// and GlossTo are its languages: a text from a document in From, for a
	// question in To, is glossed.
	Glosser            Glosser
	GlossFrom, GlossTo string
	// TranslateTimeout bounds one translation, and the glosses of one
	// answer (default 2s); a translation that fails or times out is
	// skipped with one Warn line.
	TranslateTimeout time.Duration
	// EmbedTimeout bounds the embedding of a question (default 5s): past
	// it, or when the embedder fails, retrieval goes on lexical-only and
	// one Warn line is logged, so a slow or dead embeddings server does
	// not fail questions.
	EmbedTimeout time.Duration

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
	DefaultEmbedTimeout     = 5 * time.Second
	DefaultTranslateTimeout = 2 * time.Second
	embedBatch              = 64

	DefaultGenerateTimeout    = 45 * time.Second
	DefaultRewriteTimeout     = 10 * time.Second
	DefaultSummaryTokenBudget = 6000
	DefaultMaxHistoryTurns    = 3
)

// DefaultOptions returns the defaults of Options, for callers (cmd) that
// show or configure them: New fills in these values for zero fields, and
// corpus.Chunk the chunk size. Embedder, Generator, Glossary and Logger
// have no value here: nil means the hashed embedder, extractive answers,
// the built-in glossary and no logs.
func DefaultOptions() Options {
	return Options{
		Chunk:              corpus.ChunkOptions{MaxChars: corpus.DefaultMaxChars},
		TopK:               DefaultTopK,
		MinScore:           DefaultMinScore,
		MaxQuestionChars:   DefaultMaxQuestionChars,
		HashedDimensions:   hashed.DefaultDimensions,
		EmbedTimeout:       DefaultEmbedTimeout,
		TranslateTimeout:   DefaultTranslateTimeout,
		GenerateTimeout:    DefaultGenerateTimeout,
		RewriteTimeout:     DefaultRewriteTimeout,
		SummaryTokenBudget: DefaultSummaryTokenBudget,
		MaxHistoryTurns:    DefaultMaxHistoryTurns,
	}
}

// Engine indexes a corpus and answers questions about it. It is safe for
// concurrent use; Index calls are serialised and never block queries.
type Engine struct {
	opts     Options
	analyzer *analysis.Analyzer
	embedder briefing.Embedder
	// hashed is used for sentence similarity in summaries whatever the
	// configured embedder: it is local and free.
	hashed *hashed.Embedder
	// policy decides what counts as evidence; extractor writes the
	// extractive answers and summaries.
	policy    answerable.Policy
	extractor extract.Extractor
	// model ranks passages, decides the state of an answer and picks its
	// sentences.
	model *relevance.Model
	log   *slog.Logger
	cur   atomic.Pointer[snapshot]
	// indexSem is a one-slot semaphore serialising Index and Rebuild: a
	// mutex would keep a waiting caller past its ctx while the holder
	// embeds over the network.
	indexSem chan struct{}
	// rewrites caches query translations by language pair and question;
	// glosses quote and passage translations by text; queryVecs query embeddings by
	// text; summaries generated summaries
	// by index version and request.
	rewrites  *lru.Cache[string, string]
	glosses   *lru.Cache[string, string]
	queryVecs *lru.Cache[string, []float32]
	summaries *lru.Cache[string, briefing.Answer]
	// testHookSnapshot, when set (tests only), runs right after a request
	// took its index snapshot.
	testHookSnapshot func()
}

// Cache sizes.
const (
	rewriteCacheSize  = 512
	glossCacheSize    = 1024
	queryVecCacheSize = 1024
	summaryCacheSize  = 64
)

// New returns an Engine. It loads the persisted index from IndexDir when one
// exists; otherwise the Engine answers ErrNoIndex until Index is called. A
// stored index that cannot be read is logged and ignored: the next Index
// rebuilds it. When ctx is done before the stored index is read, New
// returns ctx's error.
func New(ctx context.Context, opts Options) (*Engine, error) {
	def := DefaultOptions()
	if opts.TopK <= 0 {
		opts.TopK = def.TopK
	}
	if opts.MinScore <= 0 {
		opts.MinScore = def.MinScore
	}
	if opts.MinScore > 1 {
		return nil, fmt.Errorf("rag: min score %v is above 1", opts.MinScore)
	}
	if opts.MaxQuestionChars <= 0 {
		opts.MaxQuestionChars = def.MaxQuestionChars
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.EmbedTimeout <= 0 {
		opts.EmbedTimeout = def.EmbedTimeout
	}
	if opts.TranslateTimeout <= 0 {
		opts.TranslateTimeout = def.TranslateTimeout
	}
	if opts.Model == nil {
		m, err := relevance.Default()
		if err != nil {
			return nil, fmt.Errorf("rag: %w", err)
		}
		opts.Model = m
	}
	if a := opts.AnswerThreshold; a != 0 {
		if !(a > 0 && a <= 1) {
			return nil, fmt.Errorf("rag: answer threshold %v outside (0, 1]", a)
		}
		m := *opts.Model
		m.Thresholds.Answer = a
		opts.Model = &m
	}
	if opts.GenerateTimeout <= 0 {
		opts.GenerateTimeout = def.GenerateTimeout
	}
	if opts.RewriteTimeout <= 0 {
		opts.RewriteTimeout = def.RewriteTimeout
	}
	if opts.SummaryTokenBudget <= 0 {
		opts.SummaryTokenBudget = def.SummaryTokenBudget
	}
	if opts.MaxHistoryTurns <= 0 {
		opts.MaxHistoryTurns = def.MaxHistoryTurns
	}
	if opts.Glossary == nil {
		g, err := analysis.DefaultGlossary()
		if err != nil {
			return nil, fmt.Errorf("rag: %w", err)
		}
		opts.Glossary = g
	}
	e := &Engine{opts: opts, analyzer: analysis.New(opts.Glossary), log: opts.Logger, model: opts.Model,
		indexSem:  make(chan struct{}, 1),
		rewrites:  lrucache.New[string, string](rewriteCacheSize),
		glosses:   lrucache.New[string, string](glossCacheSize),
		queryVecs: lrucache.New[string, []float32](queryVecCacheSize),
		summaries: lrucache.New[string, briefing.Answer](summaryCacheSize)}
	e.hashed = hashed.New(0, e.analyzer)
	e.policy = answerable.Policy{MinScore: opts.MinScore}
	e.extractor = extract.Extractor{Analyzer: e.analyzer, Hashed: e.hashed, Policy: e.policy}
	e.embedder = opts.Embedder
	if e.embedder == nil {
		e.embedder = hashed.New(opts.HashedDimensions, e.analyzer)
	}
	if !e.model.FittedFor(e.embedder.Name()) {
		// Still usable (the lexical features carry most of the ranking),
		// but the dense weights and the thresholds assume another scale.
		e.log.Warn("answer model was fitted on another embedder; its dense weights and thresholds are off for this one: fit one with `briefing train` under this configuration and set retrieval.answer_model",
			"model_embedder", e.model.Embedder, "embedder", relevance.EmbedderID(e.embedder.Name()))
	}
	if opts.IndexDir != "" {
		m, vs, err := vecstore.Read(ctx, opts.IndexDir)
		switch {
		case errors.Is(err, vecstore.ErrNoStoredIndex):
		case err != nil && ctx.Err() != nil:
			return nil, fmt.Errorf("rag: read index %s: %w", opts.IndexDir, err)
		case err != nil:
			e.log.Warn("stored index unreadable; it will be rebuilt", "dir", opts.IndexDir, "err", err)
		default:
			e.cur.Store(e.newSnapshot(m, vs))
		}
	}
	return e, nil
}

// snap takes the index snapshot a request works on from start to end.
func (e *Engine) snap() (*snapshot, error) {
	s := e.cur.Load()
	if s == nil {
		return nil, briefing.ErrNoIndex
	}
	if e.testHookSnapshot != nil {
		e.testHookSnapshot()
	}
	return s, nil
}

// checkQuestion validates untrusted question text.
func (e *Engine) checkQuestion(q string) (string, error) {
	return briefing.CheckQuestion(q, e.opts.MaxQuestionChars)
}
