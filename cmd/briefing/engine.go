package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/internal/fetch"
	"github.com/briefing/briefing/internal/placenames"
	"github.com/briefing/briefing/internal/relevance"
	"github.com/briefing/briefing/internal/translate"
	"github.com/briefing/briefing/llm"
	"github.com/briefing/briefing/rag"
)

// session is what a command works with once the configuration is loaded,
// the corpus read and the index brought up to date.
type session struct {
	// sem is a one-slot semaphore (see lock) that serialises reloads and
	// corpus changes, and guards docs, fetched and report once serving.
	sem    chan struct{}
	cfg    Config
	logger *slog.Logger
	docs   []corpus.Document
	eng    engine
	report briefing.IndexReport
	// fetched reports on each configured feed and URL.
	fetched []fetch.SourceReport
	// indexed is when the index was brought up to date.
	indexed time.Time
	// fetcher is kept for reloads, so an in-memory cache lasts the process.
	fetcher *fetch.Fetcher
}

// openOptions tune app.open for one command. Zero values are the defaults.
type openOptions struct {
	// progress receives indexing progress.
	progress func(briefing.IndexProgress)
	// noLLM answers extractively even when an LLM is configured.
	noLLM bool
	// logFormat is the default log format ("text" when empty).
	logFormat string
	// rebuild re-embeds every passage instead of indexing incrementally.
	rebuild bool
	// fetch requests the configured feeds and URLs; without it their cached
	// copies are used (no network), so reading commands stay offline.
	fetch bool
}

// open loads the corpus and the engine configured by cfg, and indexes the
// corpus incrementally: unchanged passages reuse their stored vectors, so
// this is cheap when nothing changed.
func (a *app) open(ctx context.Context, cfg Config, o openOptions) (*session, error) {
	format := o.logFormat
	if format == "" {
		format = "text"
	}
	logger := newLogger(cfg, a.stderr, format)
	fetcher, err := newFetcher(cfg, logger, o.fetch)
	if err != nil {
		return nil, err
	}
	docs, fetched, err := loadCorpus(ctx, cfg, logger, fetcher)
	if err != nil {
		return nil, err
	}
	opts, err := a.engineOptions(cfg, logger)
	if err != nil {
		return nil, err
	}
	if o.noLLM {
		opts.Generator = nil
	}
	eng, err := a.newEngine(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	index := eng.Index
	if o.rebuild {
		index = eng.Rebuild
	}
	report, err := index(ctx, docs, o.progress)
	if err != nil {
		return nil, fmt.Errorf("index corpus: %w", err)
	}
	logger.Debug("index ready", "documents", len(docs), "passages", report.Passages,
		"embedded", report.Embedded, "duration", report.Duration)
	return &session{sem: make(chan struct{}, 1), cfg: cfg, logger: logger, docs: docs, eng: eng, report: report, fetched: fetched, fetcher: fetcher, indexed: a.clock()}, nil
}

// newFetcher builds the fetcher of the configured feeds and URLs. Its cache
// lives beside the index (index_dir/fetch), or in memory with an in-memory
// index, which then always fetches: there is no earlier copy to fall back on.
func newFetcher(cfg Config, logger *slog.Logger, online bool) (*fetch.Fetcher, error) {
	indexDir, err := cfg.ResolveIndexDir()
	if err != nil {
		return nil, err
	}
	cacheDir := ""
	if indexDir != "" {
		cacheDir = filepath.Join(indexDir, "fetch")
	}
	return fetch.New(fetch.Options{
		CacheDir: cacheDir,
		Timeout:  cfg.Corpus.FetchTimeout,
		MaxBytes: int64(cfg.Corpus.FetchMaxMB) << 20,
		MaxItems: cfg.Corpus.FeedMaxItems,
		Offline:  !online && cacheDir != "",
		Logger:   logger,
	}), nil
}

// loadCorpus reads the configured corpus directory (or the embedded corpus
// when neither a directory nor feeds or URLs are configured) and the
// configured feeds and URLs. Files that are not documents are logged, never
// skipped silently; a feed or URL that fails is reported and logged, and the
// others are indexed.
func loadCorpus(ctx context.Context, cfg Config, logger *slog.Logger, fetcher *fetch.Fetcher) ([]corpus.Document, []fetch.SourceReport, error) {
	var (
		docs   []corpus.Document
		report corpus.LoadReport
		err    error
		lo     = corpus.LoadOptions{MaxDocumentBytes: int64(cfg.Corpus.MaxDocumentBytes)}
	)
	remote := len(cfg.Corpus.Feeds)+len(cfg.Corpus.URLs) > 0
	switch {
	case cfg.Corpus.Dir != "":
		// PDFs are extracted once per version, not on every command.
		opts := lo
		if indexDir, derr := cfg.ResolveIndexDir(); derr == nil && indexDir != "" {
			opts.PDFCacheDir = filepath.Join(indexDir, "pdf")
		}
		docs, report, err = corpus.LoadDirWith(ctx, cfg.Corpus.Dir, opts)
		if err != nil && !(remote && errors.Is(err, corpus.ErrNoDocuments)) {
			return nil, nil, fmt.Errorf("load corpus %s: %w", cfg.Corpus.Dir, err)
		}
	case !remote:
		docs, report, err = corpus.LoadWith(ctx, corpus.Default(), lo)
		if err != nil {
			return nil, nil, fmt.Errorf("load embedded corpus: %w", err)
		}
	}
	if len(report.Skipped) > 0 {
		logger.Info("corpus: skipped files that are not documents", "files", report.Skipped)
	}
	if len(report.CacheFailures) > 0 {
		logger.Warn("corpus: PDF texts not cached; they will be extracted again", "err", errors.Join(report.CacheFailures...))
	}
	if !remote {
		return docs, nil, nil
	}
	res, err := fetcher.Fetch(ctx, cfg.Corpus.Feeds, cfg.Corpus.URLs)
	if err != nil {
		return nil, nil, fmt.Errorf("fetch feeds and urls: %w", err)
	}
	have := make(map[string]bool, len(docs))
	for _, d := range docs {
		have[d.ID] = true
	}
	for _, d := range res.Documents {
		if have[d.ID] {
			// A file in the corpus directory is the operator's deliberate
			// copy; it wins over the fetched one.
			logger.Warn("corpus: fetched document has the id of a file; the file wins", "id", d.ID, "url", d.URL)
			continue
		}
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		return nil, res.Sources, fmt.Errorf("load corpus: %w (and no feed or URL gave one)", corpus.ErrNoDocuments)
	}
	return docs, res.Sources, nil
}

// apertium opens an Apertium translator with opts, its data from
// $APERTIUM_DATADIR, closed when the command returns; when Apertium is
// missing it logs off with the cause and returns nil.
func (a *app) apertium(opts translate.Options, logger *slog.Logger, off string) *translate.Translator {
	opts.DataDir, opts.Logger = a.getenv("APERTIUM_DATADIR"), logger
	tr, err := translate.NewApertium(opts)
	if err != nil {
		logger.Warn(off, "err", err)
		return nil
	}
	a.closers = append(a.closers, tr.Close)
	return tr
}

// engineOptions copies the configuration into rag.Options, building the LLM
// client and the embedding provider when configured. Secrets are read here,
// from the environment variables the configuration names, and go no further
// than the clients.
func (a *app) engineOptions(cfg Config, logger *slog.Logger) (rag.Options, error) {
	indexDir, err := cfg.ResolveIndexDir()
	if err != nil {
		return rag.Options{}, err
	}
	opts := rag.Options{
		IndexDir: indexDir,
		Chunk: corpus.ChunkOptions{
			MaxChars: cfg.Index.ChunkChars,
			Overlap:  cfg.Index.ChunkOverlap,
		},
		TopK:             cfg.Retrieval.TopK,
		MinScore:         cfg.Retrieval.MinScore,
		MaxQuestionChars: cfg.Retrieval.MaxQuestionChars,
		AnswerThreshold:  cfg.Retrieval.AnswerThreshold,
		Logger:           logger,
	}
	// The glossary is the built-in one extended by the configured files.
	glossary, err := analysis.LoadGlossary(cfg.Retrieval.GlossaryFiles...)
	if err != nil {
		return rag.Options{}, fmt.Errorf("retrieval.glossary_files: %w", err)
	}
	opts.Glossary = glossary
	if opts.Model, err = answerModel(cfg); err != nil {
		return rag.Options{}, err
	}
	if cfg.Embedder.Provider == "hashed" {
		opts.HashedDimensions = cfg.Embedder.Dimensions
	}
	if cfg.Retrieval.Translator == "apertium" {
		// Optional: without it English questions reach Italian text
		// through the glossary alone.
		if tr := a.apertium(translate.Options{}, logger, "question translation off"); tr != nil {
			a.startQuestions = tr.Start
			opts.Translator, opts.TranslateFrom, opts.TranslateTo = tr, "en", "it"
		}
	}
	if cfg.Retrieval.QuoteTranslator == "apertium" {
		places, err := placenames.ItalianToEnglish()
		if err != nil {
			return rag.Options{}, fmt.Errorf("retrieval.quote_translator: %w", err)
		}
		// Optional: without it English readers get the Italian quotes alone.
		if tr := a.apertium(translate.GlossOptions(places), logger, "quote translation off"); tr != nil {
			a.startGlosses = tr.Start
			opts.Glosser, opts.GlossFrom, opts.GlossTo = tr, "it", "en"
		}
	}
	opts.SummaryTokenBudget = cfg.LLM.SummaryTokenBudget
	opts.RewriteQueries = cfg.LLM.RewriteQueries

	if cfg.LLM.BaseURL != "" {
		client, err := llm.New(a.llmConfig(cfg, cfg.LLM.BaseURL, cfg.LLM.APIKeyEnv, logger))
		if err != nil {
			return rag.Options{}, usageErr(fmt.Errorf("llm: %w", err))
		}
		opts.Generator = client
	}
	if cfg.Embedder.Provider == "openai" {
		base, keyEnv := cfg.Embedder.BaseURL, cfg.Embedder.APIKeyEnv
		if base == "" {
			base = cfg.LLM.BaseURL
		}
		if keyEnv == "" {
			keyEnv = cfg.LLM.APIKeyEnv
		}
		lc := a.llmConfig(cfg, base, keyEnv, logger)
		lc.EmbeddingModel = cfg.Embedder.Model
		lc.BatchSize = cfg.Embedder.BatchSize
		client, err := llm.New(lc)
		if err != nil {
			return rag.Options{}, usageErr(fmt.Errorf("embedder: %w", err))
		}
		opts.Embedder = llm.NewEmbedder(client)
	}
	return opts, nil
}

// answerModel reads the configured answer model file, or returns the
// committed model when none is configured.
func answerModel(cfg Config) (*relevance.Model, error) {
	path := cfg.Retrieval.AnswerModel
	if path == "" {
		m, err := relevance.Default()
		if err != nil {
			return nil, fmt.Errorf("answer model: %w", err)
		}
		return m, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("retrieval.answer_model: %w", err)
	}
	m, err := relevance.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("retrieval.answer_model %s: %w", path, err)
	}
	return m, nil
}

// llmConfig builds an llm.Config for the server at baseURL whose key is in
// the environment variable keyEnv (none when empty).
func (a *app) llmConfig(cfg Config, baseURL, keyEnv string, logger *slog.Logger) llm.Config {
	retries := cfg.LLM.MaxRetries
	if retries == 0 {
		retries = -1 // llm reads 0 as "default"; ours means none
	}
	var key string
	if keyEnv != "" {
		key = a.getenv(keyEnv)
	}
	return llm.Config{
		BaseURL:     baseURL,
		Model:       cfg.LLM.Model,
		APIKey:      key,
		Temperature: float32(cfg.LLM.Temperature),
		MaxTokens:   cfg.LLM.MaxTokens,
		Timeout:     cfg.LLM.Timeout,
		MaxRetries:  retries,
		Logger:      logger,
	}
}
