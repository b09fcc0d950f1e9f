package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/safetext"
	"github.com/briefing/briefing/rag"
)

// Exit codes of run.
const (
	exitOK      = 0
	exitRuntime = 1 // the command failed
	exitUsage   = 2 // bad flags, arguments, configuration or question
)

// app holds what every command shares: the process's streams and
// environment, the global flags, and the engine constructor (replaced by
// tests).
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string

	// Global flags.
	configPath string
	corpusDir  string
	indexDir   string
	logLevel   string

	// newEngine opens the engine; tests substitute a fake.
	newEngine func(ctx context.Context, opts rag.Options) (engine, error)
	// now tells the time (what undated answers are as of); nil is
	// time.Now, tests fix it.
	now func() time.Time
	// terminal, when set (tests), replaces isTerminal.
	terminal func(w io.Writer) bool
	// closers release what the commands opened (the translator's
	// processes), in reverse order, when the command returns.
	closers []func() error
	// startQuestions and startGlosses, when set, start the question and
	// the quote translator's pipelines, which are otherwise started by the
	// first question that needs them (a fifth of a second, and the gloss
	// pipeline's memory): serve starts the first in the background, eval
	// what it measures before it times anything.
	startQuestions, startGlosses func(context.Context) error
}

// startTimeout bounds starting a translator ahead of its first question:
// a pipeline that hangs while loading is killed, and the first question
// that needs it starts it again.
const startTimeout = 30 * time.Second

func (a *app) clock() time.Time {
	if a.now == nil {
		return time.Now()
	}
	return a.now()
}

// engine is what the commands call on *rag.Engine.
type engine interface {
	Index(ctx context.Context, docs []corpus.Document, progress func(briefing.IndexProgress)) (briefing.IndexReport, error)
	Rebuild(ctx context.Context, docs []corpus.Document, progress func(briefing.IndexProgress)) (briefing.IndexReport, error)
	Search(ctx context.Context, query string, k int) ([]briefing.Hit, error)
	Find(ctx context.Context, req briefing.SearchRequest) ([]briefing.Hit, error)
	Explain(ctx context.Context, query string, k int) (rag.Explanation, error)
	Answer(ctx context.Context, req briefing.Request) (briefing.Answer, error)
	Summarize(ctx context.Context, req briefing.SummaryRequest) (briefing.Answer, error)
	Documents() []briefing.DocumentInfo
}

var _ engine = (*rag.Engine)(nil)

// run is the whole program: it parses args, runs the command and returns the
// process's exit code. Errors are printed to stderr, never panicked.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	a := &app{
		stdin:  stdin,
		stdout: stdout,
		stderr: stderr,
		getenv: getenv,
		newEngine: func(ctx context.Context, opts rag.Options) (engine, error) {
			return rag.New(ctx, opts)
		},
	}
	return a.run(ctx, args)
}

func (a *app) run(ctx context.Context, args []string) int {
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	err := root.ExecuteContext(ctx)
	for i := len(a.closers) - 1; i >= 0; i-- {
		if cerr := a.closers[i](); cerr != nil {
			fmt.Fprintf(a.stderr, "briefing: close: %v\n", cerr)
		}
	}
	if err == nil {
		return exitOK
	}
	// An error may quote a document, a file name or a server's reply.
	fmt.Fprintf(a.stderr, "briefing: %s\n", safetext.Terminal(err.Error()))
	return exitCode(err)
}

// newRootCmd builds the command tree around a.
func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "briefing",
		Short: "Answer questions about a corpus of news articles, with cited passages",
		Long: `briefing answers questions about a corpus of news articles with cited,
verbatim passages. It works offline by default (hashed embeddings, hybrid
retrieval, extractive answers); set llm.base_url to have an LLM write answers.

Configuration: defaults, then the YAML file (--config, $BRIEFING_CONFIG or
~/.config/briefing/config.yaml), then BRIEFING_* environment variables, then
flags. See config.example.yaml.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Without Args, cobra reports unknown commands itself, as a runtime
		// error; this makes them usage errors.
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			msg := fmt.Sprintf("unknown command %q", args[0])
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				msg += fmt.Sprintf(" (did you mean %q?)", s[0])
			}
			return usageErr(errors.New(msg + "; see briefing --help"))
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			cmd.SetOut(a.stderr)
			_ = cmd.Usage()
			return usageErr(errors.New("a command is required"))
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SuggestionsMinimumDistance = 2
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
	pf := root.PersistentFlags()
	pf.StringVar(&a.configPath, "config", "", "configuration file (default $BRIEFING_CONFIG, else ~/.config/briefing/config.yaml if present)")
	pf.StringVar(&a.corpusDir, "corpus", "", "corpus directory of .md/.txt articles (corpus.dir; default: the embedded corpus)")
	pf.StringVar(&a.indexDir, "index-dir", "", `index directory (index.dir; "memory" keeps it in memory)`)
	pf.StringVar(&a.logLevel, "log-level", "", "log level: debug, info, warn, error (log.level)")

	root.AddCommand(
		newAskCmd(a),
		newSearchCmd(a),
		newSummaryCmd(a),
		newIndexCmd(a),
		newSourcesCmd(a),
		newEvalCmd(a),
		newConfigCmd(a),
		newServeCmd(a),
		newTrainCmd(a),
	)
	return root
}

// usageError marks an error as the user's (exit code 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErr(err error) error { return usageError{err} }

// exitCode maps an error to the process exit code.
func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue),
		errors.Is(err, briefing.ErrEmptyQuestion),
		errors.Is(err, briefing.ErrQuestionTooLong),
		errors.Is(err, briefing.ErrInvalidText),
		errors.Is(err, briefing.ErrUnknownDocument),
		errors.Is(err, briefing.ErrNoMatch):
		return exitUsage
	default:
		return exitRuntime
	}
}

// configError prints every configuration problem on its own line.
type configError struct{ err error }

func (e configError) Error() string {
	return "invalid configuration:\n  " + strings.ReplaceAll(e.err.Error(), "\n", "\n  ")
}

func (e configError) Unwrap() error { return e.err }

// loadConfig loads the configuration for cmd: file, environment, then the
// global flags the user set.
func (a *app) loadConfig(cmd *cobra.Command, override func(*Config)) (Config, error) {
	path, explicit := a.configPath, cmd.Flags().Changed("config")
	if !explicit {
		if p := a.getenv(configEnv); p != "" {
			path, explicit = p, true
		} else {
			path = a.defaultConfigPath()
		}
	}
	cfg, err := LoadConfig(path, explicit, a.getenv, func(c *Config) {
		flags := cmd.Flags()
		if flags.Changed("corpus") {
			c.Corpus.Dir = a.corpusDir
		}
		if flags.Changed("index-dir") {
			c.Index.Dir = a.indexDir
		}
		if flags.Changed("log-level") {
			c.Log.Level = a.logLevel
		}
		if override != nil {
			override(c)
		}
	})
	if err != nil {
		return cfg, usageErr(configError{err})
	}
	return cfg, nil
}

// defaultConfigPath is $XDG_CONFIG_HOME/briefing/config.yaml, or
// ~/.config/briefing/config.yaml; "" when neither can be found. It reads
// a.getenv rather than os.UserConfigDir so tests stay hermetic.
func (a *app) defaultConfigPath() string {
	dir := a.getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := a.getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "briefing", defaultConfigFile)
}

// logLevels maps log.level values to slog levels.
var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug,
	"info":  slog.LevelInfo,
	"warn":  slog.LevelWarn,
	"error": slog.LevelError,
}

// newLogger returns a logger on w at log.level, in log.format or, when that
// is empty, in defaultFormat ("text" for the CLI commands, "json" for serve).
func newLogger(cfg Config, w io.Writer, defaultFormat string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: logLevels[cfg.Log.Level]}
	format := cfg.Log.Format
	if format == "" {
		format = defaultFormat
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
