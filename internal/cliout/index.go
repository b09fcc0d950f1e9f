package cliout

import (
	"fmt"
	"io"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/fetch"
	"github.com/briefing/briefing/internal/safetext"
)

// IndexJSON is the output of "index --json".
type IndexJSON struct {
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
	Sources []SourceReportJSON `json:"sources,omitempty"`
}

// SourceReportJSON is one feed or URL of "index --json".
type SourceReportJSON struct {
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

// sourceReports is the JSON shape of the feeds' and URLs' reports.
func sourceReports(reps []fetch.SourceReport) []SourceReportJSON {
	var out []SourceReportJSON
	for _, r := range reps {
		j := SourceReportJSON{URL: r.URL, Kind: r.Kind, Documents: r.Documents, New: r.New, NotModified: r.NotModified, Stale: r.Stale}
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

// nonNil is s, or [] for nil, so JSON lists are never null.
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

// IndexRun is what one "briefing index" did.
type IndexRun struct {
	// Dir is the index directory, "" for an index in memory.
	Dir       string
	Documents int
	Report    briefing.IndexReport
	// Forced is --rebuild: every passage was re-embedded on request.
	Forced  bool
	Sources []fetch.SourceReport
}

// Index is r's JSON shape.
func Index(r IndexRun) IndexJSON {
	x := r.Report
	return IndexJSON{
		IndexDir: r.Dir, Documents: r.Documents,
		Added: x.Added, Changed: x.Changed, Removed: x.Removed, Unchanged: x.Unchanged,
		Passages: x.Passages, Embedded: x.Embedded, Rebuilt: x.Rebuilt,
		DurationMS: ms(x.Duration.Seconds()),
		Sources:    sourceReports(r.Sources),
		AddedIDs:   nonNil(x.AddedIDs), ChangedIDs: nonNil(x.ChangedIDs), RemovedIDs: nonNil(x.RemovedIDs),
	}
}

// WriteIndex prints r for a person: the counts, the documents that
// changed, and one line per feed or URL.
func WriteIndex(w io.Writer, r IndexRun) error {
	dir := r.Dir
	if dir == "" {
		dir = "memory (not persisted)"
	}
	x := r.Report
	rebuilt := ""
	switch {
	case x.Rebuilt && r.Forced:
		rebuilt = " (--rebuild: every passage re-embedded)"
	case x.Rebuilt:
		rebuilt = " (settings changed: full rebuild)"
	}
	_, err := fmt.Fprintf(w,
		"Index %s%s\n  documents: %d (%d added, %d changed, %d removed, %d unchanged)\n  passages:  %d (%d embedded)\n  time:      %s\n",
		dir, rebuilt, r.Documents, x.Added, x.Changed, x.Removed, x.Unchanged,
		x.Passages, x.Embedded, x.Duration.Round(time.Millisecond))
	if err != nil {
		return err
	}
	if err := writeDocChanges(w, x); err != nil {
		return err
	}
	return writeSourceReports(w, r.Sources)
}
