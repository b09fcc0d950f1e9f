package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/briefing/briefing"
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
			cfg, err := a.loadConfig(cmd, nil)
			if err != nil {
				return err
			}
			var progress func(briefing.IndexProgress)
			if isTerminal(a.stderr) {
				p := &progressLine{w: a.stderr}
				progress = p.update
				defer p.clear()
			}
			s, err := a.open(cmd.Context(), cfg, openOptions{progress: progress, rebuild: rebuild})
			if err != nil {
				return err
			}
			dir, err := s.cfg.ResolveIndexDir()
			if err != nil {
				return err
			}
			r := s.report
			if asJSON {
				return writeJSON(a.stdout, indexJSON{
					IndexDir: dir, Documents: len(s.docs),
					Added: r.Added, Changed: r.Changed, Removed: r.Removed, Unchanged: r.Unchanged,
					Passages: r.Passages, Embedded: r.Embedded, Rebuilt: r.Rebuilt,
					DurationMS: ms(r.Duration.Seconds()),
				})
			}
			if dir == "" {
				dir = "memory (not persisted)"
			}
			rebuilt := ""
			if r.Rebuilt {
				rebuilt = " (settings changed: full rebuild)"
			}
			_, err = fmt.Fprintf(a.stdout,
				"Index %s%s\n  documents: %d (%d added, %d changed, %d removed, %d unchanged)\n  passages:  %d (%d embedded)\n  time:      %s\n",
				dir, rebuilt, len(s.docs), r.Added, r.Changed, r.Removed, r.Unchanged,
				r.Passages, r.Embedded, r.Duration.Round(time.Millisecond))
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.Flags().BoolVar(&rebuild, "rebuild", false, "re-embed every passage, even unchanged ones")
	return cmd
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
