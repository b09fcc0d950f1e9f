package cliout

import (
	"fmt"
	"io"
	"strings"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/safetext"
)

// WriteHits prints retrieved passages for a person, through
// safetext.Terminal (titles and texts are the documents').
func WriteHits(w io.Writer, hits []briefing.Hit) error {
	if len(hits) == 0 {
		_, err := fmt.Fprintln(w, "No passages found.")
		return err
	}
	var b strings.Builder
	for i, h := range hits {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%d. relevance %.3f  fused %.4f  dense %.3f  lexical %.3f  %s\n", h.Rank, h.Score, h.Fused, h.Dense, h.Lexical, passageRef(h.Passage))
		fmt.Fprintf(&b, "   %s — %s\n", h.Passage.Title, metaLine(h.Passage, "en"))
		fmt.Fprintf(&b, "   %s\n", corpus.Inline(h.Passage.Text))
		if h.Gloss != "" {
			// The CLI's passage lines are English, as glosses are.
			fmt.Fprintf(&b, "   %s “%s”\n", textFor("en").gloss, corpus.Inline(h.Gloss))
		}
	}
	_, err := io.WriteString(w, safetext.Terminal(b.String()))
	return err
}
