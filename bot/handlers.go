package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/briefing/briefing"
)

// storedAnswer is what the "Show sources" and feedback buttons find again.
type storedAnswer struct {
	Question string
	Answer   briefing.Answer
}

// newRef returns a short random reference: the question id of an answer,
// or the id under which an error is logged.
func newRef() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// begin registers a unit of work unless the bot is shutting down.
func (b *Bot) begin() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopping {
		return false
	}
	b.active++
	return true
}

// end finishes a unit of work started with begin.
func (b *Bot) end() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.active--
	if b.stopping && b.active == 0 && b.idle != nil {
		close(b.idle)
		b.idle = nil
	}
}

// stop refuses new work and returns a channel closed when the work in
// flight is done.
func (b *Bot) stop() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopping = true
	ch := make(chan struct{})
	if b.active == 0 {
		close(ch)
	} else {
		b.idle = ch
	}
	return ch
}

func userOf(i *discordgo.Interaction) *discordgo.User {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User
	}
	if i.User != nil {
		return i.User
	}
	return &discordgo.User{}
}

// handle serves one interaction, whichever way it arrived. Callers pass a
// ctx already detached from the bot's shutdown (context.WithoutCancel), so
// that a shutdown lets the reply finish within ShutdownTimeout instead of
// cutting it off; ctx is cancelled only when the interaction is abandoned
// (HTTP mode, no first response in time). A panic in the command code is
// logged with its stack under a reference, and the user gets the usual
// internal-error reply carrying it.
func (b *Bot) handle(ctx context.Context, i *discordgo.Interaction, r responder) {
	log := b.log.With("interaction_id", i.ID, "guild_id", i.GuildID, "channel_id", i.ChannelID, "user_id", userOf(i).ID)
	if !b.begin() {
		if i.Type != discordgo.InteractionApplicationCommandAutocomplete {
			b.ephemeral(ctx, log, r, t(localeLang(i.Locale)).ShuttingDown)
		}
		return
	}
	defer b.end()
	tr := &trackedResponder{responder: r}
	// Registered after end, so it runs first: the error reply still counts
	// as work in flight during a shutdown.
	defer func() {
		if v := recover(); v != nil {
			b.answerPanic(ctx, log, i, tr, v)
		}
	}()
	b.route(ctx, log, i, tr)
}

// answerPanic logs a panic recovered while serving i and, when the
// interaction can still be answered, tells the user under which reference.
func (b *Bot) answerPanic(ctx context.Context, log *slog.Logger, i *discordgo.Interaction, r *trackedResponder, v any) {
	ref := b.logPanic(log, v)
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		// A result cannot carry a message; no choices ends the spinner.
		if !r.responded.Load() {
			err := r.respond(ctx, &discordgo.InteractionResponse{
				Type: discordgo.InteractionApplicationCommandAutocompleteResult,
				Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}},
			})
			if err != nil {
				b.logSendError(log, "autocomplete failed", err)
			}
		}
		return
	}
	lang := localeLang(i.Locale)
	text := fmt.Sprintf(t(lang).Internal, ref)
	if r.responded.Load() {
		b.send(ctx, log, r, lang, []outMessage{{Content: text}}, false)
		return
	}
	b.ephemeral(ctx, log, r, text)
}

// logPanic logs a recovered panic value and the stack under a new
// reference, which it returns.
func (b *Bot) logPanic(log *slog.Logger, v any) string {
	ref := newRef()
	b.metrics.Error()
	log.Error("panic", "ref", ref, "panic", redactText(fmt.Sprint(v), b.opts.Token), "stack", string(debug.Stack()))
	return ref
}

// route sends an interaction to its command.
func (b *Bot) route(ctx context.Context, log *slog.Logger, i *discordgo.Interaction, r responder) {
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		data := i.ApplicationCommandData()
		log = log.With("command", data.Name)
		log.Info("command received")
		switch data.Name {
		case cmdAsk:
			b.ask(ctx, log, i, r)
		case cmdSearch:
			b.search(ctx, log, i, r)
		case cmdSummary:
			b.summary(ctx, log, i, r)
		case cmdSources:
			b.sources(ctx, log, i, r)
		case cmdReload:
			b.doReload(ctx, log, i, r)
		case cmdCorpus:
			b.doCorpus(ctx, log, i, r)
		case cmdHelp:
			b.reply(ctx, log, r, renderHelp(localeLang(i.Locale))[0], true)
		default:
			log.Warn("unknown command")
			b.ephemeral(ctx, log, r, t(localeLang(i.Locale)).Help)
		}
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.autocomplete(ctx, log, i, r)
	case discordgo.InteractionMessageComponent:
		b.component(ctx, log, i, r)
	default:
		log.Warn("unsupported interaction type", "type", int(i.Type))
	}
}

func option(i *discordgo.Interaction, name string) string {
	for _, o := range i.ApplicationCommandData().Options {
		if o.Name == name {
			v, _ := stringValue(o)
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// stringValue is o's value when o is a string option. Unlike
// o.StringValue it never panics, whatever the option's type or value.
func stringValue(o *discordgo.ApplicationCommandInteractionDataOption) (string, bool) {
	if o == nil || o.Type != discordgo.ApplicationCommandOptionString {
		return "", false
	}
	v, ok := o.Value.(string)
	return v, ok
}

// ephemeral responds with a short message only the user sees.
func (b *Bot) ephemeral(ctx context.Context, log *slog.Logger, r responder, text string) {
	b.reply(ctx, log, r, outMessage{Content: trimText(text, maxContent)}, true)
}

// reply responds at once with msg.
func (b *Bot) reply(ctx context.Context, log *slog.Logger, r responder, msg outMessage, ephemeral bool) {
	data := &discordgo.InteractionResponseData{Content: msg.Content, Embeds: msg.Embeds, Components: msg.Components}
	if ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	if err := r.respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}); err != nil {
		b.logSendError(log, "respond failed", err)
	}
}

// deferReply acknowledges the interaction ("thinking…"); the answer is
// edited in later.
func (b *Bot) deferReply(ctx context.Context, log *slog.Logger, r responder, ephemeral bool) bool {
	data := &discordgo.InteractionResponseData{}
	if ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	if err := r.respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource, Data: data}); err != nil {
		b.logSendError(log, "defer failed", err)
		return false
	}
	return true
}

// send edits the deferred response into the first message and sends the
// others as follow-ups (ephemeral when the reply is). Delivery is bounded
// by deliveryTimeout; the REST calls retry within it (delivery.go). When
// the edit still fails, the first message goes out as a follow-up: a user
// left on "thinking…" is the one outcome to avoid. When Discord rejects a
// message itself (payloadRejected), sending it again cannot help: a short
// error in lang, with the reference the rejection is logged under, takes
// its place and the rest of the reply is dropped.
func (b *Bot) send(ctx context.Context, log *slog.Logger, r responder, lang string, out []outMessage, ephemeral bool) {
	ctx, cancel := context.WithTimeout(ctx, b.deliveryTimeout)
	defer cancel()
	for n, msg := range out {
		err := b.sendPart(ctx, log, r, n, msg, ephemeral)
		if payloadRejected(err) {
			ref := newRef()
			b.metrics.Error()
			log.Error("reply rejected by Discord; sending an error message instead", "part", n, "ref", ref, "err", b.redact(err))
			err = b.sendPart(ctx, log, r, n, outMessage{Content: fmt.Sprintf(t(lang).Internal, ref)}, ephemeral)
			if err == nil {
				return
			}
		}
		if err != nil {
			b.logSendError(log.With("part", n), "send reply failed", err)
			return
		}
	}
}

// sendPart sends message n of a reply: the edit of the deferred response
// (a follow-up when the edit fails, unless Discord rejected the message
// itself) or a follow-up.
func (b *Bot) sendPart(ctx context.Context, log *slog.Logger, r responder, n int, msg outMessage, ephemeral bool) error {
	p := &discordgo.WebhookParams{Content: msg.Content, Embeds: msg.Embeds, Components: msg.Components}
	if ephemeral {
		p.Flags = discordgo.MessageFlagsEphemeral
	}
	if n > 0 {
		return r.followup(ctx, p)
	}
	content := msg.Content
	embeds := msg.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	components := msg.Components
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	err := r.edit(ctx, &discordgo.WebhookEdit{Content: &content, Embeds: &embeds, Components: &components})
	if err == nil || errors.Is(err, errAbandoned) || ctx.Err() != nil || payloadRejected(err) {
		return err
	}
	b.logSendError(log, "edit failed; sending the reply as a follow-up", err)
	return r.followup(ctx, p)
}

// payloadRejected reports whether err is Discord refusing a message as
// such: 400 (Invalid Form Body: a limit exceeded, a malformed field) or 413
// (too large). Other 4xx answers, such as 404 for an original response
// the user deleted, say nothing against the message, which a follow-up
// may still deliver.
func payloadRejected(err error) bool {
	var se *restStatusError
	return errors.As(err, &se) && (se.status == http.StatusBadRequest || se.status == http.StatusRequestEntityTooLarge)
}

// redact hides the bot token and interaction tokens from an error text
// before it is logged.
func (b *Bot) redact(err error) string {
	return redactErr(err, b.opts.Token).Error()
}

// logSendError logs a failure to send a reply. An abandoned interaction is
// expected (the HTTP handler gave up on it), not an error.
func (b *Bot) logSendError(log *slog.Logger, msg string, err error) {
	if errors.Is(err, errAbandoned) {
		log.Info("reply dropped: interaction abandoned")
		return
	}
	log.Error(msg, "err", b.redact(err))
}

// autocomplete offers documents whose ID or title contains what the user
// typed.
func (b *Bot) autocomplete(ctx context.Context, log *slog.Logger, i *discordgo.Interaction, r responder) {
	var typed string
	opts := i.ApplicationCommandData().Options
	// /corpus remove completes its id inside the subcommand.
	if len(opts) == 1 && opts[0].Type == discordgo.ApplicationCommandOptionSubCommand {
		opts = opts[0].Options
	}
	for _, o := range opts {
		// Only document options complete, and they are strings; any other
		// focused option (a client or a future command's) filters nothing.
		if v, ok := stringValue(o); ok && o.Focused {
			typed = strings.ToLower(strings.TrimSpace(v))
		}
	}
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	for _, d := range b.engine.Documents() {
		if typed != "" && !strings.Contains(strings.ToLower(d.ID), typed) && !strings.Contains(strings.ToLower(d.Title), typed) {
			continue
		}
		if len(d.ID) > maxChoiceName { // a value Discord would reject
			continue
		}
		name := d.ID
		if d.Title != "" {
			name = trimText(oneLine(d.Title), maxChoiceName)
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: d.ID})
		if len(choices) == 25 {
			break
		}
	}
	if err := r.respond(ctx, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}); err != nil {
		b.logSendError(log, "autocomplete failed", err)
	}
}

// component handles the buttons under an answer.
func (b *Bot) component(ctx context.Context, log *slog.Logger, i *discordgo.Interaction, r responder) {
	id := i.MessageComponentData().CustomID
	lang := localeLang(i.Locale)
	switch {
	case strings.HasPrefix(id, "src:"):
		qid := strings.TrimPrefix(id, "src:")
		sa, ok := b.answers.Get(qid)
		if !ok {
			b.ephemeral(ctx, log, r, t(lang).SourcesGone)
			return
		}
		if sa.Answer.Lang != "" {
			lang = sa.Answer.Lang
		}
		out := renderFullSources(sa.Answer, lang)
		log.Info("sources shown", "question_id", qid)
		b.reply(ctx, log, r, out[0], true)
		// The follow-ups are bounded like any reply's (send): a long
		// retry_after fails them at once rather than holding this
		// interaction, and a shutdown, for its length.
		ctx, cancel := context.WithTimeout(ctx, b.deliveryTimeout)
		defer cancel()
		for _, msg := range out[1:] {
			if err := r.followup(ctx, &discordgo.WebhookParams{Embeds: msg.Embeds, Flags: discordgo.MessageFlagsEphemeral}); err != nil {
				b.logSendError(log, "send sources failed", err)
				return
			}
		}
	case strings.HasPrefix(id, "fb:"):
		parts := strings.SplitN(id, ":", 3)
		if len(parts) != 3 || (parts[1] != "up" && parts[1] != "down") {
			log.Warn("bad custom id", "custom_id", id)
			return
		}
		if sa, ok := b.answers.Get(parts[2]); ok && sa.Answer.Lang != "" {
			lang = sa.Answer.Lang
		}
		b.metrics.Feedback(parts[1])
		log.Info("feedback", "question_id", parts[2], "vote", parts[1])
		b.ephemeral(ctx, log, r, t(lang).Thanks)
	default:
		log.Warn("unknown component", "custom_id", id)
	}
}
