package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

var (
	envNameRE   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	snowflakeRE = regexp.MustCompile(`^[0-9]{1,20}$`)
)

// maxInteractionWork bounds the deadlines of work that reports through an
// interaction's token (valid 15 minutes), with a minute to spare.
const maxInteractionWork = 14 * time.Minute

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
	if t := c.Retrieval.QuoteTranslator; t != "apertium" && t != "none" {
		bad("retrieval.quote_translator", "%q: want apertium or none", t)
	}
	for i, f := range c.Retrieval.GlossaryFiles {
		if strings.TrimSpace(f) == "" {
			bad(fmt.Sprintf("retrieval.glossary_files[%d]", i), "empty path")
		}
	}

	if a := c.Retrieval.AnswerThreshold; a < 0 || a > 1 {
		bad("retrieval.answer_threshold", "%g is out of range [0, 1] (0: the answer model's)", a)
	}
	if p := c.Retrieval.AnswerModel; p != "" && strings.TrimSpace(p) == "" {
		bad("retrieval.answer_model", "blank path")
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
	intRange("discord.channel_rate_per_minute", c.Discord.ChannelRatePerMinute, 1, 10000)
	intRange("discord.channel_rate_burst", c.Discord.ChannelRateBurst, 1, 10000)
	intRange("discord.max_concurrent", c.Discord.MaxConcurrent, 1, 10000)
	intRange("discord.max_question_chars", c.Discord.MaxQuestionChars, 1, 6000) // Discord's option limit
	// A reply edits the interaction's response, whose token Discord
	// honours for 15 minutes: a deadline past it could never report.
	tokenBound := func(key string, d time.Duration) {
		positive(key, d)
		if d > maxInteractionWork {
			bad(key, "%s is longer than %s: the interaction's token expires after 15 minutes, so the reply could not be sent", d, maxInteractionWork)
		}
	}
	tokenBound("discord.answer_timeout", c.Discord.AnswerTimeout)
	intRange("discord.thread_history", c.Discord.ThreadHistory, 0, 100)
	positive("discord.stream_edit_interval", c.Discord.StreamEditInterval)
	tokenBound("discord.reload_timeout", c.Discord.ReloadTimeout)

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
