package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// envOf returns a getenv reading m.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// joined splits an errors.Join error into its messages, recursively.
func joined(err error) []string {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, joined(e)...)
		}
		return out
	}
	return []string{err.Error()}
}

// writeFile writes data to name in a new temporary directory.
func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultConfigIsValid(t *testing.T) {
	t.Parallel()
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig().Validate() = %v, want nil", err)
	}
}

func TestExampleConfigEqualsDefaults(t *testing.T) {
	t.Parallel()
	got, err := LoadConfig("../../config.example.yaml", true, envOf(nil), nil)
	if err != nil {
		t.Fatalf("LoadConfig(config.example.yaml) error: %v", err)
	}
	if diff := cmp.Diff(DefaultConfig(), got); diff != "" {
		t.Errorf("config.example.yaml differs from DefaultConfig (-default +example):\n%s", diff)
	}
}

func TestExampleConfigDocumentsEveryKey(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind == yaml.MappingNode {
				walk(v, prefix+k.Value+".")
				continue
			}
			got = append(got, prefix+k.Value)
		}
	}
	walk(doc.Content[0], "")
	var want []string
	for _, k := range configKeys() {
		want = append(want, k.Path)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("keys of config.example.yaml (-Config fields +example):\n%s", diff)
	}
}

// envSamples holds, for every key, a valid non-default value as set in the
// environment and the value the field must then hold. A key missing here
// fails TestEnvOverridesEveryKey, so new keys get a test.
var envSamples = map[string]struct {
	env  string
	want any
}{
	"corpus.dir":                      {"/srv/corpus", "/srv/corpus"},
	"corpus.feeds":                    {"https://a.example/rss, https://b.example/atom", []string{"https://a.example/rss", "https://b.example/atom"}},
	"corpus.urls":                     {"https://a.example/p", []string{"https://a.example/p"}},
	"corpus.fetch_timeout":            {"5s", 5 * time.Second},
	"corpus.fetch_max_mb":             {"2", 2},
	"corpus.feed_max_items":           {"10", 10},
	"corpus.upload_max_mb":            {"4", 4},
	"corpus.max_document_bytes":       {"1048576", 1048576},
	"index.dir":                       {"memory", "memory"},
	"index.chunk_chars":               {"1200", 1200},
	"index.chunk_overlap":             {"100", 100},
	"embedder.provider":               {"openai", "openai"},
	"embedder.model":                  {"nomic-embed-text", "nomic-embed-text"},
	"embedder.base_url":               {"http://127.0.0.1:11434/v1", "http://127.0.0.1:11434/v1"},
	"embedder.api_key_env":            {"EMBED_KEY", "EMBED_KEY"},
	"embedder.dimensions":             {"256", 256},
	"embedder.batch_size":             {"16", 16},
	"retrieval.top_k":                 {"8", 8},
	"retrieval.min_score":             {"0.35", 0.35},
	"retrieval.max_question_chars":    {"500", 500},
	"retrieval.glossary_files":        {"a.txt, b.txt,", []string{"a.txt", "b.txt"}},
	"retrieval.translator":            {"none", "none"},
	"retrieval.quote_translator":      {"none", "none"},
	"retrieval.answer_model":          {"model.json", "model.json"},
	"retrieval.answer_threshold":      {"0.8", 0.8},
	"llm.base_url":                    {"https://api.openai.com/v1", "https://api.openai.com/v1"},
	"llm.model":                       {"llama3.2", "llama3.2"},
	"llm.api_key_env":                 {"MY_KEY", "MY_KEY"},
	"llm.temperature":                 {"0", 0.0},
	"llm.max_tokens":                  {"1024", 1024},
	"llm.timeout":                     {"1m30s", 90 * time.Second},
	"llm.max_retries":                 {"0", 0},
	"llm.summary_token_budget":        {"9000", 9000},
	"llm.rewrite_queries":             {"false", false},
	"discord.token_env":               {"TOKEN", "TOKEN"},
	"discord.app_id":                  {"123456789012345678", "123456789012345678"},
	"discord.api_base_url":            {"http://127.0.0.1:8080/api/v9", "http://127.0.0.1:8080/api/v9"},
	"discord.guild_ids":               {"1,2", []string{"1", "2"}},
	"discord.mention_channels":        {"all", []string{"all"}},
	"discord.admin_role_ids":          {"3", []string{"3"}},
	"discord.admin_user_ids":          {"4, 5", []string{"4", "5"}},
	"discord.http_listen":             {"127.0.0.1:8443", "127.0.0.1:8443"},
	"discord.public_key":              {strings.Repeat("ab", 32), strings.Repeat("ab", 32)},
	"discord.replay_window":           {"30s", 30 * time.Second},
	"discord.rate_per_minute":         {"10", 10},
	"discord.rate_burst":              {"5", 5},
	"discord.channel_rate_per_minute": {"30", 30},
	"discord.channel_rate_burst":      {"12", 12},
	"discord.max_concurrent":          {"2", 2},
	"discord.max_question_chars":      {"300", 300},
	"discord.answer_timeout":          {"2m", 2 * time.Minute},
	"discord.thread_history":          {"0", 0},
	"discord.stream_edit_interval":    {"500ms", 500 * time.Millisecond},
	"discord.message_content_intent":  {"false", false},
	"discord.reload_timeout":          {"90s", 90 * time.Second},
	"ops.listen":                      {":9191", ":9191"},
	"log.level":                       {"debug", "debug"},
	"log.format":                      {"json", "json"},
}

func TestEnvOverridesEveryKey(t *testing.T) {
	t.Parallel()
	keys := configKeys()
	if len(keys) != len(envSamples) {
		t.Errorf("configKeys() has %d keys, envSamples %d: keep them in step", len(keys), len(envSamples))
	}
	defaults := reflect.ValueOf(DefaultConfig())
	for _, k := range keys {
		t.Run(k.Path, func(t *testing.T) {
			t.Parallel()
			s, ok := envSamples[k.Path]
			if !ok {
				t.Fatalf("no sample for key %s: add one to envSamples", k.Path)
			}
			name := EnvName(k.Path)
			cfg := DefaultConfig()
			if err := applyEnv(&cfg, envOf(map[string]string{name: s.env})); err != nil {
				t.Fatalf("applyEnv(%s=%q) error: %v", name, s.env, err)
			}
			got := reflect.ValueOf(cfg).FieldByIndex(k.Index).Interface()
			if diff := cmp.Diff(s.want, got); diff != "" {
				t.Errorf("%s=%q set %s (-want +got):\n%s", name, s.env, k.Path, diff)
			}
			if reflect.DeepEqual(got, defaults.FieldByIndex(k.Index).Interface()) {
				t.Errorf("sample for %s equals the default, so it proves nothing", k.Path)
			}
		})
	}
}

func TestEnvName(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"index.dir":            "BRIEFING_INDEX_DIR",
		"llm.base_url":         "BRIEFING_LLM_BASE_URL",
		"discord.guild_ids":    "BRIEFING_DISCORD_GUILD_IDS",
		"embedder.api_key_env": "BRIEFING_EMBEDDER_API_KEY_ENV",
	}
	for path, want := range tests {
		if got := EnvName(path); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestLoadConfigReportsInvalidEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		// want holds one substring per reported problem, in order.
		want []string
	}{
		{
			name: "not an integer",
			env:  map[string]string{"BRIEFING_LLM_MAX_TOKENS": "many"},
			want: []string{`BRIEFING_LLM_MAX_TOKENS="many" (llm.max_tokens): want an integer`},
		},
		{
			name: "duration without unit",
			env:  map[string]string{"BRIEFING_LLM_TIMEOUT": "30"},
			want: []string{`BRIEFING_LLM_TIMEOUT="30" (llm.timeout): want a duration`},
		},
		{
			name: "bad bool and bad float at once",
			env:  map[string]string{"BRIEFING_LLM_REWRITE_QUERIES": "maybe", "BRIEFING_RETRIEVAL_MIN_SCORE": "high"},
			want: []string{"BRIEFING_RETRIEVAL_MIN_SCORE", "BRIEFING_LLM_REWRITE_QUERIES"},
		},
		{
			name: "parsable but invalid value is validated",
			env:  map[string]string{"BRIEFING_LOG_LEVEL": "loud"},
			want: []string{`log.level: "loud" is not one of`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadConfig("", false, envOf(tt.env), nil)
			got := joined(err)
			if len(got) != len(tt.want) {
				t.Fatalf("LoadConfig errors = %q, want %d problems", got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

func TestDecodeYAMLReportsEveryProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		yaml string
		want []string // one substring per problem, in order
		// notWant must appear in no problem (secrets).
		notWant string
	}{
		{
			name: "a removed key says so",
			yaml: "retrieval:\n  ranker: rules\n",
			want: []string{`unknown key "retrieval.ranker" (line 2); removed: the fitted answer model is the only ranker`},
		},
		{
			name: "misspelt nested key with its full path and line",
			yaml: "llm:\n  model: x\n  base_ur: http://x\n",
			want: []string{`unknown key "llm.base_ur" (line 3); did you mean "llm.base_url"?`},
		},
		{
			name: "every problem at once",
			yaml: "indx:\n  dir: x\nllm:\n  timeout: 30\n  max_tokens: lots\ndiscord:\n  guild_ids: 123\n  replay: 5m\n",
			want: []string{
				`unknown key "indx" (line 1); did you mean "index"?`,
				`llm.timeout (line 4): want a duration such as "30s", got "30"`,
				`llm.max_tokens (line 5): want an integer, got "lots"`,
				`discord.guild_ids (line 7): want a list, got "123"`,
				`unknown key "discord.replay" (line 8)`,
			},
		},
		{
			name: "a fraction for an integer is not truncated",
			yaml: "retrieval:\n  top_k: 1.5\n",
			want: []string{`retrieval.top_k (line 2): want an integer, got "1.5"`},
		},
		{
			name: "section given a scalar",
			yaml: "llm: on\n",
			want: []string{`llm (line 1): want a mapping of keys, got "on"`},
		},
		{
			name: "list element of the wrong kind",
			yaml: "discord:\n  guild_ids: [1, [2]]\n",
			want: []string{`discord.guild_ids[1] (line 2): want a string, got a list`},
		},
		{
			name: "duplicate key",
			yaml: "log:\n  level: info\n  level: debug\n",
			want: []string{`duplicate key "log.level" (line 3, first on line 2)`},
		},
		{
			name:    "a secret in the file is refused without echoing it",
			yaml:    "llm:\n  api_key: sk-live-secret\n",
			want:    []string{`unknown key "llm.api_key" (line 2); secrets are never read from the file`},
			notWant: "sk-live-secret",
		},
		{
			name: "a misspelt *_env key is a typo, not a secret",
			yaml: "discord:\n  token_en: X\n",
			want: []string{`unknown key "discord.token_en" (line 2); did you mean "discord.token_env"?`},
		},
		{
			name:    "a token in the file is refused without echoing it",
			yaml:    "discord:\n  bot_token: abc.def\n",
			want:    []string{`unknown key "discord.bot_token" (line 2); secrets are never read from the file`},
			notWant: "abc.def",
		},
		{
			name: "syntax error",
			yaml: "llm:\n  model: [unclosed\n",
			want: []string{"parse: yaml: line"},
		},
		{
			name: "two documents",
			yaml: "log:\n  level: info\n---\nlog:\n  level: debug\n",
			want: []string{"line 3: more than one YAML document"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := DefaultConfig()
			got := joined(decodeYAML([]byte(tt.yaml), &cfg))
			if len(got) != len(tt.want) {
				t.Fatalf("decodeYAML(%q) problems = %q, want %d", tt.yaml, got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got[i], w)
				}
				if tt.notWant != "" && strings.Contains(got[i], tt.notWant) {
					t.Errorf("problem %d = %q reveals %q", i, got[i], tt.notWant)
				}
			}
		})
	}
}

func TestDecodeYAMLValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		yaml string
		want func(*Config)
	}{
		{name: "empty file keeps defaults", yaml: "", want: func(*Config) {}},
		{name: "comments only keep defaults", yaml: "# nothing\n", want: func(*Config) {}},
		{name: "null section keeps defaults", yaml: "llm:\n", want: func(*Config) {}},
		{
			name: "every kind of value",
			yaml: `
corpus: {dir: ./articles}
index:
  chunk_chars: 600
llm:
  base_url: http://127.0.0.1:11434/v1
  temperature: 0.5
  timeout: 45s
  rewrite_queries: false
discord:
  app_id: 123456789012345678   # a number in YAML, a string here
  guild_ids: ["1", 2]
  replay_window: 1m
`,
			want: func(c *Config) {
				c.Corpus.Dir = "./articles"
				c.Index.ChunkChars = 600
				c.LLM.BaseURL = "http://127.0.0.1:11434/v1"
				c.LLM.Temperature = 0.5
				c.LLM.Timeout = 45 * time.Second
				c.LLM.RewriteQueries = false
				c.Discord.AppID = "123456789012345678"
				c.Discord.GuildIDs = []string{"1", "2"}
				c.Discord.ReplayWindow = time.Minute
			},
		},
		{
			name: "anchors and aliases",
			yaml: "discord:\n  admin_role_ids: &admins [\"7\"]\n  admin_user_ids: *admins\n",
			want: func(c *Config) {
				c.Discord.AdminRoleIDs = []string{"7"}
				c.Discord.AdminUserIDs = []string{"7"}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := DefaultConfig()
			if err := decodeYAML([]byte(tt.yaml), &got); err != nil {
				t.Fatalf("decodeYAML error: %v", err)
			}
			want := DefaultConfig()
			tt.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("decodeYAML (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(*Config)
		want   []string // one substring per problem, in order
	}{
		{"chunk size out of range", func(c *Config) { c.Index.ChunkChars = 10 }, []string{"index.chunk_chars: 10 is out of range"}},
		{"feed and page URLs", func(c *Config) {
			c.Corpus.Feeds = []string{"ftp://x/rss"}
			c.Corpus.URLs = []string{"https://ok.example/", "page.html"}
		}, []string{`corpus.feeds[0]: "ftp://x/rss" is not an http(s) URL`, `corpus.urls[1]: "page.html" is not an http(s) URL`}},
		{"fetch limits", func(c *Config) { c.Corpus.FetchTimeout = 0; c.Corpus.FetchMaxMB = 0; c.Corpus.UploadMaxMB = 100 }, []string{"corpus.fetch_timeout: must be a positive duration", "corpus.fetch_max_mb: 0 is out of range", "corpus.upload_max_mb: 100 is out of range"}},
		{"overlap not below chunk size", func(c *Config) { c.Index.ChunkOverlap = c.Index.ChunkChars }, []string{"index.chunk_overlap: 1600 must be less than index.chunk_chars (1600)"}},
		{"negative overlap", func(c *Config) { c.Index.ChunkOverlap = -1 }, []string{"index.chunk_overlap: must not be negative"}},
		{"unknown provider", func(c *Config) { c.Embedder.Provider = "bert" }, []string{`embedder.provider: "bert" is not one of hashed, openai`}},
		{"openai embedder needs a model and a URL", func(c *Config) { c.Embedder.Provider = "openai" }, []string{"embedder.model: is required", "embedder.base_url: is required"}},
		{"openai embedder borrows llm.base_url", func(c *Config) {
			c.Embedder.Provider, c.Embedder.Model, c.LLM.BaseURL = "openai", "m", "http://127.0.0.1:1/v1"
		}, nil},
		{"top_k zero", func(c *Config) { c.Retrieval.TopK = 0 }, []string{"retrieval.top_k: 0 is out of range"}},
		{"reload outliving the interaction token", func(c *Config) { c.Discord.ReloadTimeout = 20 * time.Minute }, []string{"discord.reload_timeout: 20m0s is longer than 14m0s"}},
		{"answer outliving the interaction token", func(c *Config) { c.Discord.AnswerTimeout = time.Hour }, []string{"discord.answer_timeout: 1h0m0s is longer than 14m0s"}},
		{"min_score above 1", func(c *Config) { c.Retrieval.MinScore = 1.5 }, []string{"retrieval.min_score: 1.5 is out of range [0, 1]"}},
		{"answer_threshold above 1", func(c *Config) { c.Retrieval.AnswerThreshold = 1.5 }, []string{"retrieval.answer_threshold: 1.5 is out of range [0, 1]"}},
		{"empty glossary path", func(c *Config) { c.Retrieval.GlossaryFiles = []string{" "} }, []string{"retrieval.glossary_files[0]: empty path"}},
		{"llm URL syntax", func(c *Config) { c.LLM.BaseURL = "localhost:11434" }, []string{`llm.base_url: "localhost:11434" is not an http(s) URL`}},
		{"llm model required when on", func(c *Config) { c.LLM.BaseURL, c.LLM.Model = "http://x/v1", "" }, []string{"llm.model: is required when llm.base_url is set"}},
		{"api key pasted instead of a variable name", func(c *Config) { c.LLM.APIKeyEnv = "sk-abc123" }, []string{"llm.api_key_env: must be the NAME of an environment variable"}},
		{"temperature", func(c *Config) { c.LLM.Temperature = 3 }, []string{"llm.temperature: 3 is out of range [0, 2]"}},
		{"zero timeout", func(c *Config) { c.LLM.Timeout = 0 }, []string{"llm.timeout: must be a positive duration"}},
		{"retries", func(c *Config) { c.LLM.MaxRetries = 11 }, []string{"llm.max_retries: 11 is out of range"}},
		{"token env required", func(c *Config) { c.Discord.TokenEnv = "" }, []string{"discord.token_env: must name an environment variable"}},
		{"app id not a snowflake", func(c *Config) { c.Discord.AppID = "my-bot" }, []string{`discord.app_id: "my-bot" is not a Discord ID`}},
		{"bad guild id", func(c *Config) { c.Discord.GuildIDs = []string{"1", "x"} }, []string{`discord.guild_ids[1]: "x" is not a Discord ID`}},
		{"all with other channels", func(c *Config) { c.Discord.MentionChannels = []string{"all", "1"} }, []string{`discord.mention_channels: "all" must be the only entry`}},
		{"http mode needs a public key", func(c *Config) { c.Discord.HTTPListen = "127.0.0.1:8080" }, []string{"discord.public_key: is required when discord.http_listen is set"}},
		{"http listen syntax", func(c *Config) {
			c.Discord.HTTPListen, c.Discord.PublicKey = "8080", strings.Repeat("0", 64)
		}, []string{`discord.http_listen: "8080" is not a host:port address`}},
		{"public key not hex", func(c *Config) { c.Discord.PublicKey = strings.Repeat("z", 64) }, []string{"discord.public_key: must be 64 hex digits"}},
		{"public key too short", func(c *Config) { c.Discord.PublicKey = "abcd" }, []string{"discord.public_key: must be 64 hex digits"}},
		{"discord question limit above Discord's", func(c *Config) { c.Discord.MaxQuestionChars = 7000 }, []string{"discord.max_question_chars: 7000 is out of range"}},
		{"stream interval", func(c *Config) { c.Discord.StreamEditInterval = -time.Second }, []string{"discord.stream_edit_interval: must be a positive duration"}},
		{"ops listen", func(c *Config) { c.Ops.Listen = "nowhere" }, []string{`ops.listen: "nowhere" is not a host:port address`}},
		{"log enums", func(c *Config) { c.Log.Level, c.Log.Format = "verbose", "xml" }, []string{`log.level: "verbose"`, `log.format: "xml"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := DefaultConfig()
			tt.mutate(&c)
			got := joined(c.Validate())
			if len(got) != len(tt.want) {
				t.Fatalf("Validate() = %q, want %d problems", got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

func TestLoadConfigPrecedenceAndFiles(t *testing.T) {
	t.Parallel()
	file := writeFile(t, "c.yaml", "retrieval:\n  top_k: 7\n  max_question_chars: 900\nlog:\n  level: warn\n")
	tests := []struct {
		name     string
		path     string
		explicit bool
		env      map[string]string
		override func(*Config)
		want     func(*Config)
		wantErr  string
	}{
		{
			name: "file over defaults", path: file, explicit: true,
			want: func(c *Config) { c.Retrieval.TopK, c.Retrieval.MaxQuestionChars, c.Log.Level = 7, 900, "warn" },
		},
		{
			name: "environment over file", path: file, explicit: true,
			env:  map[string]string{"BRIEFING_RETRIEVAL_TOP_K": "9"},
			want: func(c *Config) { c.Retrieval.TopK, c.Retrieval.MaxQuestionChars, c.Log.Level = 9, 900, "warn" },
		},
		{
			name: "flags over environment", path: file, explicit: true,
			env:      map[string]string{"BRIEFING_RETRIEVAL_TOP_K": "9"},
			override: func(c *Config) { c.Retrieval.TopK = 3 },
			want:     func(c *Config) { c.Retrieval.TopK, c.Retrieval.MaxQuestionChars, c.Log.Level = 3, 900, "warn" },
		},
		{
			name: "absent default file is fine", path: filepath.Join(t.TempDir(), "none.yaml"),
			want: func(*Config) {},
		},
		{
			name: "absent explicit file is an error", path: filepath.Join(t.TempDir(), "none.yaml"), explicit: true,
			wantErr: "no such file",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := LoadConfig(tt.path, tt.explicit, envOf(tt.env), tt.override)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("LoadConfig error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadConfig error: %v", err)
			}
			want := DefaultConfig()
			tt.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("LoadConfig (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadConfigJoinsFileEnvAndValidationProblems(t *testing.T) {
	t.Parallel()
	file := writeFile(t, "c.yaml", "llm:\n  base_ur: x\nindex:\n  chunk_overlap: 1700\n")
	_, err := LoadConfig(file, true, envOf(map[string]string{"BRIEFING_LLM_TIMEOUT": "soon"}), nil)
	got := joined(err)
	want := []string{`unknown key "llm.base_ur" (line 2)`, "BRIEFING_LLM_TIMEOUT", "index.chunk_overlap: 1700"}
	if len(got) != len(want) {
		t.Fatalf("LoadConfig problems = %q, want %d", got, len(want))
	}
	for i, w := range want {
		if !strings.Contains(got[i], w) {
			t.Errorf("problem %d = %q, want it to contain %q", i, got[i], w)
		}
	}
	if !strings.Contains(got[0], file) {
		t.Errorf("file problem %q does not name the file %s", got[0], file)
	}
}

func TestResolveIndexDir(t *testing.T) {
	t.Parallel()
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skipf("no user cache dir: %v", err)
	}
	tests := map[string]string{
		"":         filepath.Join(cache, "briefing", "index"),
		"memory":   "",
		"/srv/idx": "/srv/idx",
	}
	for dir, want := range tests {
		c := DefaultConfig()
		c.Index.Dir = dir
		got, err := c.ResolveIndexDir()
		if err != nil || got != want {
			t.Errorf("ResolveIndexDir(index.dir=%q) = %q, %v; want %q", dir, got, err, want)
		}
	}
}
