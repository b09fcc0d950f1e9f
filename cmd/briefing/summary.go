package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/cliout"
)

// newSummaryCmd builds "briefing summary [--doc ID] [TOPIC...]".
func newSummaryCmd(a *app) *cobra.Command {
	var (
		asJSON bool
		docID  string
		lang   string
		noLLM  bool
		flags  filterFlags
	)
	cmd := &cobra.Command{
		Use:   "summary [--doc ID] [TOPIC...]",
		Short: "Summarise the corpus, one document, or a topic, with citations",
		Long: `Write a short cited briefing: of the whole corpus with no arguments, of one
document with --doc (see "briefing sources" for the IDs), or of a topic given
as words (optionally within --doc). --since, --until and --source limit it to
documents of a date range or outlets: "what changed since 2025-06-01".
The briefing is written in the topic's language, or the documents' without
one; --lang en or --lang it chooses (an English briefing of the Italian
articles glosses its quotes).`,
		Example: `  briefing summary
  briefing summary --doc russia-north-korea-alliance
  briefing summary truppe nordcoreane
  briefing summary --since 2025-06-01
  briefing summary --lang en --doc lavrov-pyongyang-visit`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			topic := cleanQuestion(strings.Join(args, " "))
			cfg, err := a.loadConfig(cmd, nil)
			if err != nil {
				return err
			}
			if topic != "" {
				if err := checkQuestion(topic, cfg.Retrieval.MaxQuestionChars); err != nil {
					return err
				}
			}
			f, err := flags.filter()
			if err != nil {
				return err
			}
			if lang != "" && lang != "it" && lang != "en" {
				return usageErr(fmt.Errorf("--lang %q: want en or it", lang))
			}
			s, err := a.open(ctx, cfg, openOptions{noLLM: noLLM})
			if err != nil {
				return err
			}
			if docID != "" && !slices.ContainsFunc(s.docs, func(d corpus.Document) bool { return d.ID == docID }) {
				return fmt.Errorf("%w %q; the documents are: %s", briefing.ErrUnknownDocument, docID, strings.Join(docIDs(s.docs), ", "))
			}
			ans, err := s.eng.Summarize(ctx, briefing.SummaryRequest{DocID: docID, Topic: topic, Lang: lang, Filter: f, Gloss: true})
			if err != nil {
				return fmt.Errorf("summarize: %w", err)
			}
			if asJSON {
				return cliout.WriteJSON(a.stdout, cliout.Answer(ans, s.indexed))
			}
			return cliout.WriteAnswer(a.stdout, ans, s.indexed)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the summary as JSON")
	cmd.Flags().StringVar(&docID, "doc", "", "summarise only this document (an ID from \"briefing sources\")")
	cmd.Flags().StringVar(&lang, "lang", "", "the briefing's language, en or it (default: the topic's, or the documents')")
	cmd.Flags().BoolVar(&noLLM, "no-llm", false, "summarise extractively even when an LLM is configured")
	flags.register(cmd.Flags())
	return cmd
}

func docIDs(docs []corpus.Document) []string {
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids
}
