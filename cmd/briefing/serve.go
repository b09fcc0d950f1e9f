package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/briefing/briefing/bot"
	"github.com/briefing/briefing/rag"
)

var _ bot.Engine = (*rag.Engine)(nil)

// newServeCmd builds "briefing serve": the Discord bot.
func newServeCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the Discord bot (gateway, or HTTP interactions when discord.http_listen is set)",
		Long: `Run the Discord bot until SIGINT or SIGTERM. The bot token is read from the
environment variable named by discord.token_env (default
BRIEFING_DISCORD_TOKEN). With discord.http_listen and discord.public_key set,
interactions arrive as signed HTTP requests; otherwise over the gateway.
/healthz and /metrics are served on ops.listen. Logs are JSON.

On shutdown the bot stops taking new work, finishes replies in flight (within
a deadline) and closes the gateway. See docs/discord.md.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			// main cancels the command's ctx on SIGINT and SIGTERM.
			ctx := cmd.Context()
			cfg, err := a.loadConfig(cmd, nil)
			if err != nil {
				return err
			}
			token := a.getenv(cfg.Discord.TokenEnv)
			if token == "" {
				return usageErr(fmt.Errorf("no Discord bot token: set the environment variable %s (discord.token_env)", cfg.Discord.TokenEnv))
			}
			s, err := a.open(ctx, cfg, openOptions{logFormat: "json", fetch: true})
			if err != nil {
				return err
			}
			// Documents are added and removed from Discord only where there
			// is a corpus directory to hold them.
			var admin bot.CorpusAdmin
			if cfg.Corpus.Dir != "" {
				admin = newCorpusAdmin(s)
			}
			d := cfg.Discord
			b, err := bot.New(bot.Options{
				Token:                token,
				AppID:                d.AppID,
				APIBaseURL:           d.APIBaseURL,
				GuildIDs:             d.GuildIDs,
				MentionChannels:      d.MentionChannels,
				AdminRoleIDs:         d.AdminRoleIDs,
				AdminUserIDs:         d.AdminUserIDs,
				HTTPListen:           d.HTTPListen,
				PublicKey:            d.PublicKey,
				ReplayWindow:         d.ReplayWindow,
				RatePerMinute:        d.RatePerMinute,
				RateBurst:            d.RateBurst,
				ChannelRatePerMinute: d.ChannelRatePerMinute,
				ChannelRateBurst:     d.ChannelRateBurst,
				MaxConcurrent:        d.MaxConcurrent,
				MaxQuestionChars:     d.MaxQuestionChars,
				AnswerTimeout:        d.AnswerTimeout,
				ThreadHistory:        d.ThreadHistory,
				StreamEditInterval:   d.StreamEditInterval,
				MessageContentIntent: d.MessageContentIntent,
				ReloadTimeout:        d.ReloadTimeout,
				OpsListen:            cfg.Ops.Listen,
				CorpusAdmin:          admin,
				MaxUploadBytes:       int64(cfg.Corpus.UploadMaxMB) << 20,
				Logger:               s.logger,
			}, s.eng, s.reload, s.logger)
			if err != nil {
				return usageErr(fmt.Errorf("discord configuration: %w", err))
			}
			s.logger.Info("serving", "documents", len(s.docs), "passages", s.report.Passages,
				"mode", map[bool]string{true: "http", false: "gateway"}[d.HTTPListen != ""], "llm", cfg.LLM.BaseURL != "")
			// The first English question need not wait for the question
			// translator to load; the quote translator (170 MB) still waits
			// for its first English reader.
			wctx, stopWarm := context.WithTimeout(ctx, startTimeout)
			warmed := make(chan struct{})
			go func() {
				defer close(warmed)
				if a.startQuestions == nil {
					return
				}
				// Canceled: serve is ending. A failure or the deadline is worth a line.
				if err := a.startQuestions(wctx); err != nil && !errors.Is(wctx.Err(), context.Canceled) {
					s.logger.Warn("question translator did not start; the first English question starts it", "err", err)
				}
			}()
			defer func() { stopWarm(); <-warmed }()
			if err := b.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				return fmt.Errorf("serve: %w", err)
			}
			return nil
		},
	}
}
