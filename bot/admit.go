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

// admit applies, in order, the question length limit, the user's rate limit
// and the concurrency cap. When it returns true the caller holds a slot and
// must release it.
func (b *Bot) admit(ctx context.Context, log *slog.Logger, r responder, user, question, lang string) bool {
	m := t(lang)
	if n := runeLen(question); n > b.opts.MaxQuestionChars {
		log.Info("question too long", "chars", n)
		b.ephemeral(ctx, log, r, fmt.Sprintf(m.TooLong, n, b.opts.MaxQuestionChars))
		return false
	}
	if !b.limits.allow(user, time.Now()) {
		log.Info("rate limited", "reason", "user")
		b.metrics.RateLimited("user")
		b.ephemeral(ctx, log, r, m.SlowDown)
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
	if !b.admit(ctx, log, r, userOf(i).ID, q, lang) {
		return "", "", false
	}
	if !b.deferReply(ctx, log, r, false) {
		b.limits.release()
		return "", "", false
	}
	return q, lang, true
}
