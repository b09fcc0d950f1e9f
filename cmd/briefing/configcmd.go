package main

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/briefing/briefing/internal/cliout"
	"github.com/briefing/briefing/rag"
)

// configKeyJSON is one entry of "config --keys --json".
type configKeyJSON struct {
	Key string `json:"key"`
	Env string `json:"env"`
}

// configJSON is the output of "config --json": the effective configuration
// by section, and whether each secret's variable is set.
type configJSON struct {
	Config  map[string]any  `json:"config"`
	Secrets map[string]bool `json:"secrets"`
}

// newConfigCmd builds "briefing config": the effective configuration, or
// with --keys every key and its environment variable. Secrets are never in
// the configuration (only the names of the variables holding them), and the
// output says only whether each such variable is set.
func newConfigCmd(a *app) *cobra.Command {
	var keys, asJSON bool
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration (secrets are never shown)",
		Long: `Print the configuration the commands run with: defaults, file, environment
and flags applied, each value the engine defaults stands for (such as
retrieval.min_score 0) replaced by that default, and index.dir resolved to the
directory used ("memory" when in memory). Secrets are never shown, only
whether their variables are set.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if keys {
				return a.writeConfigKeys(asJSON)
			}
			cfg, err := a.loadConfig(cmd, nil)
			if err != nil {
				return err
			}
			eff, err := effectiveConfig(cfg)
			if err != nil {
				return err
			}
			secrets := map[string]bool{}
			var names []string
			for _, name := range []string{cfg.LLM.APIKeyEnv, cfg.Embedder.APIKeyEnv, cfg.Discord.TokenEnv} {
				if _, dup := secrets[name]; name == "" || dup {
					continue
				}
				secrets[name] = a.getenv(name) != ""
				names = append(names, name)
			}
			if asJSON {
				return cliout.WriteJSON(a.stdout, configJSON{Config: configYAML(eff), Secrets: secrets})
			}
			data, err := yaml.Marshal(configYAML(eff))
			if err != nil {
				return fmt.Errorf("marshal config: %w", err)
			}
			var b strings.Builder
			b.Write(data)
			b.WriteString("# secrets (values never shown):\n")
			for _, name := range names {
				state := "not set"
				if secrets[name] {
					state = "set"
				}
				fmt.Fprintf(&b, "#   %s: %s\n", name, state)
			}
			_, err = fmt.Fprint(a.stdout, b.String())
			return err
		},
	}
	cmd.Flags().BoolVar(&keys, "keys", false, "list every key with its environment variable")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

// writeConfigKeys lists every key with its environment variable.
func (a *app) writeConfigKeys(asJSON bool) error {
	if asJSON {
		out := []configKeyJSON{}
		for _, k := range configKeys() {
			out = append(out, configKeyJSON{Key: k.Path, Env: EnvName(k.Path)})
		}
		return cliout.WriteJSON(a.stdout, out)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tENVIRONMENT")
	for _, k := range configKeys() {
		fmt.Fprintf(tw, "%s\t%s\n", k.Path, EnvName(k.Path))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write keys: %w", err)
	}
	return nil
}

// effectiveConfig is cfg as the commands apply it: a zero that stands for
// the engine's default is replaced by that default, and index.dir by the
// directory the index lives in ("memory" stays "memory"), so what config
// prints is what runs.
func effectiveConfig(cfg Config) (Config, error) {
	if cfg.Retrieval.MinScore <= 0 {
		cfg.Retrieval.MinScore = rag.DefaultMinScore
	}
	if cfg.Retrieval.AnswerThreshold == 0 {
		m, err := answerModel(cfg)
		if err != nil {
			return cfg, err
		}
		cfg.Retrieval.AnswerThreshold = m.Thresholds.Answer
	}
	if cfg.Index.Dir != "memory" {
		dir, err := cfg.ResolveIndexDir()
		if err != nil {
			return cfg, err
		}
		cfg.Index.Dir = dir
	}
	return cfg, nil
}

// redactURL replaces the userinfo of an absolute URL ("user:password@")
// with "redacted@"; anything else is returned unchanged. The user name goes
// too: some servers take a token there.
func redactURL(s string) string {
	if !strings.Contains(s, "@") || !strings.Contains(s, "://") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		// Unparsable, but it may still carry a password: keep the scheme
		// and what follows the last '@'.
		scheme, rest, _ := strings.Cut(s, "://")
		auth := rest
		if end := strings.IndexAny(rest, "/?#"); end >= 0 {
			auth = rest[:end]
		}
		if at := strings.LastIndex(auth, "@"); at >= 0 {
			return scheme + "://redacted@" + rest[at+1:]
		}
		return s
	}
	if u.User == nil {
		return s
	}
	u.User = url.User("redacted")
	return u.String()
}

// configYAML renders durations as "30s" rather than nanoseconds, and URLs
// with their userinfo redacted (a password in llm.base_url is a secret).
func configYAML(cfg Config) map[string]any {
	out := map[string]any{}
	root := reflect.ValueOf(cfg)
	for _, k := range configKeys() {
		v := root.FieldByIndex(k.Index)
		val := v.Interface()
		switch x := val.(type) {
		case time.Duration:
			val = fmt.Sprint(x)
		case string:
			val = redactURL(x)
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
