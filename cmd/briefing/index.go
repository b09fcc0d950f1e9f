package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/cliout"
)

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
			run := cliout.IndexRun{Dir: dir, Documents: len(s.docs), Report: r, Forced: rebuild, Sources: s.fetched}
			if asJSON {
				return cliout.WriteJSON(a.stdout, cliout.Index(run))
			}
			return cliout.WriteIndex(a.stdout, run)
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
