package bot

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
)

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
		go b.closeAfterOpen(done)
		return fmt.Errorf("bot: open gateway: %w", ctx.Err())
	case <-timer.C:
		go b.closeAfterOpen(done)
		return errors.New("bot: open gateway: no READY within 30s")
	}
}

// closeAfterOpen waits for an Open the caller gave up on and closes the
// session it may have left half open.
func (b *Bot) closeAfterOpen(done <-chan error) {
	if err := <-done; err != nil {
		b.log.Debug("gateway open ended after it was given up", "err", redactErr(err, b.opts.Token))
	}
	_ = b.session.Close()
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
