package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/safetext"
)

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
	req := briefing.Request{Question: q, OnDelta: st.delta, Filter: f, Gloss: true}
	a, err := b.engine.Answer(actx, req)
	st.stop()
	if err != nil {
		// The same request, filter included; answerInHaste drops OnDelta.
		a, err = b.answerInHaste(ctx, log, req, err)
	}
	if err != nil {
		b.send(ctx, log, r, lang, []outMessage{{Content: b.userError(log, lang, q, err)}}, false)
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
	b.send(ctx, log, r, lang, renderAnswer(a, answerView{ID: id, Title: title, Lang: lang, Indexed: b.indexedAt()}), false)
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
	hits, err := b.engine.Find(actx, briefing.SearchRequest{Query: q, K: 5, Filter: f, Gloss: true})
	if err != nil {
		b.send(ctx, log, r, lang, []outMessage{{Content: b.userError(log, lang, q, err)}}, false)
		return
	}
	b.metrics.Answered("search", time.Since(start), len(hits) == 0, false)
	log.Info("searched", "hits", len(hits))
	b.send(ctx, log, r, lang, renderHits(withFilter(q, f), hits, lang), false)
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
	if !b.admit(ctx, log, r, userOf(i).ID, i.ChannelID, topic, lang) {
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
	req := briefing.SummaryRequest{DocID: doc, Topic: topic, OnDelta: st.delta, Filter: f, Gloss: true}
	if topic == "" {
		// No words to read a language from: the summary is in the
		// user's (a topic's own language wins, as a question's does).
		req.Lang = lang
	}
	a, err := b.engine.Summarize(actx, req)
	st.stop()
	if err != nil {
		b.send(ctx, log, r, lang, []outMessage{{Content: b.userError(log, lang, topic, err)}}, false)
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
	lang := localeLang(i.Locale)
	// The list is public and up to four messages long: it counts against
	// the user's and the channel's rates like a question, so it cannot
	// flood a channel.
	if msg := b.rateLimited(log, userOf(i).ID, i.ChannelID, t(lang)); msg != "" {
		b.ephemeral(ctx, log, r, msg)
		return
	}
	if !b.deferReply(ctx, log, r, false) {
		return
	}
	docs := b.engine.Documents()
	b.send(ctx, log, r, lang, capDocuments(renderDocuments(docs, lang), len(docs), lang), false)
}
