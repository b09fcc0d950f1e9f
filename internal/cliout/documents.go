package cliout

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/safetext"
)

// DocumentJSON is one document of "sources --json".
type DocumentJSON struct {
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

// Documents is the JSON shape of the document list, [] for none.
func Documents(docs []briefing.DocumentInfo) []DocumentJSON {
	out := []DocumentJSON{}
	for _, d := range docs {
		out = append(out, DocumentJSON{d.ID, d.Title, d.Lang, d.Date, d.Author, d.Source, d.URL, d.Format, d.Path, d.Passages})
	}
	return out
}

// WriteDocuments prints the documents as a table, one per line.
func WriteDocuments(w io.Writer, docs []briefing.DocumentInfo) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLANG\tDATE\tSOURCE\tAUTHOR\tPASSAGES\tTITLE\tURL")
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	for _, d := range docs {
		// Everything but the count comes from the documents: shown
		// escaped, on one line, so neither a control sequence nor a tab
		// reaches the terminal or the table.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", cell(d.ID), cell(d.Lang), cell(dash(d.Date)), cell(dash(d.Source)), cell(dash(d.Author)), d.Passages, cell(d.Title), cell(dash(d.URL)))
	}
	return tw.Flush()
}

// cell is untrusted text made safe for one tabwriter cell.
func cell(s string) string {
	return strings.ReplaceAll(safetext.Terminal(oneLine(s)), "\t", " ")
}
