package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/safetext"
)

// userError maps an error to what the user reads; unexpected errors get a
// reference under which the full error is logged.
func (b *Bot) userError(log *slog.Logger, lang, question string, err error) string {
	m := t(lang)
	if b.hurry.done() && errors.Is(err, context.Canceled) {
		log.Info("answer cancelled by the shutdown; the user is told to ask again")
		return m.ShuttingDown
	}
	switch {
	case errors.Is(err, briefing.ErrEmptyQuestion):
		return m.Empty
	case errors.Is(err, briefing.ErrQuestionTooLong):
		return fmt.Sprintf(m.TooLong, runeLen(question), b.opts.MaxQuestionChars)
	case errors.Is(err, briefing.ErrInvalidText):
		return m.InvalidText
	case errors.Is(err, briefing.ErrNoIndex):
		return m.NoIndex
	case errors.Is(err, briefing.ErrUnknownDocument):
		return m.UnknownDoc
	case errors.Is(err, briefing.ErrNoMatch):
		return m.NoMatch
	}
	ref := newRef()
	b.metrics.Error()
	log.Error("request failed", "ref", ref, "err", b.redact(err))
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf(m.Timeout, ref)
	}
	return fmt.Sprintf(m.Internal, ref)
}

// hasWord reports whether q has a letter or a digit: something to search
// for.
func hasWord(q string) bool {
	return strings.ContainsFunc(q, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}

// rateLimited applies the user's and the channel's rate limits: it returns
// the message for a request turned away, or "" when it may go on.
func (b *Bot) rateLimited(log *slog.Logger, user, channel string, m msgs) string {
	switch b.limits.allow(user, channel, time.Now()) {
	case userLimited:
		log.Info("rate limited", "reason", "user")
		b.metrics.RateLimited("user")
		return m.SlowDown
	case channelLimited:
		log.Info("rate limited", "reason", "channel")
		b.metrics.RateLimited("channel")
		return m.ChannelBusy
	}
	return ""
}

// admit applies, in order, the question length limit, the user's and the
// channel's rate limits and the concurrency cap. When it returns true the
// caller holds a slot and must release it.
func (b *Bot) admit(ctx context.Context, log *slog.Logger, r responder, user, channel, question, lang string) bool {
	m := t(lang)
	if n := runeLen(question); n > b.opts.MaxQuestionChars {
		log.Info("question too long", "chars", n)
		b.ephemeral(ctx, log, r, fmt.Sprintf(m.TooLong, n, b.opts.MaxQuestionChars))
		return false
	}
	if msg := b.rateLimited(log, user, channel, m); msg != "" {
		b.ephemeral(ctx, log, r, msg)
		return false
	}
	if !b.limits.acquire() {
		log.Info("rate limited", "reason", "busy")
		b.metrics.RateLimited("busy")
		b.ephemeral(ctx, log, r, m.Busy)
		return false
	}
	return true
}

// beginQuestion reads the question in option name, admits it (length,
// rate limit, concurrency cap) and defers the reply. When it returns false
// the user has been told why and nothing is held; otherwise the caller
// holds a concurrency slot and must release it.
func (b *Bot) beginQuestion(ctx context.Context, log *slog.Logger, i *discordgo.Interaction, r responder, name string) (q, lang string, ok bool) {
	q = safetext.Question(option(i, name))
	lang = guessLang(q, i.Locale)
	if !hasWord(q) {
		// Before the deferral, so that the hint is private: a question of
		// emoji, punctuation or mentions only is answered by the user's
		// eyes alone.
		b.ephemeral(ctx, log, r, t(lang).Empty)
		return "", "", false
	}
	if !b.admit(ctx, log, r, userOf(i).ID, i.ChannelID, q, lang) {
		return "", "", false
	}
	if !b.deferReply(ctx, log, r, false) {
		b.limits.release()
		return "", "", false
	}
	return q, lang, true
}
