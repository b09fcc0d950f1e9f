package main

import (
	"github.com/spf13/cobra"

	"github.com/briefing/briefing/internal/cliout"
)

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
				return cliout.WriteJSON(a.stdout, cliout.Documents(docs))
			}
			return cliout.WriteDocuments(a.stdout, docs)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the documents as JSON")
	return cmd
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
