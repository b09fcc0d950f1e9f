package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/cliout"
)

// newAskCmd builds "briefing ask QUESTION...".
func newAskCmd(a *app) *cobra.Command {
	var (
		asJSON bool
		topK   int
		noLLM  bool
		flags  filterFlags
	)
	cmd := &cobra.Command{
		Use:   "ask QUESTION... | ask -",
		Short: "Answer a question with cited passages",
		Long: `Answer a question from the corpus. The words of QUESTION are joined with
spaces; "-" reads the question from stdin. The index is brought up to date
first (nothing is embedded when the corpus is unchanged).

The answer carries [n] markers; the sources below it quote each cited passage
verbatim. A question the corpus does not cover is refused, citing nothing.`,
		Example: `  briefing ask "Quando il parlamento russo ha ratificato il trattato?"
  echo "When did North Korea approve the treaty?" | briefing ask -`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr(fmt.Errorf("%w: give a question as arguments, or \"-\" to read it from stdin", briefing.ErrEmptyQuestion))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			q, err := readQuestion(args, a.stdin)
			if err != nil {
				return err
			}
			override := func(c *Config) {
				if cmd.Flags().Changed("top-k") {
					c.Retrieval.TopK = topK
				}
			}
			// Check the question against the configured limit before the
			// corpus is read: a bad question should fail fast.
			cfg, err := a.loadConfig(cmd, override)
			if err != nil {
				return err
			}
			if err := checkQuestion(q, cfg.Retrieval.MaxQuestionChars); err != nil {
				return err
			}
			f, err := flags.filter()
			if err != nil {
				return err
			}
			s, err := a.open(ctx, cfg, openOptions{noLLM: noLLM})
			if err != nil {
				return err
			}
			ans, err := s.eng.Answer(ctx, briefing.Request{Question: q, Filter: f, Gloss: true})
			if err != nil {
				return fmt.Errorf("answer: %w", err)
			}
			if asJSON {
				return cliout.WriteJSON(a.stdout, cliout.Answer(ans, s.indexed))
			}
			return cliout.WriteAnswer(a.stdout, ans, s.indexed)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the answer as JSON")
	cmd.Flags().IntVar(&topK, "top-k", 0, "passages to retrieve (retrieval.top_k)")
	cmd.Flags().BoolVar(&noLLM, "no-llm", false, "answer extractively even when an LLM is configured")
	flags.register(cmd.Flags())
	return cmd
}
