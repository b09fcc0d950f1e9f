package main

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/briefing/briefing/bot"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/llm"
	"github.com/briefing/briefing/rag"
	"go.yaml.in/yaml/v3"
)

// Config is the whole configuration of briefing. It is filled, in order of
// increasing precedence, from the defaults (DefaultConfig), a YAML file, the
// BRIEFING_* environment variables named after each key's path, and flags.
//
// Secrets never appear here: keys ending in _env name the environment
// variable that holds the secret, and only the wiring code reads it.
type Config struct {
	Corpus    CorpusConfig    `yaml:"corpus"`
	Index     IndexConfig     `yaml:"index"`
	Embedder  EmbedderConfig  `yaml:"embedder"`
	Retrieval RetrievalConfig `yaml:"retrieval"`
	LLM       LLMConfig       `yaml:"llm"`
	Discord   DiscordConfig   `yaml:"discord"`
	Ops       OpsConfig       `yaml:"ops"`
	Log       LogConfig       `yaml:"log"`
}

// CorpusConfig selects the documents to answer from.
type CorpusConfig struct {
	// Dir holds the articles (.md, .txt, .html, .pdf, .docx); empty means
	// the corpus embedded in the binary, or none when Feeds or URLs are set.
	Dir string `yaml:"dir"`
	// Feeds are RSS or Atom feeds whose items are indexed as documents.
	Feeds []string `yaml:"feeds"`
	// URLs are single pages (HTML, PDF or text) indexed as documents.
	URLs []string `yaml:"urls"`
	// FetchTimeout bounds each request for a feed or page.
	FetchTimeout time.Duration `yaml:"fetch_timeout"`
	// FetchMaxMB caps one fetched response, in MiB.
	FetchMaxMB int `yaml:"fetch_max_mb"`
	// FeedMaxItems caps the items taken from one feed, newest first.
	FeedMaxItems int `yaml:"feed_max_items"`
	// UploadMaxMB caps a file an admin adds with /corpus add, in MiB.
	UploadMaxMB int `yaml:"upload_max_mb"`
	// MaxDocumentBytes rejects larger document files, by name, before they
	// are read: one stray dump must not slow every command down.
	MaxDocumentBytes int `yaml:"max_document_bytes"`
}

// IndexConfig controls the persistent index and chunking.
type IndexConfig struct {
	// Dir is where the index is stored; empty means
	// <user cache dir>/briefing/index and "memory" keeps it in memory only.
	Dir string `yaml:"dir"`
	// ChunkChars is the largest passage, in characters.
	ChunkChars int `yaml:"chunk_chars"`
	// ChunkOverlap is how many characters of whole sentences consecutive
	// passages of a paragraph share; less than ChunkChars.
	ChunkOverlap int `yaml:"chunk_overlap"`
}

// EmbedderConfig selects the dense embedder.
type EmbedderConfig struct {
	// Provider is "hashed" (offline, deterministic) or "openai" (any
	// OpenAI-compatible embeddings endpoint).
	Provider string `yaml:"provider"`
	// Model is the embedding model of the openai provider.
	Model string `yaml:"model"`
	// BaseURL of the openai provider; empty means llm.base_url.
	BaseURL string `yaml:"base_url"`
	// APIKeyEnv names the environment variable holding the provider's API
	// key; empty means llm.api_key_env.
	APIKeyEnv string `yaml:"api_key_env"`
	// Dimensions of the hashed embedder's vectors.
	Dimensions int `yaml:"dimensions"`
	// BatchSize is how many texts one embeddings request carries.
	BatchSize int `yaml:"batch_size"`
}

// RetrievalConfig tunes retrieval.
type RetrievalConfig struct {
	// TopK is how many passages a question retrieves.
	TopK int `yaml:"top_k"`
	// MinScore is the relevance floor in [0, 1]; 0 means the engine default.
	MinScore float64 `yaml:"min_score"`
	// MaxQuestionChars bounds questions, in characters.
	MaxQuestionChars int `yaml:"max_question_chars"`
	// GlossaryFiles extend the built-in cross-language glossary.
	GlossaryFiles []string `yaml:"glossary_files"`
	// Translator turns English questions into Italian for retrieval over
	// Italian text with the fitted ranker: "apertium" (when installed) or
	// "none".
	Translator string `yaml:"translator"`
	// Ranker is "rules" (the hand-set fusion and evidence rules) or
	// "fitted" (the fitted answer model, with three states).
	Ranker string `yaml:"ranker"`
}

// LLMConfig configures the optional OpenAI-compatible LLM.
type LLMConfig struct {
	// BaseURL of the OpenAI-compatible API; setting it turns the LLM on.
	BaseURL string `yaml:"base_url"`
	// Model name sent to the API.
	Model string `yaml:"model"`
	// APIKeyEnv names the environment variable holding the API key; empty
	// sends no key (local servers).
	APIKeyEnv string `yaml:"api_key_env"`
	// Temperature of completions, in [0, 2].
	Temperature float64 `yaml:"temperature"`
	// MaxTokens bounds one completion.
	MaxTokens int `yaml:"max_tokens"`
	// Timeout of one request.
	Timeout time.Duration `yaml:"timeout"`
	// MaxRetries on 429, 5xx and network errors.
	MaxRetries int `yaml:"max_retries"`
	// SummaryTokenBudget bounds the passages a generated summary reads.
	SummaryTokenBudget int `yaml:"summary_token_budget"`
	// RewriteQueries translates questions into the corpus language for
	// retrieval.
	RewriteQueries bool `yaml:"rewrite_queries"`
}

// DiscordConfig configures the Discord bot (briefing serve).
type DiscordConfig struct {
	// TokenEnv names the environment variable holding the bot token.
	TokenEnv string `yaml:"token_env"`
	// AppID is the application ID (a snowflake).
	AppID string `yaml:"app_id"`
	// APIBaseURL is Discord's REST API base, or a proxy's.
	APIBaseURL string `yaml:"api_base_url"`
	// GuildIDs to register commands in (instant updates); empty registers
	// them globally.
	GuildIDs []string `yaml:"guild_ids"`
	// MentionChannels where a mention is answered; ["all"] means everywhere.
	MentionChannels []string `yaml:"mention_channels"`
	// AdminRoleIDs and AdminUserIDs may run /reload.
	AdminRoleIDs []string `yaml:"admin_role_ids"`
	AdminUserIDs []string `yaml:"admin_user_ids"`
	// HTTPListen turns on HTTP-interactions mode on this address.
	HTTPListen string `yaml:"http_listen"`
	// PublicKey is the application's hex Ed25519 public key (HTTP mode).
	PublicKey string `yaml:"public_key"`
	// ReplayWindow is how old a signed interaction may be.
	ReplayWindow time.Duration `yaml:"replay_window"`
	// RatePerMinute and RateBurst limit each user's questions.
	RatePerMinute int `yaml:"rate_per_minute"`
	RateBurst     int `yaml:"rate_burst"`
	// MaxConcurrent caps questions answered at once.
	MaxConcurrent int `yaml:"max_concurrent"`
	// MaxQuestionChars bounds a question typed in Discord.
	MaxQuestionChars int `yaml:"max_question_chars"`
	// AnswerTimeout bounds the work on one question.
	AnswerTimeout time.Duration `yaml:"answer_timeout"`
	// ThreadHistory is how many earlier turns of a thread are context.
	ThreadHistory int `yaml:"thread_history"`
	// StreamEditInterval is the least time between edits of a streamed reply.
	StreamEditInterval time.Duration `yaml:"stream_edit_interval"`
	// MessageContentIntent requests the privileged intent mentions need.
	MessageContentIntent bool `yaml:"message_content_intent"`
	// ReloadTimeout bounds one /reload or /corpus change; one cut off by it
	// leaves the previous index serving.
	ReloadTimeout time.Duration `yaml:"reload_timeout"`
}

// OpsConfig configures the operations endpoint of serve.
type OpsConfig struct {
	// Listen is the address of /healthz and /metrics; empty turns them off.
	Listen string `yaml:"listen"`
}

// LogConfig configures logging.
type LogConfig struct {
	// Level is debug, info, warn or error.
	Level string `yaml:"level"`
	// Format is text or json; empty means json for serve, text otherwise.
	Format string `yaml:"format"`
}

// DefaultConfig returns the configuration used when nothing is set.
func DefaultConfig() Config {
	// Each package owns its defaults; only the LLM's model, temperature
	// and answer length are chosen here (llm has none: they depend on the
	// provider).
	eng, b := rag.DefaultOptions(), bot.DefaultOptions()
	return Config{
		Corpus: CorpusConfig{
			Feeds:            []string{},
			URLs:             []string{},
			FetchTimeout:     20 * time.Second,
			FetchMaxMB:       10,
			FeedMaxItems:     30,
			UploadMaxMB:      8,
			MaxDocumentBytes: corpus.DefaultMaxDocumentBytes,
		},
		Index: IndexConfig{ChunkChars: eng.Chunk.MaxChars, ChunkOverlap: eng.Chunk.Overlap},
		Embedder: EmbedderConfig{
			Provider:   "hashed",
			Dimensions: eng.HashedDimensions,
			BatchSize:  llm.DefaultBatchSize,
		},
		Retrieval: RetrievalConfig{
			TopK:             eng.TopK,
			MaxQuestionChars: eng.MaxQuestionChars,
			GlossaryFiles:    []string{},
			Translator:       "apertium",
			Ranker:           rag.DefaultOptions().Ranker,
		},
		LLM: LLMConfig{
			Model:              "gpt-4o-mini",
			APIKeyEnv:          "OPENAI_API_KEY",
			Temperature:        0.1,
			MaxTokens:          700,
			Timeout:            llm.DefaultTimeout,
			MaxRetries:         llm.DefaultMaxRetries,
			SummaryTokenBudget: eng.SummaryTokenBudget,
			RewriteQueries:     true,
		},
		Discord: DiscordConfig{
			TokenEnv:             "BRIEFING_DISCORD_TOKEN",
			APIBaseURL:           b.APIBaseURL,
			GuildIDs:             []string{},
			MentionChannels:      []string{},
			AdminRoleIDs:         []string{},
			AdminUserIDs:         []string{},
			ReplayWindow:         b.ReplayWindow,
			RatePerMinute:        b.RatePerMinute,
			RateBurst:            b.RateBurst,
			MaxConcurrent:        b.MaxConcurrent,
			MaxQuestionChars:     b.MaxQuestionChars,
			AnswerTimeout:        b.AnswerTimeout,
			ThreadHistory:        b.ThreadHistory,
			StreamEditInterval:   b.StreamEditInterval,
			MessageContentIntent: true,
			ReloadTimeout:        b.ReloadTimeout,
		},
		Ops: OpsConfig{Listen: "127.0.0.1:9090"},
		Log: LogConfig{Level: "info"},
	}
}

// envPrefix starts every environment override.
const envPrefix = "BRIEFING_"

// configEnv names the variable that points at the configuration file.
const configEnv = "BRIEFING_CONFIG"

// defaultConfigFile is the file name read, when present, from the user config directory if no file is named.
const defaultConfigFile = "config.yaml"

// EnvName returns the environment variable overriding the key at path
// ("llm.base_url" → "BRIEFING_LLM_BASE_URL").
func EnvName(path string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(path, ".", "_"))
}

var durationType = reflect.TypeFor[time.Duration]()

// configKey is one leaf key of Config: its dotted path and its field.
type configKey struct {
	Path  string
	Index []int
	Type  reflect.Type
}

// configKeys lists every leaf key of Config in declaration order.
func configKeys() []configKey {
	var keys []configKey
	var walk func(t reflect.Type, prefix string, index []int)
	walk = func(t reflect.Type, prefix string, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			name := yamlName(f)
			if name == "" {
				continue
			}
			idx := append(slices.Clone(index), i)
			if f.Type.Kind() == reflect.Struct && f.Type != durationType {
				walk(f.Type, prefix+name+".", idx)
				continue
			}
			keys = append(keys, configKey{Path: prefix + name, Index: idx, Type: f.Type})
		}
	}
	walk(reflect.TypeFor[Config](), "", nil)
	return keys
}

// yamlName is the key of a struct field, or "" when it has none.
func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" || !f.IsExported() {
		return ""
	}
	return name
}

// LoadConfig returns the defaults overlaid with the YAML file at path, then
// the BRIEFING_* variables of getenv, then override (flags; may be nil),
// and validated. An absent file is an error only when explicit is true.
// The error lists every problem found, joined with errors.Join.
func LoadConfig(path string, explicit bool, getenv func(string) string, override func(*Config)) (Config, error) {
	cfg := DefaultConfig()
	var errs []error
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist) && !explicit:
		case err != nil:
			return cfg, fmt.Errorf("read config: %w", err)
		default:
			if err := decodeYAML(data, &cfg); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", path, err))
			}
		}
	}
	if err := applyEnv(&cfg, getenv); err != nil {
		errs = append(errs, err)
	}
	if override != nil {
		override(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		errs = append(errs, err)
	}
	return cfg, errors.Join(errs...)
}

// decodeYAML overlays the YAML document data on cfg. Unlike
// yaml.Decoder.KnownFields, it walks the whole tree and reports every
// unknown key, duplicate and type error, each with its full path and line.
func decodeYAML(data []byte, cfg *Config) error {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // empty file: defaults
		}
		return fmt.Errorf("parse: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return fmt.Errorf("line %d: more than one YAML document", extra.Line)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil
		}
		root = root.Content[0]
	}
	var errs []error
	decodeNode(root, reflect.ValueOf(cfg).Elem(), "", &errs)
	return errors.Join(errs...)
}

// decodeNode decodes n into v, the value at path, appending every problem to
// errs. A null node keeps the current (default) value.
func decodeNode(n *yaml.Node, v reflect.Value, path string, errs *[]error) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	at := func(format string, args ...any) {
		name := path
		if name == "" {
			name = "configuration"
		}
		*errs = append(*errs, fmt.Errorf("%s (line %d): %s", name, n.Line, fmt.Sprintf(format, args...)))
	}
	t := v.Type()
	switch {
	case t.Kind() == reflect.Struct && t != durationType:
		if n.Kind != yaml.MappingNode {
			at("want a mapping of keys, got %s", nodeKind(n))
			return
		}
		fields := map[string]int{}
		var names []string
		for i := range t.NumField() {
			if name := yamlName(t.Field(i)); name != "" {
				fields[name] = i
				names = append(names, name)
			}
		}
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key := joinPath(path, k.Value)
			if k.Value == "<<" {
				*errs = append(*errs, fmt.Errorf("%q (line %d): merge keys are not supported", key, k.Line))
				continue
			}
			if line, dup := seen[k.Value]; dup {
				*errs = append(*errs, fmt.Errorf("duplicate key %q (line %d, first on line %d)", key, k.Line, line))
				continue
			}
			seen[k.Value] = k.Line
			fi, ok := fields[k.Value]
			if !ok {
				*errs = append(*errs, fmt.Errorf("unknown key %q (line %d)%s", key, k.Line, unknownHint(path, k.Value, names)))
				continue
			}
			decodeNode(val, v.Field(fi), key, errs)
		}
	case t == durationType:
		if n.Kind != yaml.ScalarNode {
			at("want a duration such as \"30s\", got %s", nodeKind(n))
			return
		}
		d, err := time.ParseDuration(n.Value)
		if err != nil {
			at("want a duration such as \"30s\", got %q", n.Value)
			return
		}
		v.SetInt(int64(d))
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			at("want a list, got %s", nodeKind(n))
			return
		}
		list := reflect.MakeSlice(t, 0, len(n.Content))
		for i, item := range n.Content {
			elem := reflect.New(t.Elem()).Elem()
			decodeNode(item, elem, fmt.Sprintf("%s[%d]", path, i), errs)
			list = reflect.Append(list, elem)
		}
		v.Set(list)
	default:
		if n.Kind != yaml.ScalarNode {
			at("want %s, got %s", kindName(t), nodeKind(n))
			return
		}
		if t.Kind() == reflect.String {
			v.SetString(n.Value) // numbers such as IDs are fine as strings
			return
		}
		target := reflect.New(t)
		if err := n.Decode(target.Interface()); err != nil {
			at("want %s, got %q", kindName(t), n.Value)
			return
		}
		v.Set(target.Elem())
	}
}

// unknownHint suggests the key probably meant or, for what looks like a
// secret, where secrets go.
func unknownHint(section, key string, names []string) string {
	best, bestDist := "", 3
	for _, n := range names {
		if d := editDistance(key, n); d < bestDist {
			best, bestDist = n, d
		}
	}
	if best != "" {
		return fmt.Sprintf("; did you mean %q?", joinPath(section, best))
	}
	lower := strings.ToLower(key)
	for _, s := range []string{"key", "token", "secret", "password"} {
		if strings.Contains(lower, s) {
			return "; secrets are never read from the file: put them in the environment variable named by the *_env key"
		}
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	}
	return t.String()
}

// applyEnv overlays the BRIEFING_* variables on cfg: each key has one, named
// by EnvName. An empty variable is ignored; lists are comma-separated.
func applyEnv(cfg *Config, getenv func(string) string) error {
	if getenv == nil {
		return nil
	}
	var errs []error
	root := reflect.ValueOf(cfg).Elem()
	for _, k := range configKeys() {
		name := EnvName(k.Path)
		raw := getenv(name)
		if raw == "" {
			continue
		}
		if err := setFromString(root.FieldByIndex(k.Index), raw); err != nil {
			errs = append(errs, fmt.Errorf("environment %s=%q (%s): %w", name, raw, k.Path, err))
		}
	}
	return errors.Join(errs...)
}

// setFromString parses s into v according to v's type.
func setFromString(v reflect.Value, s string) error {
	s = strings.TrimSpace(s)
	switch t := v.Type(); {
	case t == durationType:
		d, err := time.ParseDuration(s)
		if err != nil {
			return errors.New("want a duration such as \"30s\"")
		}
		v.SetInt(int64(d))
	case t.Kind() == reflect.String:
		v.SetString(s)
	case t.Kind() == reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return errors.New("want an integer")
		}
		v.SetInt(int64(n))
	case t.Kind() == reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return errors.New("want a number")
		}
		v.SetFloat(f)
	case t.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return errors.New("want true or false")
		}
		v.SetBool(b)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		list := []string{}
		for item := range strings.SplitSeq(s, ",") {
			if item = strings.TrimSpace(item); item != "" {
				list = append(list, item)
			}
		}
		v.Set(reflect.ValueOf(list))
	default:
		return fmt.Errorf("unsupported type %s", t)
	}
	return nil
}

var (
	envNameRE   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	snowflakeRE = regexp.MustCompile(`^[0-9]{1,20}$`)
)

// Validate reports every invalid setting at once (errors.Join), each naming
// its key.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	intRange := func(key string, v, lo, hi int) {
		if v < lo || v > hi {
			bad(key, "%d is out of range [%d, %d]", v, lo, hi)
		}
	}
	positive := func(key string, d time.Duration) {
		if d <= 0 {
			bad(key, "must be a positive duration, got %s", d)
		}
	}
	checkURL := func(key, raw string) {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad(key, "%q is not an http(s) URL", redactURL(raw))
		}
	}
	checkEnvName := func(key, name string, required bool) {
		switch {
		case name == "" && required:
			bad(key, "must name an environment variable")
		case name != "" && !envNameRE.MatchString(name):
			// Never echo the value: it may be a secret pasted by mistake.
			bad(key, "must be the NAME of an environment variable (letters, digits, _), not a secret value")
		}
	}
	checkAddr := func(key, addr string) {
		if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
			bad(key, "%q is not a host:port address", addr)
		}
	}
	checkIDs := func(key string, ids []string) {
		for i, id := range ids {
			if !snowflakeRE.MatchString(id) {
				bad(fmt.Sprintf("%s[%d]", key, i), "%q is not a Discord ID (digits)", id)
			}
		}
	}

	// corpus
	for i, u := range c.Corpus.Feeds {
		checkURL(fmt.Sprintf("corpus.feeds[%d]", i), u)
	}
	for i, u := range c.Corpus.URLs {
		checkURL(fmt.Sprintf("corpus.urls[%d]", i), u)
	}
	positive("corpus.fetch_timeout", c.Corpus.FetchTimeout)
	intRange("corpus.fetch_max_mb", c.Corpus.FetchMaxMB, 1, 200)
	intRange("corpus.feed_max_items", c.Corpus.FeedMaxItems, 1, 500)
	intRange("corpus.upload_max_mb", c.Corpus.UploadMaxMB, 1, 25)

	// index
	intRange("index.chunk_chars", c.Index.ChunkChars, 100, 10000)
	if c.Index.ChunkOverlap < 0 {
		bad("index.chunk_overlap", "must not be negative, got %d", c.Index.ChunkOverlap)
	} else if c.Index.ChunkOverlap >= c.Index.ChunkChars {
		bad("index.chunk_overlap", "%d must be less than index.chunk_chars (%d)", c.Index.ChunkOverlap, c.Index.ChunkChars)
	}

	// embedder
	switch c.Embedder.Provider {
	case "hashed":
	case "openai":
		if c.Embedder.Model == "" {
			bad("embedder.model", "is required when embedder.provider is openai")
		}
		if c.Embedder.BaseURL == "" && c.LLM.BaseURL == "" {
			bad("embedder.base_url", "is required when embedder.provider is openai and llm.base_url is empty")
		}
	default:
		bad("embedder.provider", "%q is not one of hashed, openai", c.Embedder.Provider)
	}
	if c.Embedder.BaseURL != "" {
		checkURL("embedder.base_url", c.Embedder.BaseURL)
	}
	checkEnvName("embedder.api_key_env", c.Embedder.APIKeyEnv, false)
	intRange("embedder.dimensions", c.Embedder.Dimensions, 8, 8192)
	intRange("embedder.batch_size", c.Embedder.BatchSize, 1, 2048)

	// retrieval
	intRange("retrieval.top_k", c.Retrieval.TopK, 1, 100)
	if c.Retrieval.MinScore < 0 || c.Retrieval.MinScore > 1 {
		bad("retrieval.min_score", "%g is out of range [0, 1]", c.Retrieval.MinScore)
	}
	intRange("corpus.max_document_bytes", c.Corpus.MaxDocumentBytes, 1, 1<<30)
	intRange("retrieval.max_question_chars", c.Retrieval.MaxQuestionChars, 1, 100000)
	if t := c.Retrieval.Translator; t != "apertium" && t != "none" {
		bad("retrieval.translator", "%q: want apertium or none", t)
	}
	if r := c.Retrieval.Ranker; r != rag.RankerRules && r != rag.RankerFitted {
		bad("retrieval.ranker", "%q: want %s or %s", r, rag.RankerRules, rag.RankerFitted)
	}
	for i, f := range c.Retrieval.GlossaryFiles {
		if strings.TrimSpace(f) == "" {
			bad(fmt.Sprintf("retrieval.glossary_files[%d]", i), "empty path")
		}
	}

	// llm
	if c.LLM.BaseURL != "" {
		checkURL("llm.base_url", c.LLM.BaseURL)
		if c.LLM.Model == "" {
			bad("llm.model", "is required when llm.base_url is set")
		}
	}
	checkEnvName("llm.api_key_env", c.LLM.APIKeyEnv, false)
	if c.LLM.Temperature < 0 || c.LLM.Temperature > 2 {
		bad("llm.temperature", "%g is out of range [0, 2]", c.LLM.Temperature)
	}
	intRange("llm.max_tokens", c.LLM.MaxTokens, 1, 1000000)
	positive("llm.timeout", c.LLM.Timeout)
	intRange("llm.max_retries", c.LLM.MaxRetries, 0, 10)
	intRange("llm.summary_token_budget", c.LLM.SummaryTokenBudget, 100, 10000000)

	// discord
	checkEnvName("discord.token_env", c.Discord.TokenEnv, true)
	if c.Discord.AppID != "" && !snowflakeRE.MatchString(c.Discord.AppID) {
		bad("discord.app_id", "%q is not a Discord ID (digits)", c.Discord.AppID)
	}
	checkURL("discord.api_base_url", c.Discord.APIBaseURL)
	checkIDs("discord.guild_ids", c.Discord.GuildIDs)
	if slices.Contains(c.Discord.MentionChannels, "all") {
		if len(c.Discord.MentionChannels) > 1 {
			bad("discord.mention_channels", `"all" must be the only entry`)
		}
	} else {
		checkIDs("discord.mention_channels", c.Discord.MentionChannels)
	}
	checkIDs("discord.admin_role_ids", c.Discord.AdminRoleIDs)
	checkIDs("discord.admin_user_ids", c.Discord.AdminUserIDs)
	if c.Discord.HTTPListen != "" {
		checkAddr("discord.http_listen", c.Discord.HTTPListen)
		if c.Discord.PublicKey == "" {
			bad("discord.public_key", "is required when discord.http_listen is set")
		}
	}
	if c.Discord.PublicKey != "" {
		if b, err := hex.DecodeString(c.Discord.PublicKey); err != nil || len(b) != 32 {
			bad("discord.public_key", "must be 64 hex digits (the application's Ed25519 public key)")
		}
	}
	positive("discord.replay_window", c.Discord.ReplayWindow)
	intRange("discord.rate_per_minute", c.Discord.RatePerMinute, 1, 10000)
	intRange("discord.rate_burst", c.Discord.RateBurst, 1, 10000)
	intRange("discord.max_concurrent", c.Discord.MaxConcurrent, 1, 10000)
	intRange("discord.max_question_chars", c.Discord.MaxQuestionChars, 1, 6000) // Discord's option limit
	positive("discord.answer_timeout", c.Discord.AnswerTimeout)
	intRange("discord.thread_history", c.Discord.ThreadHistory, 0, 100)
	positive("discord.stream_edit_interval", c.Discord.StreamEditInterval)
	positive("discord.reload_timeout", c.Discord.ReloadTimeout)

	// ops
	if c.Ops.Listen != "" {
		checkAddr("ops.listen", c.Ops.Listen)
	}

	// log
	if _, ok := logLevels[c.Log.Level]; !ok {
		bad("log.level", "%q is not one of debug, info, warn, error", c.Log.Level)
	}
	switch c.Log.Format {
	case "", "text", "json":
	default:
		bad("log.format", "%q is not one of text, json (or empty)", c.Log.Format)
	}
	return errors.Join(errs...)
}

// ResolveIndexDir returns the directory the index lives in: "" for an
// in-memory index ("memory"), the configured directory, or the default
// under the user's cache directory.
func (c Config) ResolveIndexDir() (string, error) {
	switch c.Index.Dir {
	case "memory":
		return "", nil
	case "":
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("default index dir: %w (set index.dir)", err)
		}
		return filepath.Join(cache, "briefing", "index"), nil
	default:
		return c.Index.Dir, nil
	}
}
