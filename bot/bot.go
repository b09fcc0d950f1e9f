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
	"net"
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
	Search(ctx context.Context, query string, k int) ([]briefing.Hit, error)
	Summarize(ctx context.Context, req briefing.SummaryRequest) (briefing.Answer, error)
	Documents() []briefing.DocumentInfo
}

// ReloadFunc re-reads the corpus (files, feeds, URLs) and re-indexes it,
// saying what changed. ctx carries Options.ReloadTimeout: the function must
// return once ctx is done. On error the engine must keep serving its
// previous index. The bot runs one reload or /corpus change at a time.
type ReloadFunc func(ctx context.Context) (Change, error)

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
		o.MaxUploadBytes = defaultMaxUpload
	}
	if o.DownloadTimeout <= 0 {
		o.DownloadTimeout = defaultDownloadTimeout
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
	opts    Options
	engine  Engine
	reload  ReloadFunc
	log     *slog.Logger
	api     discordAPIClient
	rest    *interactionREST
	session *discordgo.Session
	pubKey  ed25519.PublicKey
	metrics *ops.Metrics

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
		opts:    opts,
		engine:  engine,
		reload:  reload,
		log:     opts.Logger,
		api:     s,
		rest:    rest,
		session: s,
		pubKey:  pub,
		metrics: ops.NewMetrics(),
		limits:  newLimiter(opts.RatePerMinute, opts.RateBurst, opts.MaxConcurrent),
		answers: lrucache.New[string, storedAnswer](512),
		threads: lrucache.New[string, *conversation](1024),

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

// Run connects to Discord and serves until ctx is done, then shuts down
// gracefully: it stops taking new work, waits up to ShutdownTimeout for
// replies in flight, and closes the connections.
//
// In gateway mode (HTTPListen empty) it opens the gateway, registers the
// commands and handles interactions and mentions. In HTTP-interactions mode
// it registers the commands, serves InteractionsHandler on HTTPListen, and
// opens the gateway only when mentions are enabled (Discord delivers
// messages only there). With OpsListen set it also serves OpsHandler.
func (b *Bot) Run(ctx context.Context) error {
	var servers []*http.Server
	errc := make(chan error, 2)
	serve := func(addr, name string, h http.Handler) error {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("bot: listen %s on %s: %w", name, addr, err)
		}
		srv := b.newHTTPServer(h)
		servers = append(servers, srv)
		b.log.Info("listening", "server", name, "addr", ln.Addr().String())
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("bot: serve %s: %w", name, err)
			}
		}()
		return nil
	}
	shutdownServers := func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.opts.ShutdownTimeout)
		defer cancel()
		for _, s := range servers {
			_ = s.Shutdown(sctx)
		}
	}
	if b.opts.OpsListen != "" {
		if err := serve(b.opts.OpsListen, "ops", b.OpsHandler()); err != nil {
			return err
		}
	}

	gateway := b.opts.HTTPListen == "" || len(b.opts.MentionChannels) > 0
	if gateway {
		b.session.AddHandler(func(_ *discordgo.Session, r *discordgo.Resumed) {
			b.log.Info("gateway resumed")
		})
		b.session.AddHandler(func(_ *discordgo.Session, d *discordgo.Disconnect) {
			b.log.Warn("gateway disconnected")
		})
		if b.opts.HTTPListen == "" {
			b.session.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
				// Detached: a shutdown lets the reply finish (see handle).
				b.handle(context.WithoutCancel(ctx), ic.Interaction, gatewayResponder{b: b, i: ic.Interaction})
			})
		}
		if len(b.opts.MentionChannels) > 0 {
			b.session.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
				b.onMessage(ctx, m.Message)
			})
			if !b.opts.MessageContentIntent {
				b.log.Warn("message content intent disabled: mentions still carry their text, but thread follow-ups without a mention cannot be read; enable discord.message_content_intent and the Message Content intent in the developer portal")
			}
		}
		if err := b.open(ctx); err != nil {
			shutdownServers()
			return err
		}
		// discordgo fills its state from READY before Open returns; event
		// handlers run later, on their own goroutines.
		b.session.State.RLock()
		if u := b.session.State.User; u != nil {
			b.botID.Store(u.ID)
		}
		if app := b.session.State.Application; b.currentAppID() == "" && app != nil {
			b.appID.Store(app.ID)
		}
		b.session.State.RUnlock()
		b.log.Info("gateway ready", "bot_user_id", b.currentBotID(), "app_id", b.currentAppID())
	}
	if err := b.registerCommands(ctx); err != nil && ctx.Err() == nil {
		if gateway {
			_ = b.session.Close()
		}
		shutdownServers()
		return err
	}
	if b.opts.HTTPListen != "" {
		if err := serve(b.opts.HTTPListen, "interactions", b.InteractionsHandler()); err != nil {
			if gateway {
				_ = b.session.Close()
			}
			shutdownServers()
			return err
		}
	}

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	idle := b.stop() // before the log line: once it is written, new work is refused
	b.log.Info("shutting down", "inflight_deadline", b.opts.ShutdownTimeout.String())
	b.stopBy.Store(time.Now().Add(b.opts.ShutdownTimeout).UnixNano())
	deadline := time.NewTimer(b.opts.ShutdownTimeout)
	defer deadline.Stop()
	hurryUp := time.AfterFunc(time.Duration(float64(b.opts.ShutdownTimeout)*hurryShare), func() {
		b.log.Info("shutdown: cancelling answers still in flight")
		b.hurry.now()
	})
	defer hurryUp.Stop()
	shutdownServers()
	select {
	case <-idle:
	case <-deadline.C:
		b.log.Warn("shutdown deadline passed with replies in flight")
	}
	if gateway {
		if err := b.session.Close(); err != nil {
			runErr = errors.Join(runErr, fmt.Errorf("bot: close gateway: %w", err))
		}
	}
	b.log.Info("stopped")
	return runErr
}

// open connects the gateway. discordgo's Open blocks reading READY without a
// deadline, so it runs under ctx and a timeout.
func (b *Bot) open(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- b.session.Open() }()
	timer := time.NewTimer(30 * time.Second)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("bot: open gateway: %w", redactErr(err, b.opts.Token))
		}
		return nil
	case <-ctx.Done():
		go func() { <-done; _ = b.session.Close() }()
		return fmt.Errorf("bot: open gateway: %w", ctx.Err())
	case <-timer.C:
		go func() { <-done; _ = b.session.Close() }()
		return errors.New("bot: open gateway: no READY within 30s")
	}
}

func (b *Bot) currentAppID() string { s, _ := b.appID.Load().(string); return s }
func (b *Bot) currentBotID() string { s, _ := b.botID.Load().(string); return s }

// registerCommands bulk-overwrites the commands in each configured guild, or
// globally.
func (b *Bot) registerCommands(ctx context.Context) error {
	app := b.currentAppID()
	if app == "" {
		return errors.New("bot: register commands: application id unknown (set discord.app_id)")
	}
	guilds := b.opts.GuildIDs
	if len(guilds) == 0 {
		guilds = []string{""}
	}
	for _, g := range guilds {
		// A 5xx or a dropped connection at start-up is retried, like every
		// other call, rather than failing the whole start.
		rctx, cancel := context.WithTimeout(ctx, b.deliveryTimeout)
		err := retryDiscordgo(rctx, func() error {
			_, err := b.api.ApplicationCommandBulkOverwrite(app, g, commands(), discordgo.WithContext(rctx), discordgo.WithRetryOnRatelimit(false))
			return err
		})
		cancel()
		if err != nil {
			return fmt.Errorf("bot: register commands (guild %q): %w", g, err)
		}
		b.log.Info("commands registered", "guild_id", g, "count", len(commands()))
	}
	return nil
}
