package main

import (
	"time"

	"github.com/briefing/briefing/bot"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/fetch"
	"github.com/briefing/briefing/llm"
	"github.com/briefing/briefing/rag"
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
	// MinScore is the relevance floor of topic summaries in [0, 1]; 0
	// means the engine default.
	MinScore float64 `yaml:"min_score"`
	// MaxQuestionChars bounds questions, in characters.
	MaxQuestionChars int `yaml:"max_question_chars"`
	// GlossaryFiles extend the built-in cross-language glossary.
	GlossaryFiles []string `yaml:"glossary_files"`
	// Translator turns English questions into Italian for retrieval over
	// Italian text: "apertium" (when installed) or "none".
	Translator string `yaml:"translator"`
	// QuoteTranslator glosses Italian quotes in answers to English
	// questions with a machine translation, shown beside the verbatim
	// quote: "apertium" (when installed) or "none".
	QuoteTranslator string `yaml:"quote_translator"`
	// AnswerModel is a model file written by "briefing train --out"; empty
	// means the committed one, fitted on the default hashed embedder. A
	// configured embedder other than that one wants its own.
	AnswerModel string `yaml:"answer_model"`
	// AnswerThreshold replaces the answer model's threshold on
	// P(answerable) when not 0: lower answers more questions directly and
	// fewer as "the closest passages are"; README's operating points give
	// the cost.
	AnswerThreshold float64 `yaml:"answer_threshold"`
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
	// ChannelRatePerMinute and ChannelRateBurst limit the questions of
	// everyone in one channel together.
	ChannelRatePerMinute int `yaml:"channel_rate_per_minute"`
	ChannelRateBurst     int `yaml:"channel_rate_burst"`
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
			FetchTimeout:     fetch.DefaultTimeout,
			FetchMaxMB:       fetch.DefaultMaxBytes >> 20,
			FeedMaxItems:     fetch.DefaultMaxItems,
			UploadMaxMB:      int(b.MaxUploadBytes >> 20),
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
			QuoteTranslator:  "apertium",
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
			ChannelRatePerMinute: b.ChannelRatePerMinute,
			ChannelRateBurst:     b.ChannelRateBurst,
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
