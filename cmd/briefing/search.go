package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/cliout"
	"github.com/briefing/briefing/internal/safetext"
)

// newSearchCmd builds "briefing search QUERY...".
func newSearchCmd(a *app) *cobra.Command {
	var (
		asJSON, explain bool
		k               int
	)
	var flags filterFlags
	cmd := &cobra.Command{
		Use:   "search QUERY... | search -",
		Short: "Show the passages retrieved for a query, with their scores",
		Long: `Retrieve the passages a question would be answered from, without writing an
answer: rank, relevance (the share of the question's weight the passage
expresses; the relevance floor applies to it), the fused ranking score the
order follows, dense (cosine) and lexical (BM25) scores, the document,
paragraph and byte offsets, and the passage text.

With --explain it shows instead how the query is analysed and judged: its
language and answer kind, each concept with its weight, alternatives and
how many passages express it, and for each passage whether it is evidence
for the query and why (the relevance floor, a missing main concept, a
how-many question without a quantity), and whether the engine would
answer or refuse.`,
		Example: `  briefing search --k 3 "trattato di mutua difesa"
  briefing search --explain "Quanti soldati sono morti a Kursk?"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr(fmt.Errorf("%w: give a query as arguments, or \"-\" to read it from stdin", briefing.ErrEmptyQuestion))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			q, err := readQuestion(args, a.stdin)
			if err != nil {
				return err
			}
			cfg, err := a.loadConfig(cmd, nil)
			if err != nil {
				return err
			}
			if err := checkQuestion(q, cfg.Retrieval.MaxQuestionChars); err != nil {
				return err
			}
			if k < 0 {
				return usageErr(fmt.Errorf("--k %d: want a positive number", k))
			}
			f, err := flags.filter()
			if err != nil {
				return err
			}
			s, err := a.open(ctx, cfg, openOptions{})
			if err != nil {
				return err
			}
			if explain {
				x, err := s.eng.Explain(ctx, q, k)
				if err != nil {
					return fmt.Errorf("search: %w", err)
				}
				if asJSON {
					hits := make([]briefing.Hit, len(x.Passages))
					for i, p := range x.Passages {
						hits[i] = p.Hit
					}
					return cliout.WriteJSON(a.stdout, map[string]any{"query": q, "hits": cliout.Hits(hits), "explanation": x})
				}
				// Passage texts are the documents': through safetext.Terminal.
				var b strings.Builder
				if err := x.Format(&b); err != nil {
					return err
				}
				_, err = io.WriteString(a.stdout, safetext.Terminal(b.String()))
				return err
			}
			hits, err := s.eng.Find(ctx, briefing.SearchRequest{Query: q, K: k, Filter: f, Gloss: true})
			if err != nil {
				return fmt.Errorf("search: %w", err)
			}
			if asJSON {
				return cliout.WriteJSON(a.stdout, map[string]any{"query": q, "hits": cliout.Hits(hits)})
			}
			return cliout.WriteHits(a.stdout, hits)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the passages as JSON")
	cmd.Flags().IntVar(&k, "k", 0, "passages to return (default retrieval.top_k)")
	cmd.Flags().BoolVar(&explain, "explain", false, "explain the query's concepts and weights and why each passage is or is not evidence")
	flags.register(cmd.Flags())
	return cmd
}
