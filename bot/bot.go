// Package bot is briefing's Discord front end: slash commands, mentions in
// threads, cited replies rendered within Discord's limits, an admin reload,
// and the two ways Discord delivers interactions (gateway websocket or HTTP
// interactions endpoint), which share one command code path.
//
// It depends on the engine only through the Engine interface it declares,
// and on Discord only through discordgo, whose REST calls go to a
// configurable API base URL (a REST proxy, or a fake in tests).
package bot

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/lrucache"
	"github.com/briefing/briefing/internal/ops"
)

// Engine is what the bot asks of the retrieval engine. *rag.Engine
// satisfies it.
type Engine interface {
	Answer(ctx context.Context, req briefing.Request) (briefing.Answer, error)
	Find(ctx context.Context, req briefing.SearchRequest) ([]briefing.Hit, error)
	Summarize(ctx context.Context, req briefing.SummaryRequest) (briefing.Answer, error)
	Documents() []briefing.DocumentInfo
}

// ReloadFunc re-reads the corpus (files, feeds, URLs) and re-indexes it,
// saying what changed. ctx carries Options.ReloadTimeout: the function must
// return once ctx is done. On error the engine must keep serving its
// previous index. The bot runs one reload or /corpus change at a time.
type ReloadFunc func(ctx context.Context) (briefing.CorpusChange, error)

// Options configure a Bot. They map one to one onto the discord.* and ops.*
// configuration keys. Zero values mean the documented default.
type Options struct {
	// Token is the bot token itself (not the name of its variable), with or
	// without the "Bot " prefix. Required. Never logged.
	Token string
	// AppID is the application ID. Empty: taken from the gateway's READY
	// (gateway mode); required in HTTP mode.
	AppID string
	// APIBaseURL is the REST base, default "https://discord.com/api/v9".
	// Point it at a Discord REST proxy or a local fake; the gateway URL
	// comes from its /gateway route.
	APIBaseURL string
	// GuildIDs to register the commands in (bulk overwrite per guild,
	// instant); empty registers them globally.
	GuildIDs []string
	// MentionChannels are the channel IDs where mentioning the bot asks a
	// question; ["all"] allows every channel; empty disables mentions.
	MentionChannels []string
	// AdminRoleIDs and AdminUserIDs may run /reload and /corpus. With both
	// empty nobody can.
	AdminRoleIDs, AdminUserIDs []string
	// HTTPListen, when set, selects HTTP-interactions mode: interactions
	// arrive as signed POSTs on this address (any path).
	HTTPListen string
	// PublicKey is the application's hex Ed25519 public key; required in
	// HTTP mode. Never logged.
	PublicKey string
	// ReplayWindow is how old an X-Signature-Timestamp may be; default 5m.
	ReplayWindow time.Duration
	// RatePerMinute and RateBurst bound each user's questions; defaults 6
	// and 3.
	RatePerMinute, RateBurst int
	// ChannelRatePerMinute and ChannelRateBurst bound the questions of
	// everyone in one channel together (mentions and commands, with
	// /sources); defaults 20 and 10: many users cannot flood a channel
	// between them.
	ChannelRatePerMinute, ChannelRateBurst int
	// MaxConcurrent caps questions being answered at once; default 8.
	MaxConcurrent int
	// MaxQuestionChars bounds a question in characters; default 500.
	MaxQuestionChars int
	// AnswerTimeout bounds one answer; default 60s.
	AnswerTimeout time.Duration
	// ThreadHistory is how many earlier turns of a thread go with a
	// follow-up; default 6.
	ThreadHistory int
	// StreamEditInterval is the least time between two edits of a streamed
	// answer; default 1s.
	StreamEditInterval time.Duration
	// MessageContentIntent requests the privileged Message Content intent
	// for mentions and thread follow-ups. Without it only messages that
	// mention the bot carry their text.
	MessageContentIntent bool
	// OpsListen serves /healthz and /metrics; empty disables.
	OpsListen string
	// ShutdownTimeout bounds how long Run waits for in-flight replies after
	// ctx is done; default 10s.
	ShutdownTimeout time.Duration
	// ReloadTimeout bounds one /reload or /corpus change (reading the
	// corpus and indexing it); default 10m. A change cut off by it leaves
	// the previous index serving.
	ReloadTimeout time.Duration
	// Ready reports whether the engine has an index (for /healthz); nil
	// means "Documents() is not empty".
	Ready func() bool
	// CorpusAdmin carries out /corpus add and /corpus remove (not a
	// configuration key: the wiring passes it); nil makes them report that
	// the corpus cannot be changed here.
	CorpusAdmin CorpusAdmin
	// MaxUploadBytes caps a file added with /corpus add (corpus.upload_max_mb);
	// default 8 MiB.
	MaxUploadBytes int64
	// DownloadTimeout bounds the download of an attachment; default 30s.
	DownloadTimeout time.Duration
	// Logger receives JSON-friendly structured logs; nil discards.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	def := DefaultOptions()
	if o.APIBaseURL == "" {
		o.APIBaseURL = def.APIBaseURL
	}
	o.APIBaseURL = strings.TrimSuffix(o.APIBaseURL, "/")
	if o.ReplayWindow <= 0 {
		o.ReplayWindow = def.ReplayWindow
	}
	if o.RatePerMinute <= 0 {
		o.RatePerMinute = def.RatePerMinute
	}
	if o.RateBurst <= 0 {
		o.RateBurst = def.RateBurst
	}
	if o.ChannelRatePerMinute <= 0 {
		o.ChannelRatePerMinute = def.ChannelRatePerMinute
	}
	if o.ChannelRateBurst <= 0 {
		o.ChannelRateBurst = def.ChannelRateBurst
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = def.MaxConcurrent
	}
	if o.MaxQuestionChars <= 0 {
		o.MaxQuestionChars = def.MaxQuestionChars
	}
	if o.AnswerTimeout <= 0 {
		o.AnswerTimeout = def.AnswerTimeout
	}
	if o.ThreadHistory <= 0 {
		o.ThreadHistory = def.ThreadHistory
	}
	if o.StreamEditInterval <= 0 {
		o.StreamEditInterval = def.StreamEditInterval
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = def.ShutdownTimeout
	}
	if o.MaxUploadBytes <= 0 {
		o.MaxUploadBytes = def.MaxUploadBytes
	}
	if o.DownloadTimeout <= 0 {
		o.DownloadTimeout = def.DownloadTimeout
	}
	if o.ReloadTimeout <= 0 {
		o.ReloadTimeout = def.ReloadTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o
}

// Bot answers questions on Discord. Create it with New and start it with Run.
type Bot struct {
	opts   Options
	engine Engine
	reload ReloadFunc
	log    *slog.Logger
	api    discordAPIClient
	rest   *interactionREST
	// channels sends the channel messages and threads of mentions, with
	// the bot token.
	channels *interactionREST
	session  *discordgo.Session
	pubKey   ed25519.PublicKey
	metrics  *ops.Metrics

	// firstResponseTimeout bounds the HTTP handler's wait for the first
	// response: the package constant, shortened only by tests.
	firstResponseTimeout time.Duration
	// beforeHTTPWork, when set (tests only), runs on the work goroutine of
	// an HTTP interaction, with its context, before the command code.
	beforeHTTPWork func(ctx context.Context)
	// streamTicks, when set (tests only), replaces the StreamEditInterval
	// ticker of streamed answers, so a test decides when edits may happen.
	streamTicks <-chan time.Time

	// downloads fetches attachments (from the URLs Discord gives only).
	downloads *http.Client
	// hurry is closed when a shutdown must finish: answers still being
	// computed are cancelled and their users told (see shutdown.go).
	hurry *hurry
	// stopBy is when the shutdown deadline ends, in Unix nanoseconds.
	stopBy atomic.Int64
	// deliveryTimeout bounds delivering one reply (defaultDeliveryTimeout;
	// shortened only by tests).
	deliveryTimeout time.Duration

	// httpReadTimeout bounds reading one HTTP request (httpReadTimeout;
	// shortened only by tests).
	httpReadTimeout time.Duration
	seenMu          sync.Mutex // guards seen (its Get and Add must not interleave)
	seen            *simplelru.LRU[string, time.Time]

	limits  *limiter
	answers *lru.Cache[string, storedAnswer]
	threads *lru.Cache[string, *conversation]
	// reloading is set while a reload or a /corpus change runs. Another
	// is told so at once rather than queued: the engine serialises indexing
	// itself, so the bot only has to keep admins from waiting on one
	// another (and CorpusAdmin from running twice at once).
	reloading atomic.Bool

	appID atomic.Value // string
	botID atomic.Value // string
	// indexed is when the engine's index was last built, in Unix
	// nanoseconds: New's time (the caller indexes before serving), then each
	// successful reload. Answers without dated sources are as of it.
	indexed atomic.Int64

	mu       sync.Mutex // guards stopping, active, idle
	stopping bool
	active   int
	idle     chan struct{}

	contentWarn sync.Once
}

// New validates opts and returns a Bot. engine answers questions; reload
// (may be nil: /reload then reports it is not available) re-indexes the
// corpus.
func New(opts Options, engine Engine, reload ReloadFunc, logger *slog.Logger) (*Bot, error) {
	if logger != nil {
		opts.Logger = logger
	}
	opts = opts.withDefaults()
	var errs []error
	if engine == nil {
		errs = append(errs, errors.New("engine is nil"))
	}
	if strings.TrimSpace(strings.TrimPrefix(opts.Token, "Bot ")) == "" {
		errs = append(errs, errors.New("discord token is empty"))
	}
	var pub ed25519.PublicKey
	if opts.HTTPListen != "" || opts.PublicKey != "" {
		k, err := hex.DecodeString(opts.PublicKey)
		if err != nil || len(k) != ed25519.PublicKeySize {
			errs = append(errs, errors.New("discord public key must be 64 hex digits (32 bytes)"))
		}
		pub = k
		if opts.HTTPListen != "" && opts.AppID == "" {
			errs = append(errs, errors.New("discord app id is required in HTTP interactions mode"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	token := opts.Token
	if !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("bot: discord session: %w", err)
	}
	s.Client = &http.Client{Transport: &rewriteTransport{base: opts.APIBaseURL}, Timeout: 30 * time.Second}
	// Interaction calls need no rewriting: they are built on the base.
	rest := &interactionREST{client: &http.Client{Timeout: 30 * time.Second}, base: opts.APIBaseURL}
	s.Identify.Intents = intents(opts)
	s.LogLevel = -1 // discordgo logs through the global log package; we log ourselves
	b := &Bot{
		opts:     opts,
		engine:   engine,
		reload:   reload,
		log:      opts.Logger,
		api:      s,
		rest:     rest,
		channels: &interactionREST{client: &http.Client{Timeout: 30 * time.Second}, base: opts.APIBaseURL, auth: token},
		session:  s,
		pubKey:   pub,
		metrics:  ops.NewMetrics(),
		limits:   newLimiter(rates{opts.RatePerMinute, opts.RateBurst, opts.ChannelRatePerMinute, opts.ChannelRateBurst}, opts.MaxConcurrent),
		answers:  lrucache.New[string, storedAnswer](512),
		threads:  lrucache.New[string, *conversation](1024),

		firstResponseTimeout: firstResponseTimeout,
		// No redirects: an attachment is served where Discord says.
		downloads:       &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		hurry:           newHurry(),
		deliveryTimeout: defaultDeliveryTimeout,
		httpReadTimeout: httpReadTimeout,
		seen:            mustSimpleLRU[string, time.Time](seenInteractions),
	}
	b.appID.Store(opts.AppID)
	b.botID.Store("")
	b.indexed.Store(time.Now().UnixNano())
	return b, nil
}

// indexedAt returns when the index was last built.
func (b *Bot) indexedAt() time.Time { return time.Unix(0, b.indexed.Load()) }

// intents are the minimal gateway intents: guilds (thread and channel
// events), guild messages only when mentions are enabled, and the
// privileged message content only when configured.
func intents(o Options) discordgo.Intent {
	in := discordgo.IntentsGuilds
	if len(o.MentionChannels) > 0 {
		in |= discordgo.IntentsGuildMessages
		if o.MessageContentIntent {
			in |= discordgo.IntentsMessageContent
		}
	}
	return in
}

// OpsHandler serves /healthz and /metrics for this bot.
func (b *Bot) OpsHandler() http.Handler {
	ready := b.opts.Ready
	if ready == nil {
		ready = func() bool { return len(b.engine.Documents()) > 0 }
	}
	return ops.Handler(b.metrics, ready)
}
