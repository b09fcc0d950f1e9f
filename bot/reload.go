package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/briefing/briefing"
)

// isAdmin checks the member against the configured admin roles and users.
// The Manage Server permission Discord reports is not enough: channel
// overrides can expose /reload to anyone.
func (b *Bot) isAdmin(i *discordgo.Interaction) bool {
	u := userOf(i)
	if u.ID != "" && slices.Contains(b.opts.AdminUserIDs, u.ID) {
		return true
	}
	if i.Member != nil {
		for _, role := range i.Member.Roles {
			if slices.Contains(b.opts.AdminRoleIDs, role) {
				return true
			}
		}
	}
	return false
}

func (b *Bot) doReload(ctx context.Context, log *slog.Logger, i *discordgo.Interaction, r responder) {
	lang := localeLang(i.Locale)
	m := t(lang)
	if !b.isAdmin(i) {
		log.Warn("reload denied: not an admin", "claims_manage_guild", i.Member != nil && i.Member.Permissions&discordgo.PermissionManageGuild != 0)
		b.metrics.Reload("denied")
		b.ephemeral(ctx, log, r, m.NotAdmin)
		return
	}
	if b.reload == nil {
		b.ephemeral(ctx, log, r, m.NoReload)
		return
	}
	if !b.reloading.CompareAndSwap(false, true) {
		log.Info("reload refused: one is already running")
		b.metrics.Reload("busy")
		b.ephemeral(ctx, log, r, m.ReloadBusy)
		return
	}
	if !b.deferReply(ctx, log, r, true) {
		b.reloading.Store(false)
		return
	}
	log.Info("reload started", "timeout", b.opts.ReloadTimeout.String())
	c, timedOut, err := b.runReload(ctx)
	rep := c.Index
	if err != nil {
		ref := newRef()
		b.metrics.Reload("error")
		log.Error("reload failed", "ref", ref, "timed_out", timedOut, "err", b.redact(err))
		text := fmt.Sprintf(m.ReloadFailed, ref, safe(b.redact(err)))
		if timedOut {
			text = fmt.Sprintf(m.ReloadTimedOut, b.opts.ReloadTimeout, ref)
		}
		b.send(ctx, log, r, lang, []outMessage{{Content: trimText(text, maxContent)}}, true)
		return
	}
	b.metrics.Reload("ok")
	b.indexed.Store(time.Now().UnixNano())
	log.Info("reload done", "added", rep.Added, "changed", rep.Changed, "removed", rep.Removed, "unchanged", rep.Unchanged,
		"passages", rep.Passages, "embedded", rep.Embedded, "duration_ms", rep.Duration.Milliseconds())
	b.send(ctx, log, r, lang, []outMessage{{Content: renderChange(c, m)}}, true)
}

// runReload runs the reload under ReloadTimeout and reports whether that
// deadline cut it off. It clears the reloading flag as soon as the reload
// returns (or panics), before the report is sent: an admin who reads the
// report may reload again at once.
func (b *Bot) runReload(ctx context.Context) (c briefing.CorpusChange, timedOut bool, err error) {
	defer b.reloading.Store(false)
	rctx, cancel := context.WithTimeout(ctx, b.opts.ReloadTimeout)
	defer cancel()
	c, err = b.reload(rctx)
	timedOut = err != nil && errors.Is(err, context.DeadlineExceeded) && errors.Is(rctx.Err(), context.DeadlineExceeded)
	return c, timedOut, err
}
