package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/fetch"
	"github.com/briefing/briefing/internal/safetext"
	"github.com/spf13/cobra"
)

// indexJSON is the output of "index --json".
type indexJSON struct {
	IndexDir   string  `json:"index_dir"`
	Documents  int     `json:"documents"`
	Added      int     `json:"added"`
	Changed    int     `json:"changed"`
	Removed    int     `json:"removed"`
	Unchanged  int     `json:"unchanged"`
	Passages   int     `json:"passages"`
	Embedded   int     `json:"embedded"`
	Rebuilt    bool    `json:"rebuilt"`
	DurationMS float64 `json:"duration_ms"`
	// AddedIDs, ChangedIDs and RemovedIDs name the documents counted above.
	AddedIDs   []string `json:"added_ids"`
	ChangedIDs []string `json:"changed_ids"`
	RemovedIDs []string `json:"removed_ids"`
	// Sources reports each configured feed and URL (omitted when none).
	Sources []sourceReportJSON `json:"sources,omitempty"`
}

// sourceReportJSON is one feed or URL of "index --json".
type sourceReportJSON struct {
	URL         string   `json:"url"`
	Kind        string   `json:"kind"`
	Documents   int      `json:"documents"`
	New         []string `json:"new"`
	NotModified bool     `json:"not_modified"`
	// Error is why the source failed; with Stale its last good copy was
	// indexed instead.
	Error string `json:"error,omitempty"`
	Stale bool   `json:"stale,omitempty"`
}

func sourceReportsJSON(reps []fetch.SourceReport) []sourceReportJSON {
	var out []sourceReportJSON
	for _, r := range reps {
		j := sourceReportJSON{URL: r.URL, Kind: r.Kind, Documents: r.Documents, New: r.New, NotModified: r.NotModified, Stale: r.Stale}
		if j.New == nil {
			j.New = []string{}
		}
		if r.Err != nil {
			j.Error = r.Err.Error()
		}
		out = append(out, j)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// writeDocChanges lists the documents added (+), changed (~) and removed (-).
func writeDocChanges(w io.Writer, r briefing.IndexReport) error {
	for _, c := range []struct {
		mark string
		ids  []string
	}{{"+", r.AddedIDs}, {"~", r.ChangedIDs}, {"-", r.RemovedIDs}} {
		for _, id := range c.ids {
			if _, err := fmt.Fprintf(w, "    %s %s\n", c.mark, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeSourceReports prints one line per feed or URL.
func writeSourceReports(w io.Writer, reps []fetch.SourceReport) error {
	if len(reps) == 0 {
		return nil
	}
	if _, err := fmt.Fprintln(w, "  sources:"); err != nil {
		return err
	}
	for _, r := range reps {
		var line string
		switch {
		case r.Err != nil && r.Stale:
			line = fmt.Sprintf("FAILED, kept the last good copy (%d documents): %v", r.Documents, r.Err)
		case r.Err != nil && r.Documents > 0:
			line = fmt.Sprintf("%d documents, %d new; some failed: %v", r.Documents, len(r.New), r.Err)
		case r.Err != nil:
			line = fmt.Sprintf("FAILED: %v", r.Err)
		case r.NotModified:
			line = fmt.Sprintf("%d documents, not modified", r.Documents)
		default:
			line = fmt.Sprintf("%d documents, %d new", r.Documents, len(r.New))
		}
		// A fetch error may quote what a remote server sent.
		if _, err := fmt.Fprintf(w, "    %s %s: %s\n", r.Kind, safetext.Terminal(r.URL), safetext.Terminal(line)); err != nil {
			return err
		}
		for _, id := range r.New {
			if _, err := fmt.Fprintf(w, "      + %s\n", id); err != nil {
				return err
			}
		}
	}
	return nil
}

// newIndexCmd builds "briefing index".
func newIndexCmd(a *app) *cobra.Command {
	var asJSON, rebuild bool
	cmd := &cobra.Command{
		Use:   "index",
		Short: "Build or refresh the persistent index of the corpus",
		Long: `Bring the index up to date with the corpus. Only new or changed passages are
embedded; a change of embedder or chunking settings rebuilds everything. The
new index is built beside the old one and swapped in only when complete, so a
failure leaves the old index serving. Progress is shown when stderr is a
terminal.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			// The wall time of the whole command: reading the corpus and
			// loading the stored index can cost far more than the
			// incremental indexing itself, and the report must say so.
			start := time.Now()
			cfg, err := a.loadConfig(cmd, nil)
			if err != nil {
				return err
			}
			var progress func(briefing.IndexProgress)
			clearProgress := func() {}
			if a.isTerminal(a.stderr) {
				p := &progressLine{w: a.stderr}
				progress = p.update
				clearProgress = p.clear
			}
			s, err := a.open(cmd.Context(), cfg, openOptions{progress: progress, rebuild: rebuild, fetch: true})
			// On a terminal stdout and stderr share the screen: the
			// progress line goes before the report or the error does.
			clearProgress()
			if err != nil {
				return err
			}
			dir, err := s.cfg.ResolveIndexDir()
			if err != nil {
				return err
			}
			r := s.report
			r.Duration = time.Since(start)
			if asJSON {
				return writeJSON(a.stdout, indexJSON{
					IndexDir: dir, Documents: len(s.docs),
					Added: r.Added, Changed: r.Changed, Removed: r.Removed, Unchanged: r.Unchanged,
					Passages: r.Passages, Embedded: r.Embedded, Rebuilt: r.Rebuilt,
					DurationMS: ms(r.Duration.Seconds()),
					Sources:    sourceReportsJSON(s.fetched),
					AddedIDs:   nonNil(r.AddedIDs), ChangedIDs: nonNil(r.ChangedIDs), RemovedIDs: nonNil(r.RemovedIDs),
				})
			}
			if dir == "" {
				dir = "memory (not persisted)"
			}
			rebuilt := ""
			switch {
			case r.Rebuilt && rebuild:
				rebuilt = " (--rebuild: every passage re-embedded)"
			case r.Rebuilt:
				rebuilt = " (settings changed: full rebuild)"
			}
			_, err = fmt.Fprintf(a.stdout,
				"Index %s%s\n  documents: %d (%d added, %d changed, %d removed, %d unchanged)\n  passages:  %d (%d embedded)\n  time:      %s\n",
				dir, rebuilt, len(s.docs), r.Added, r.Changed, r.Removed, r.Unchanged,
				r.Passages, r.Embedded, r.Duration.Round(time.Millisecond))
			if err != nil {
				return err
			}
			if err := writeDocChanges(a.stdout, r); err != nil {
				return err
			}
			return writeSourceReports(a.stdout, s.fetched)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.Flags().BoolVar(&rebuild, "rebuild", false, "re-embed every passage, even unchanged ones")
	return cmd
}

// isTerminal reports whether w is a terminal, as a.terminal (tests) or
// isTerminal says.
func (a *app) isTerminal(w io.Writer) bool {
	if a.terminal != nil {
		return a.terminal(w)
	}
	return isTerminal(w)
}

// isTerminal reports whether w is a terminal (a character device), where a
// progress line that rewrites itself makes sense.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// progressLine rewrites one terminal line with the indexing progress.
type progressLine struct {
	w     io.Writer
	shown bool
}

func (p *progressLine) update(ip briefing.IndexProgress) {
	p.shown = true
	if ip.Total > 0 {
		fmt.Fprintf(p.w, "\r\033[Kindexing: %s %d/%d", ip.Stage, ip.Done, ip.Total)
		return
	}
	fmt.Fprintf(p.w, "\r\033[Kindexing: %s", ip.Stage)
}

func (p *progressLine) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
