package bot

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/safetext"
)

// conversation is the recent history of a thread the bot created.
type conversation struct {
	mu    sync.Mutex
	turns []briefing.Turn
}

func (c *conversation) recent(n int) []briefing.Turn {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.turns) > n {
		return slices.Clone(c.turns[len(c.turns)-n:])
	}
	return slices.Clone(c.turns)
}

func (c *conversation) add(t briefing.Turn, keep int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.turns = append(c.turns, t)
	if len(c.turns) > keep {
		c.turns = slices.Clone(c.turns[len(c.turns)-keep:])
	}
}

// channelAllowed reports whether mentions are answered in channelID.
func (b *Bot) channelAllowed(channelID string) bool {
	return slices.Contains(b.opts.MentionChannels, "all") || slices.Contains(b.opts.MentionChannels, channelID)
}

// stripMentions removes the bot's mention tokens from content.
func stripMentions(content, botID string) string {
	content = strings.ReplaceAll(content, "<@"+botID+">", " ")
	content = strings.ReplaceAll(content, "<@!"+botID+">", " ")
	return strings.TrimSpace(content)
}

// onMessage answers a mention in an allowed channel in a new thread on that
// message (in the channel, as a reply to it, when no thread can be
// created), and any message in a thread the bot created as a follow-up with
// the thread's recent turns as history. A panic while answering is logged
// with its stack under a reference, which a reply to the message carries.
func (b *Bot) onMessage(ctx context.Context, m *discordgo.Message) {
	botID := b.currentBotID()
	if m.Author == nil || m.Author.Bot || m.Author.ID == botID || botID == "" {
		return
	}
	ctx = context.WithoutCancel(ctx)
	if !b.begin() {
		return
	}
	defer b.end()
	log := b.log.With("message_id", m.ID, "guild_id", m.GuildID, "channel_id", m.ChannelID, "user_id", m.Author.ID)
	addressed := false // to the bot: only then does a panic get a reply
	// Registered after end, so it runs first: the error reply still counts
	// as work in flight during a shutdown.
	defer func() {
		if v := recover(); v != nil {
			ref := b.logPanic(log, v)
			if addressed {
				b.post(ctx, log, m.ChannelID, m.ID, outMessage{Content: fmt.Sprintf(t(guessLang(m.Content, "")).Internal, ref)})
			}
		}
	}()
	conv, inThread := b.threads.Get(m.ChannelID)
	mentioned := slices.ContainsFunc(m.Mentions, func(u *discordgo.User) bool { return u != nil && u.ID == botID })
	if !inThread && !(mentioned && b.channelAllowed(m.ChannelID)) {
		if mentioned {
			log.Debug("mention ignored: channel not allowed")
		}
		return
	}
	addressed = true
	b.answerMessage(ctx, log.With("thread_followup", inThread), m, botID, conv, inThread, mentioned)
}

// answerMessage answers m, a message addressed to the bot: a mention
// (inThread false, conv nil) or a follow-up in a thread it created.
func (b *Bot) answerMessage(ctx context.Context, log *slog.Logger, m *discordgo.Message, botID string, conv *conversation, inThread, mentioned bool) {
	q := safetext.Question(stripMentions(m.Content, botID))
	if strings.TrimSpace(m.Content) == "" {
		b.contentWarn.Do(func() {
			log.Warn("message content is empty: the Message Content intent is not granted (enable it in the developer portal and set discord.message_content_intent); mentions degrade to a hint to use /ask")
		})
		if mentioned {
			b.post(ctx, log, m.ChannelID, m.ID, outMessage{Content: t("en").NoContent})
		}
		return
	}
	lang := guessLang(q, "")
	if !hasWord(q) {
		b.post(ctx, log, m.ChannelID, m.ID, outMessage{Content: t(lang).Empty})
		return
	}
	if !b.admitMessage(ctx, log, m, q, lang) {
		return
	}
	defer b.limits.release()

	// replyTo is set when the answer goes in the channel, as a reply to
	// the message, instead of in a new thread.
	channel, replyTo := m.ChannelID, ""
	if !inThread {
		tctx, cancel := context.WithTimeout(ctx, b.deliveryTimeout)
		th, err := b.channels.startThread(tctx, m.ChannelID, m.ID, &discordgo.ThreadStart{
			Name: trimText(oneLine(q), maxThreadName), AutoArchiveDuration: 1440, Type: discordgo.ChannelTypeGuildPublicThread,
		})
		cancel()
		conv = &conversation{}
		if err != nil {
			// In a thread already, without Create Public Threads, or a
			// fault past the retries: an answer in place beats silence.
			log.Error("create thread failed; answering in the channel", "err", b.redact(err))
			replyTo = m.ID
		} else {
			channel = th.ID
			b.threads.Add(th.ID, conv)
			log = log.With("thread_id", th.ID)
		}
	}
	id := newRef()
	log = log.With("question_id", id)
	log.Info("mention received", "question_chars", runeLen(q))
	start := time.Now()
	actx, cancel := b.answerContext(ctx)
	defer cancel()
	req := briefing.Request{Question: q, History: conv.recent(b.opts.ThreadHistory), Gloss: true}
	a, err := b.engine.Answer(actx, req)
	if err != nil {
		a, err = b.answerInHaste(ctx, log, req, err)
	}
	if err != nil {
		b.post(ctx, log, channel, replyTo, outMessage{Content: b.userError(log, lang, q, err)})
		return
	}
	conv.add(briefing.Turn{Question: q, Answer: a.Text}, b.opts.ThreadHistory)
	if a.Lang == "" {
		a.Lang = lang
	}
	took := time.Since(start)
	b.metrics.Answered("mention", took, a.Refused, a.Fallback)
	log.Info("answered", "lang", a.Lang, "refused", a.Refused, "fallback", a.Fallback, "citations", len(a.Citations), "duration_ms", took.Milliseconds())
	b.answers.Add(id, storedAnswer{Question: q, Answer: a})
	for n, msg := range renderAnswer(a, answerView{ID: id, Title: q, Lang: a.Lang, Indexed: b.indexedAt()}) {
		ref := replyTo
		if n > 0 {
			ref = "" // the first message is the reply; the rest follow it
		}
		if !b.post(ctx, log, channel, ref, msg) {
			return
		}
	}
}

// admitMessage is admit for messages: refusals are replies to the message.
func (b *Bot) admitMessage(ctx context.Context, log *slog.Logger, m *discordgo.Message, q, lang string) bool {
	msg := t(lang)
	if n := runeLen(q); n > b.opts.MaxQuestionChars {
		log.Info("question too long", "chars", n)
		b.post(ctx, log, m.ChannelID, m.ID, outMessage{Content: fmt.Sprintf(msg.TooLong, n, b.opts.MaxQuestionChars)})
		return false
	}
	if text := b.rateLimited(log, m.Author.ID, m.ChannelID, msg); text != "" {
		b.post(ctx, log, m.ChannelID, m.ID, outMessage{Content: text})
		return false
	}
	if !b.limits.acquire() {
		b.metrics.RateLimited("busy")
		log.Info("rate limited", "reason", "busy")
		b.post(ctx, log, m.ChannelID, m.ID, outMessage{Content: msg.Busy})
		return false
	}
	return true
}

// post sends msg to a channel, as a reply to replyTo when set; allowed
// mentions are always none. 5xx answers, dropped connections and rate
// limits are retried within deliveryTimeout (interactionREST.do).
func (b *Bot) post(ctx context.Context, log *slog.Logger, channelID, replyTo string, msg outMessage) bool {
	ctx, cancel := context.WithTimeout(ctx, b.deliveryTimeout)
	defer cancel()
	send := &discordgo.MessageSend{
		Content:         trimText(msg.Content, maxContent),
		Embeds:          msg.Embeds,
		Components:      msg.Components,
		AllowedMentions: noMentions(),
	}
	if replyTo != "" {
		send.Reference = &discordgo.MessageReference{MessageID: replyTo, ChannelID: channelID}
	}
	if err := b.channels.channelMessage(ctx, channelID, send); err != nil {
		log.Error("send message failed", "err", b.redact(err))
		return false
	}
	return true
}
