package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/safetext"
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
	text := fmt.Sprintf(t(localeLang(i.Locale)).Internal, ref)
	if r.responded.Load() {
		b.send(ctx, log, r, []outMessage{{Content: text}}, false)
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
// left on "thinking…" is the one outcome to avoid.
func (b *Bot) send(ctx context.Context, log *slog.Logger, r responder, out []outMessage, ephemeral bool) {
	ctx, cancel := context.WithTimeout(ctx, b.deliveryTimeout)
	defer cancel()
	for n, msg := range out {
		var err error
		if n == 0 {
			content := msg.Content
			embeds := msg.Embeds
			if embeds == nil {
				embeds = []*discordgo.MessageEmbed{}
			}
			components := msg.Components
			if components == nil {
				components = []discordgo.MessageComponent{}
			}
			err = r.edit(ctx, &discordgo.WebhookEdit{Content: &content, Embeds: &embeds, Components: &components})
			if err != nil && !errors.Is(err, errAbandoned) && ctx.Err() == nil {
				b.logSendError(log, "edit failed; sending the reply as a follow-up", err)
				p := &discordgo.WebhookParams{Content: msg.Content, Embeds: msg.Embeds, Components: msg.Components}
				if ephemeral {
					p.Flags = discordgo.MessageFlagsEphemeral
				}
				err = r.followup(ctx, p)
			}
		} else {
			p := &discordgo.WebhookParams{Content: msg.Content, Embeds: msg.Embeds, Components: msg.Components}
			if ephemeral {
				p.Flags = discordgo.MessageFlagsEphemeral
			}
			err = r.followup(ctx, p)
		}
		if err != nil {
			b.logSendError(log.With("part", n), "send reply failed", err)
			return
		}
	}
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

func (b *Bot) ask(ctx context.Context, log *slog.Logger, i *discordgo.Interaction, r responder) {
	f, ok := b.filterOf(ctx, log, i, r)
	if !ok {
		return
	}
	q, lang, ok := b.beginQuestion(ctx, log, i, r, "question")
	if !ok {
		return
	}
	defer b.limits.release()
	id := newRef()
	log = log.With("question_id", id)
	start := time.Now()
	actx, cancel := b.answerContext(ctx)
	defer cancel()
	st := b.newStreamer(ctx, log, r, q, lang)
	defer st.stop() // on a panic in Answer; a no-op after the stop below
	a, err := b.engine.Answer(actx, briefing.Request{Question: q, OnDelta: st.delta, Filter: f})
	st.stop()
	if err != nil {
		a, err = b.answerInHaste(ctx, log, briefing.Request{Question: q}, err)
	}
	if err != nil {
		b.send(ctx, log, r, []outMessage{{Content: b.userError(log, lang, q, err)}}, false)
		return
	}
	b.finishAnswer(ctx, log, r, "ask", id, q, withFilter(q, f), a, start)
}

// finishAnswer records, logs, caches and sends an answer.
func (b *Bot) finishAnswer(ctx context.Context, log *slog.Logger, r responder, kind, id, question, title string, a briefing.Answer, start time.Time) {
	lang := a.Lang
	if lang == "" {
		lang = guessLang(question, "")
	}
	took := time.Since(start)
	b.metrics.Answered(kind, took, a.Refused, a.Fallback)
	log.Info("answered", "lang", lang, "refused", a.Refused, "fallback", a.Fallback, "fallback_reason", a.FallbackReason,
		"generated", a.Generated, "citations", len(a.Citations), "question_chars", runeLen(question), "duration_ms", took.Milliseconds())
	b.answers.Add(id, storedAnswer{Question: question, Answer: a})
	b.send(ctx, log, r, renderAnswer(a, answerView{ID: id, Title: title, Lang: lang, Indexed: b.indexedAt()}), false)
}

func (b *Bot) search(ctx context.Context, log *slog.Logger, i *discordgo.Interaction, r responder) {
	f, ok := b.filterOf(ctx, log, i, r)
	if !ok {
		return
	}
	q, lang, ok := b.beginQuestion(ctx, log, i, r, "query")
	if !ok {
		return
	}
	defer b.limits.release()
	start := time.Now()
	actx, cancel := b.answerContext(ctx)
	defer cancel()
	var hits []briefing.Hit
	var err error
	if fs, can := b.engine.(filteredSearcher); can && !f.IsZero() {
		hits, err = fs.SearchFilter(actx, q, 5, f)
	} else {
		hits, err = b.engine.Search(actx, q, 5)
	}
	if err != nil {
		b.send(ctx, log, r, []outMessage{{Content: b.userError(log, lang, q, err)}}, false)
		return
	}
	b.metrics.Answered("search", time.Since(start), len(hits) == 0, false)
	log.Info("searched", "hits", len(hits))
	b.send(ctx, log, r, renderHits(withFilter(q, f), hits, lang), false)
}

func (b *Bot) summary(ctx context.Context, log *slog.Logger, i *discordgo.Interaction, r responder) {
	f, ok := b.filterOf(ctx, log, i, r)
	if !ok {
		return
	}
	topic, doc := safetext.Question(option(i, "topic")), option(i, "document")
	lang := localeLang(i.Locale)
	if topic != "" {
		lang = guessLang(topic, i.Locale)
	}
	if topic != "" && !hasWord(topic) || topic == "" && option(i, "topic") != "" {
		b.ephemeral(ctx, log, r, t(lang).Empty)
		return
	}
	if !b.admit(ctx, log, r, userOf(i).ID, topic, lang) {
		return
	}
	defer b.limits.release()
	if !b.deferReply(ctx, log, r, false) {
		return
	}
	id := newRef()
	log = log.With("question_id", id)
	title := t(lang).Summary
	for _, part := range []string{topic, b.docTitle(doc)} {
		if part != "" {
			title += ": " + part
			break
		}
	}
	title = withFilter(title, f)
	start := time.Now()
	actx, cancel := b.answerContext(ctx)
	defer cancel()
	st := b.newStreamer(ctx, log, r, title, lang)
	defer st.stop() // on a panic in Summarize; a no-op after the stop below
	a, err := b.engine.Summarize(actx, briefing.SummaryRequest{DocID: doc, Topic: topic, OnDelta: st.delta, Filter: f})
	st.stop()
	if err != nil {
		b.send(ctx, log, r, []outMessage{{Content: b.userError(log, lang, topic, err)}}, false)
		return
	}
	if a.Lang == "" {
		a.Lang = lang
	}
	b.finishAnswer(ctx, log, r, "summary", id, topic, title, a, start)
}

func (b *Bot) docTitle(id string) string {
	if id == "" {
		return ""
	}
	for _, d := range b.engine.Documents() {
		if d.ID == id {
			return d.Title
		}
	}
	return id
}

func (b *Bot) sources(ctx context.Context, log *slog.Logger, i *discordgo.Interaction, r responder) {
	if !b.deferReply(ctx, log, r, false) {
		return
	}
	b.send(ctx, log, r, renderDocuments(b.engine.Documents(), localeLang(i.Locale)), false)
}

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
	m := t(localeLang(i.Locale))
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
		b.send(ctx, log, r, []outMessage{{Content: trimText(text, maxContent)}}, true)
		return
	}
	b.metrics.Reload("ok")
	b.indexed.Store(time.Now().UnixNano())
	log.Info("reload done", "added", rep.Added, "changed", rep.Changed, "removed", rep.Removed, "unchanged", rep.Unchanged,
		"passages", rep.Passages, "embedded", rep.Embedded, "duration_ms", rep.Duration.Milliseconds())
	b.send(ctx, log, r, []outMessage{{Content: renderChange(c, m)}}, true)
}

// runReload runs the reload under ReloadTimeout and reports whether that
// deadline cut it off. It clears the reloading flag as soon as the reload
// returns (or panics), before the report is sent: an admin who reads the
// report may reload again at once.
func (b *Bot) runReload(ctx context.Context) (c Change, timedOut bool, err error) {
	defer b.reloading.Store(false)
	rctx, cancel := context.WithTimeout(ctx, b.opts.ReloadTimeout)
	defer cancel()
	c, err = b.reload(rctx)
	timedOut = err != nil && errors.Is(err, context.DeadlineExceeded) && errors.Is(rctx.Err(), context.DeadlineExceeded)
	return c, timedOut, err
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

// streamer edits a streamed answer in, at most once per interval.
type streamer struct {
	mu      sync.Mutex
	text    strings.Builder
	dirty   bool
	done    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

// newStreamer starts the editing loop; delta feeds it and stop ends it
// (waiting for an edit in progress, so the final answer is edited last).
// A panic in the loop is logged and ends the streaming, not the process.
func (b *Bot) newStreamer(ctx context.Context, log *slog.Logger, r responder, title, lang string) *streamer {
	s := &streamer{done: make(chan struct{}), stopped: make(chan struct{})}
	go func() {
		defer close(s.stopped)
		defer func() {
			if v := recover(); v != nil {
				b.logPanic(log, v)
			}
		}()
		ticks := b.streamTicks
		if ticks == nil {
			tick := time.NewTicker(b.opts.StreamEditInterval)
			defer tick.Stop()
			ticks = tick.C
		}
		for {
			select {
			case <-s.done:
				return
			case <-ticks:
			}
			s.mu.Lock()
			text, dirty := s.text.String(), s.dirty
			s.dirty = false
			s.mu.Unlock()
			if !dirty || strings.TrimSpace(text) == "" {
				continue
			}
			embeds := renderPartial(title, text, lang)
			// A streaming edit is worth little: it is not retried past its
			// interval, so a rate limit cannot hold back the final answer.
			ectx, cancel := context.WithTimeout(ctx, max(2*b.opts.StreamEditInterval, time.Second))
			err := r.edit(ectx, &discordgo.WebhookEdit{Embeds: &embeds})
			cancel()
			if err != nil && !errors.Is(err, errAbandoned) {
				log.Warn("stream edit failed", "err", b.redact(err))
			}
		}
	}()
	return s
}

func (s *streamer) delta(d string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.text.WriteString(d)
	s.dirty = true
}

// stop ends the loop and waits for it; calling it again does nothing.
func (s *streamer) stop() {
	s.once.Do(func() { close(s.done) })
	<-s.stopped
}

// filteredSearcher is the optional capability of an Engine to search within
// a date range or outlets; *rag.Engine has it.
type filteredSearcher interface {
	SearchFilter(ctx context.Context, query string, k int, f corpus.Filter) ([]briefing.Hit, error)
}

// filterOf reads the since, until and source options. A bad date is told to
// the user privately, before anything else happens.
func (b *Bot) filterOf(ctx context.Context, log *slog.Logger, i *discordgo.Interaction, r responder) (corpus.Filter, bool) {
	f, err := corpus.ParseFilter(option(i, "since"), option(i, "until"), option(i, "source"))
	if err != nil {
		log.Info("bad filter", "err", err)
		b.ephemeral(ctx, log, r, fmt.Sprintf(t(localeLang(i.Locale)).BadFilter, err))
		return corpus.Filter{}, false
	}
	return f, true
}

// withFilter appends a filter's description to a title.
func withFilter(title string, f corpus.Filter) string {
	if f.IsZero() {
		return title
	}
	return title + " (" + f.String() + ")"
}
