package main

import (
	"fmt"
	"reflect"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
)

// newConfigCmd builds "briefing config": the effective configuration, or
// with --keys every key and its environment variable. Secrets are never in
// the configuration (only the names of the variables holding them), and the
// output says only whether each such variable is set.
func newConfigCmd(a *app) *cobra.Command {
	var keys bool
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration (secrets are never shown)",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if keys {
				tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "KEY\tENVIRONMENT")
				for _, k := range configKeys() {
					fmt.Fprintf(tw, "%s\t%s\n", k.Path, EnvName(k.Path))
				}
				return tw.Flush()
			}
			cfg, err := a.loadConfig(cmd, nil)
			if err != nil {
				return err
			}
			data, err := yaml.Marshal(configYAML(cfg))
			if err != nil {
				return fmt.Errorf("marshal config: %w", err)
			}
			var b strings.Builder
			b.Write(data)
			b.WriteString("# secrets (values never shown):\n")
			for _, name := range []string{cfg.LLM.APIKeyEnv, cfg.Embedder.APIKeyEnv, cfg.Discord.TokenEnv} {
				if name == "" {
					continue
				}
				state := "not set"
				if a.getenv(name) != "" {
					state = "set"
				}
				fmt.Fprintf(&b, "#   %s: %s\n", name, state)
			}
			_, err = fmt.Fprint(a.stdout, b.String())
			return err
		},
	}
	cmd.Flags().BoolVar(&keys, "keys", false, "list every key with its environment variable")
	return cmd
}

// configYAML renders durations as "30s" rather than nanoseconds.
func configYAML(cfg Config) map[string]any {
	out := map[string]any{}
	root := reflect.ValueOf(cfg)
	for _, k := range configKeys() {
		v := root.FieldByIndex(k.Index)
		var val any = v.Interface()
		if k.Type == durationType {
			val = fmt.Sprint(val)
		}
		section, key, _ := strings.Cut(k.Path, ".")
		m, ok := out[section].(map[string]any)
		if !ok {
			m = map[string]any{}
			out[section] = m
		}
		m[key] = val
	}
	return out
}
