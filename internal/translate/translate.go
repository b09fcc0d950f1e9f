package translate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

// Errors callers can test with errors.Is.
var (
	// ErrUnavailable means Apertium or one of its language pairs is not
	// installed. Callers log it once and go on without machine translation.
	ErrUnavailable = errors.New("apertium unavailable")
	// ErrTooLong means a text is longer than Options.MaxInputBytes.
	ErrTooLong = errors.New("text too long to translate")
	// ErrClosed means the Translator has been closed.
	ErrClosed = errors.New("translator closed")
)

// Defaults of Options.
const (
	DefaultDataDir       = "/usr/share/apertium"
	DefaultMaxInputBytes = 4096
)

// DefaultPairs chain English→Spanish→Italian: Debian has no English–Italian
// pair.
var DefaultPairs = []string{"eng-spa", "spa-ita"}

// GlossPairs chain Italian→Spanish→English, the other way (ita-spa needs
// VISL CG-3's cg-proc, Debian's cg3).
var GlossPairs = []string{"ita-spa", "spa-eng"}

// GlossOptions are the Options of the Italian→English chain that glosses
// quotes: GlossPairs, places (Italian: English names) carried through as
// names, and EnglishEdits. DataDir, Processes and Logger are left to
// the caller.
func GlossOptions(places map[string]string) Options {
	return Options{Pairs: GlossPairs, Names: places, Edit: EnglishEdits(places)}
}

// minChunk is the fewest texts of a batch worth a pipeline of their own.
const minChunk = 32

// Options configure NewApertium. Zero values mean the defaults noted.
type Options struct {
	// DataDir holds modes/<pair>.mode (default DefaultDataDir). The
	// package reads no environment: cmd/briefing sets it from
	// $APERTIUM_DATADIR.
	DataDir string
	// Pairs are the Apertium modes run one after the other (default
	// DefaultPairs).
	Pairs []string
	// Processes is how many pipelines may translate at once (default 1).
	// Each is a chain of 21 programs holding their dictionaries, about
	// 170 MB together (proportional set size); a batch is split among
	// them. With two cores a second pipeline adds little to a batch, which
	// already keeps every program of one chain busy.
	Processes int
	// MaxInputBytes bounds one text (default DefaultMaxInputBytes); a longer
	// one fails with ErrTooLong before anything is sent.
	MaxInputBytes int
	// Logger receives pipeline starts and kills at Debug (default: discard).
	Logger *slog.Logger
	// Names, when set, are names of the source language with their
	// target forms ("Mosca": "Moscow"), carried through the translation
	// as written there; capitalised hyphenated words ("Jong-Un") and
	// capitalised words in a row holding an article ("Kim Jong Un") are
	// then kept as written too. Apertium reads some names as common words.
	Names map[string]string
	// Edit, when set, rewrites each translation last (EnglishEdits for
	// the gloss chain).
	Edit func(string) string
}

// Translator translates along its Pairs (English to Italian by default)
// with long-lived Apertium pipelines, started on first use and restarted
// after a failure or a cancellation. It is safe for concurrent use: each
// pipeline serves one call at a time and the others wait for it (or for
// their context).
type Translator struct {
	stages   [][]string // argument vectors with resolved program paths
	maxInput int
	logger   *slog.Logger
	names    *names              // nil: none
	edit     func(string) string // nil: none
	slots    chan *slot          // the idle pipelines (a slot holds nil until first use)
	starting chan struct{}       // held by Start, which takes every slot at once

	mu     sync.Mutex
	closed bool
	live   map[*pipeline]bool
}

// slot is one place in the pool; only the goroutine that took it from
// Translator.slots touches it.
type slot struct{ p *pipeline }

// NewApertium returns a Translator running the pipeline of opts.Pairs. It
// reads the mode files and finds their programs and data files, but starts
// nothing; see Start. If any is missing the error wraps ErrUnavailable.
func NewApertium(opts Options) (*Translator, error) {
	dir := opts.DataDir
	if dir == "" {
		dir = DefaultDataDir
	}
	pairs := opts.Pairs
	if len(pairs) == 0 {
		pairs = DefaultPairs
	}
	var stages [][]string
	for _, pair := range pairs {
		s, err := loadMode(filepath.Join(dir, "modes", pair+".mode"))
		if err != nil {
			return nil, fmt.Errorf("translate: pair %s: %w", pair, err)
		}
		stages = append(stages, s...)
	}
	return newTranslator(stages, opts), nil
}

// loadMode reads and parses one .mode file and checks that its programs are
// on PATH and its data files exist.
func loadMode(path string) ([][]string, error) {
	text, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no mode file %s: %w", path, ErrUnavailable)
	}
	if err != nil {
		return nil, fmt.Errorf("read mode file: %w", err)
	}
	stages, err := parseMode(string(text))
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	for i, argv := range stages {
		bin, err := exec.LookPath(argv[0])
		if err != nil {
			return nil, fmt.Errorf("program %s: %v: %w", argv[0], err, ErrUnavailable)
		}
		if argv[0] == "lt-proc" {
			// lt-proc (lttoolbox 3.7) flushes at NUL when analysing and
			// post-generating, but its bilingual and generation modes leave
			// the record in stdio's buffer until more input fills it, which
			// hangs a long-lived pipeline. Unbuffered output costs a little
			// and works for every mode.
			stdbuf, err := exec.LookPath("stdbuf")
			if err != nil {
				return nil, fmt.Errorf("program stdbuf, needed by lt-proc: %v: %w", err, ErrUnavailable)
			}
			argv = append([]string{stdbuf, "-o0", bin}, argv[1:]...)
			stages[i] = argv
		} else {
			argv[0] = bin
		}
		for _, a := range argv[1:] {
			if !filepath.IsAbs(a) {
				continue
			}
			if _, err := os.Stat(a); err != nil {
				return nil, fmt.Errorf("data file: %v: %w", err, ErrUnavailable)
			}
		}
	}
	return stages, nil
}

// newTranslator returns a Translator running stages, whose programs are
// already resolved; tests use it to run stand-ins for Apertium.
func newTranslator(stages [][]string, opts Options) *Translator {
	n := max(opts.Processes, 1)
	t := &Translator{
		stages:   stages,
		maxInput: opts.MaxInputBytes,
		logger:   opts.Logger,
		edit:     opts.Edit,
		slots:    make(chan *slot, n),
		starting: make(chan struct{}, 1),
		live:     map[*pipeline]bool{},
	}
	if opts.Names != nil {
		t.names = newNames(opts.Names)
	}
	if t.maxInput <= 0 {
		t.maxInput = DefaultMaxInputBytes
	}
	if t.logger == nil {
		t.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	for range n {
		t.slots <- &slot{}
	}
	return t
}

// Start starts every pipeline that is not running and waits until each has
// loaded its dictionaries and answered, so the first question is not slow.
// Calling it is optional.
func (t *Translator) Start(ctx context.Context) error {
	// Two Starts each holding some of the slots would wait for each other.
	select {
	case t.starting <- struct{}{}:
		defer func() { <-t.starting }()
	case <-ctx.Done():
		return fmt.Errorf("translate: start: %w", ctx.Err())
	}
	n := cap(t.slots)
	taken := make([]*slot, 0, n)
	defer func() {
		for _, s := range taken {
			t.slots <- s
		}
	}()
	for range n {
		s, err := t.acquire(ctx)
		if err != nil {
			return fmt.Errorf("translate: start: %w", err)
		}
		taken = append(taken, s)
	}
	// Probe the pipelines in turn: on a busy machine loading them all at
	// once is no faster.
	for _, s := range taken {
		if err := t.run(ctx, s, []string{""}, make([]string, 1)); err != nil {
			return fmt.Errorf("translate: start: %w", err)
		}
	}
	return nil
}

// Translate returns the translation of text, a question or a few
// sentences; the sentence marks ending text end the translation. Words
// Apertium does not know come through unchanged, without its marks. If ctx
// ends first Translate returns its error at once and the pipeline that was
// working on text is killed, to be restarted on next use.
func (t *Translator) Translate(ctx context.Context, text string) (string, error) {
	out := make([]string, 1)
	if err := t.translate(ctx, []string{text}, out); err != nil {
		return "", err
	}
	return out[0], nil
}

// TranslateBatch translates each text as Translate does, in one stream per
// pipeline rather than one round trip per text, and returns the
// translations in the order of texts. It fails as a whole: on error no
// translations are returned. Context ends are handled as in Translate.
func (t *Translator) TranslateBatch(ctx context.Context, texts []string) ([]string, error) {
	out := make([]string, len(texts))
	if err := t.translate(ctx, texts, out); err != nil {
		return nil, err
	}
	return out, nil
}

// translate writes the translations of texts into out, carrying names
// through as their target forms when the Translator has them, edited by
// its Edit.
func (t *Translator) translate(ctx context.Context, texts, out []string) error {
	if err := t.translateNames(ctx, texts, out); err != nil {
		return err
	}
	if t.edit != nil {
		for i := range out {
			out[i] = t.edit(out[i])
		}
	}
	return nil
}

// translateNames is translate without the Edit.
func (t *Translator) translateNames(ctx context.Context, texts, out []string) error {
	for i, text := range texts {
		if len(text) > t.maxInput {
			return fmt.Errorf("translate: text %d has %d bytes, limit %d: %w", i, len(text), t.maxInput, ErrTooLong)
		}
	}
	if t.names == nil {
		return t.translateAll(ctx, texts, out)
	}
	prot := make([]string, len(texts))
	forms := make([][]string, len(texts))
	for i, text := range texts {
		prot[i], forms[i] = t.names.protect(text)
	}
	if err := t.translateAll(ctx, prot, out); err != nil {
		return err
	}
	// A placeholder Apertium lost or doubled: that text again, as it is.
	var again []int
	for i := range out {
		if len(forms[i]) == 0 {
			continue
		}
		r, ok := restore(out[i], forms[i])
		if !ok {
			again = append(again, i)
			continue
		}
		out[i] = r
	}
	if len(again) == 0 {
		return nil
	}
	redo := make([]string, len(again))
	for j, i := range again {
		redo[j] = texts[i]
	}
	res := make([]string, len(again))
	if err := t.translateAll(ctx, redo, res); err != nil {
		return err
	}
	for j, i := range again {
		out[i] = res[j]
	}
	return nil
}

// translateAll writes the translations of texts into out, splitting them
// among up to Processes pipelines.
func (t *Translator) translateAll(ctx context.Context, texts, out []string) error {
	if len(texts) == 0 {
		return nil
	}
	chunks := min(cap(t.slots), (len(texts)+minChunk-1)/minChunk)
	if chunks <= 1 {
		return t.runChunk(ctx, texts, out)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, chunks)
	var wg sync.WaitGroup
	size := (len(texts) + chunks - 1) / chunks
	for c := range chunks {
		lo, hi := c*size, min((c+1)*size, len(texts))
		wg.Go(func() {
			if errs[c] = t.runChunk(ctx, texts[lo:hi], out[lo:hi]); errs[c] != nil {
				cancel() // the batch has failed: stop the other chunks
			}
		})
	}
	wg.Wait()
	// Report the first failure, not the cancellations it caused.
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	for _, err := range errs {
		if err != nil {
			return err // the caller's own cancellation
		}
	}
	return nil
}

// runChunk translates texts on one pipeline from the pool.
func (t *Translator) runChunk(ctx context.Context, texts, out []string) error {
	s, err := t.acquire(ctx)
	if err != nil {
		return fmt.Errorf("translate: %w", err)
	}
	defer func() { t.slots <- s }()
	if err := t.run(ctx, s, texts, out); err != nil {
		return fmt.Errorf("translate: %w", err)
	}
	return nil
}

// acquire takes an idle slot from the pool, waiting for one if need be.
func (t *Translator) acquire(ctx context.Context) (*slot, error) {
	if t.isClosed() {
		return nil, ErrClosed
	}
	select {
	case s := <-t.slots:
		return s, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (t *Translator) isClosed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.closed
}

// run translates texts into out on the pipeline of s, starting it if
// needed. Writing happens in a goroutine, so a long batch streams through
// every program of the chain at once instead of waiting for each answer.
// On any failure, or when ctx ends, the pipeline is killed.
func (t *Translator) run(ctx context.Context, s *slot, texts, out []string) error {
	p, err := t.pipelineOf(s)
	if err != nil {
		return err
	}
	first := p.seq + 1
	p.seq += uint64(len(texts))
	written := make(chan error, 1)
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		for i, text := range texts {
			if _, err := p.in.Write(encode(first+uint64(i), text)); err != nil {
				written <- fmt.Errorf("write to apertium: %w", err)
				return
			}
		}
		written <- nil
	}()
	pending := written // nil once the writer's result is in
	fail := func(reason string, err error) error {
		t.discard(s, reason)
		<-writerDone // the writer ends: kill closed its pipe
		if t.isClosed() {
			return ErrClosed // whatever broke first, Close did it
		}
		return err
	}
	// A write fails when a program has exited (a broken pipe): what it
	// printed says why, and all of it is in once the pipeline is killed.
	writeFailed := func(err error) error {
		t.discard(s, "write failed")
		return fail("write failed", fmt.Errorf("%w (%s)", err, p.stderrText()))
	}
	for i := 0; i < len(texts); {
		select {
		case rec, ok := <-p.records:
			if !ok {
				t.discard(s, "ended") // first, so that all of stderr is in
				return fail("ended", fmt.Errorf("apertium pipeline ended: %s", p.stderrText()))
			}
			seq, text, tagged := decode(rec)
			if want := first + uint64(i); !tagged || seq != want {
				return fail("out of step", fmt.Errorf("apertium answered record %d (tagged %v) for record %d", seq, tagged, want))
			}
			out[i] = keepFinalMarks(texts[i], text)
			i++
		case err := <-pending:
			pending = nil
			if err != nil {
				return writeFailed(err)
			}
		case <-ctx.Done():
			return fail("context ended", ctx.Err())
		}
	}
	if pending != nil {
		// Every answer arrived, so every record was written.
		if err := <-pending; err != nil {
			return writeFailed(err)
		}
	}
	return nil
}

// pipelineOf returns the running pipeline of s, starting one if s has none.
func (t *Translator) pipelineOf(s *slot) (*pipeline, error) {
	if s.p != nil {
		return s.p, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, ErrClosed
	}
	p, err := startPipeline(t.stages)
	if err != nil {
		return nil, fmt.Errorf("start apertium: %w", err)
	}
	t.live[p] = true
	s.p = p
	t.logger.Debug("apertium pipeline started", "programs", len(p.cmds))
	return p, nil
}

// discard kills the pipeline of s, if any; the next call on s starts a new
// one.
func (t *Translator) discard(s *slot, reason string) {
	p := s.p
	if p == nil {
		return
	}
	s.p = nil
	p.kill()
	t.mu.Lock()
	delete(t.live, p)
	t.mu.Unlock()
	t.logger.Debug("apertium pipeline killed", "reason", reason)
}

// Close kills every pipeline, including those translating: their calls fail.
// Later calls return ErrClosed. Close always returns nil.
func (t *Translator) Close() error {
	t.mu.Lock()
	t.closed = true
	live := t.live
	t.live = map[*pipeline]bool{}
	t.mu.Unlock()
	for p := range live {
		p.kill()
	}
	return nil
}
