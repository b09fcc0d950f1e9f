package main

import (
	"context"
	"fmt"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/bot"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/corpusdir"
	"github.com/briefing/briefing/internal/fetch"
)

// The session is the live corpus /corpus add and remove change, and the
// directory admin is what the bot's /corpus calls.
var (
	_ corpusdir.Corpus = (*session)(nil)
	_ bot.CorpusAdmin  = (*corpusdir.Admin)(nil)
)

// newCorpusAdmin is /corpus over corpus.dir, fetching pages with the
// configured limits.
func newCorpusAdmin(s *session) *corpusdir.Admin {
	return corpusdir.New(s.cfg.Corpus.Dir, s, fetch.New(fetch.Options{
		Timeout:  s.cfg.Corpus.FetchTimeout,
		MaxBytes: int64(s.cfg.Corpus.FetchMaxMB) << 20,
		Logger:   s.logger,
	}))
}

// reload re-reads the corpus (directory, feeds and URLs) and re-indexes it
// incrementally, reporting what changed. On error the engine keeps its
// previous index.
func (s *session) reload(ctx context.Context) (briefing.CorpusChange, error) {
	if err := s.Lock(ctx); err != nil {
		return briefing.CorpusChange{}, err
	}
	defer s.Unlock()
	return s.ReloadLocked(ctx)
}

// Lock takes the session's one slot, or returns ctx's error when ctx is done
// first: the holder may be fetching feeds or embedding, and a waiting caller
// must not outlive its deadline behind it.
func (s *session) Lock(ctx context.Context) error {
	select {
	case s.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for the reload in progress: %w", ctx.Err())
	}
}

// Unlock gives the slot back.
func (s *session) Unlock() { <-s.sem }

// Documents are the indexed documents; read while locked.
func (s *session) Documents() []corpus.Document { return s.docs }

// ReloadLocked is reload for a caller that holds the slot.
func (s *session) ReloadLocked(ctx context.Context) (briefing.CorpusChange, error) {
	docs, fetched, err := loadCorpus(ctx, s.cfg, s.logger, s.fetcher)
	if err != nil {
		return briefing.CorpusChange{}, err
	}
	rep, err := s.eng.Index(ctx, docs, nil)
	if err != nil {
		return briefing.CorpusChange{}, fmt.Errorf("index corpus: %w", err)
	}
	s.docs, s.fetched, s.report = docs, fetched, rep
	c := briefing.CorpusChange{Index: rep}
	for _, f := range fetched {
		sc := briefing.SourceChange{URL: f.URL, New: f.New, Stale: f.Stale}
		if f.Err != nil {
			sc.Err = f.Err.Error()
		}
		c.Sources = append(c.Sources, sc)
	}
	return c, nil
}
