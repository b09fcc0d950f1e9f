package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/briefing/briefing/internal/safetext"

	"github.com/spf13/cobra"
)

// sourceJSON is one document of "sources --json".
type sourceJSON struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Lang     string `json:"lang"`
	Date     string `json:"date"`
	Author   string `json:"author"`
	Source   string `json:"source"`
	URL      string `json:"url"`
	Format   string `json:"format"`
	Path     string `json:"path"`
	Passages int    `json:"passages"`
}

// newSourcesCmd builds "briefing sources".
func newSourcesCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sources",
		Short: "List the documents with their metadata (outlet, author, date, URL) and passage counts",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.loadConfig(cmd, nil)
			if err != nil {
				return err
			}
			s, err := a.open(cmd.Context(), cfg, openOptions{})
			if err != nil {
				return err
			}
			docs := s.eng.Documents()
			if asJSON {
				out := []sourceJSON{}
				for _, d := range docs {
					out = append(out, sourceJSON{d.ID, d.Title, d.Lang, d.Date, d.Author, d.Source, d.URL, d.Format, d.Path, d.Passages})
				}
				return writeJSON(a.stdout, out)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tLANG\tDATE\tSOURCE\tAUTHOR\tPASSAGES\tTITLE\tURL")
			dash := func(s string) string {
				if s == "" {
					return "-"
				}
				return s
			}
			for _, d := range docs {
				// Everything but the count comes from the documents: shown
				// escaped, on one line, so neither a control sequence nor a
				// tab reaches the terminal or the table.
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", cell(d.ID), cell(d.Lang), cell(dash(d.Date)), cell(dash(d.Source)), cell(dash(d.Author)), d.Passages, cell(d.Title), cell(dash(d.URL)))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the documents as JSON")
	return cmd
}

// cell is untrusted text made safe for one tabwriter cell.
func cell(s string) string {
	return strings.ReplaceAll(safetext.Terminal(oneLine(s)), "\t", " ")
}

// usageArgs makes a cobra argument validator's errors usage errors.
func usageArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return usageErr(err)
		}
		return nil
	}
}
