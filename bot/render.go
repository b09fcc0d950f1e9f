package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
)

// Embed colours: answers blue, fallbacks amber, refusals grey.
const (
	colorAnswer   = 0x2B6CB0
	colorFallback = 0xD69E2E
	colorRefused  = 0x718096
	colorDraft    = 0xA0AEC0
)

// Bounds of one reply, whatever the engine hands over (an LLM server may
// ignore max_tokens): the answer's text is cut at maxAnswerRunes with a
// note, and a reply is at most maxReplyMessages messages (the answer and a
// few follow-ups); sources beyond them stay behind "Show sources".
const (
	maxAnswerRunes   = 8000
	maxReplyMessages = 4
)

// capAnswer cuts text at maxAnswerRunes, at a word, with a note saying so.
func capAnswer(text, lang string) string {
	if runeLen(text) <= maxAnswerRunes {
		return text
	}
	return trimText(text, maxAnswerRunes) + "\n\n" + t(lang).AnswerCut
}

// capMessages keeps at most maxReplyMessages messages; when it drops some
// and note is set, note becomes the footer of the last embed kept.
func capMessages(out []outMessage, note string) []outMessage {
	if len(out) <= maxReplyMessages {
		return out
	}
	out = out[:maxReplyMessages]
	last := out[len(out)-1]
	if note == "" || len(last.Embeds) == 0 {
		return out
	}
	e := last.Embeds[len(last.Embeds)-1]
	e.Footer = &discordgo.MessageEmbedFooter{Text: trimText(note, maxFooter)}
	// The note may push the message past 6,000 characters: make room.
	for len(e.Fields) > 0 {
		total := 0
		for _, x := range last.Embeds {
			total += embedSize(x)
		}
		if total <= maxEmbedTotal {
			break
		}
		e.Fields = e.Fields[:len(e.Fields)-1]
	}
	return out
}

// outMessage is one Discord message the bot sends: the first of a reply
// edits the deferred response, the rest are follow-ups.
type outMessage struct {
	Content    string                       `json:"content,omitempty"`
	Embeds     []*discordgo.MessageEmbed    `json:"embeds,omitempty"`
	Components []discordgo.MessageComponent `json:"components,omitempty"`
}

// answerView is what renderAnswer needs besides the answer.
type answerView struct {
	// ID identifies the answer for the buttons and the footer reference.
	ID string
	// Title heads the answer: the question, or "Summary: topic".
	Title string
	// Lang of bot-authored words.
	Lang string
	// Indexed is when the index was last built (start-up or reload): what
	// an answer without dated sources is as of.
	Indexed time.Time
}

// asOf says what an answer is as of: the newest date among the documents
// it cites, or, when none is dated (or it cites nothing), the last reload.
func asOf(a briefing.Answer, indexed time.Time, m msgs) string {
	ps := make([]corpus.Passage, 0, len(a.Citations))
	for _, c := range a.Citations {
		ps = append(ps, c.Passage)
	}
	if t, ok := corpus.Newest(ps); ok {
		return fmt.Sprintf(m.AsOf, t.Format("2006-01-02"))
	}
	if indexed.IsZero() {
		return ""
	}
	return fmt.Sprintf(m.AsOfReload, indexed.UTC().Format("2006-01-02 15:04 UTC"))
}

// maxURLShown is the longest URL a citation shows; a longer one would eat
// the quote's room, and a cut URL is a broken link. maxOutletShown bounds
// the outlet and the date as written, which come from page metadata.
const (
	maxURLShown    = 300
	maxOutletShown = 80
)

// citeMeta is the line under a citation: outlet, date (or "undated") and the
// URL as plain text, which Discord shows and links as it is.
func citeMeta(p corpus.Passage, m msgs) string {
	var parts []string
	if p.Source != "" {
		parts = append(parts, trimText(oneLine(p.Source), maxOutletShown))
	}
	if p.Date != "" {
		parts = append(parts, trimText(oneLine(p.Date), maxOutletShown))
	} else {
		parts = append(parts, m.Undated)
	}
	if p.URL != "" && runeLen(p.URL) <= maxURLShown && !strings.ContainsAny(p.URL, " \n<>") {
		parts = append(parts, p.URL)
	}
	return "— " + strings.Join(parts, " · ")
}

// renderAnswer lays an answer out in messages within every Discord limit:
// the text (split at paragraph, sentence or word boundaries, never inside a
// [n] marker) in embed descriptions, then a Sources embed with one field per
// citation quoting the passage (trimmed), a footer with the reference and
// the fallback flag, and the buttons on the last message.
func renderAnswer(a briefing.Answer, v answerView) []outMessage {
	a = safeAnswer(a)
	a.Text = capAnswer(a.Text, v.Lang)
	m := t(v.Lang)
	color := colorAnswer
	if a.Fallback {
		color = colorFallback
	}
	title := trimText(oneLine(safe(v.Title)), maxTitle)
	switch {
	case a.Refused:
		color = colorRefused
		title = "❔ " + m.Refused
	case a.State == briefing.StateUncertain:
		color = colorRefused
		title = "🔎 " + m.Uncertain
	}
	var embeds []*discordgo.MessageEmbed
	for i, chunk := range splitText(a.Text, maxDescription) {
		e := &discordgo.MessageEmbed{Description: chunk, Color: color}
		if i == 0 {
			e.Title = title
		}
		embeds = append(embeds, e)
	}
	if len(embeds) == 0 {
		embeds = append(embeds, &discordgo.MessageEmbed{Title: title, Color: color})
	}
	footer := m.Ref + " " + v.ID
	if as := asOf(a, v.Indexed, m); as != "" {
		footer += " · " + as
	}
	if a.Fallback {
		footer += " · " + m.Fallback
	}
	footer = trimText(footer, maxFooter)
	if !a.Refused && len(a.Citations) > 0 {
		// Quotes share a budget so that many citations still fit in a
		// message or two; "Show sources" has the full passages.
		quoteMax := maxFieldValue - 2
		if n := len(a.Citations); n > 3 {
			quoteMax = min(quoteMax, max(160, 4800/n))
		}
		src := &discordgo.MessageEmbed{Title: m.Sources, Color: color}
		embeds = append(embeds, src)
		for _, c := range a.Citations {
			quote := c.Quote
			if quote == "" {
				quote = c.Passage.Text
			}
			meta := citeMeta(c.Passage, m)
			room := max(80, quoteMax-runeLen(meta)-1)
			f := &discordgo.MessageEmbedField{
				Name:  trimText(fmt.Sprintf("[%d] %s", c.N, oneLine(c.Passage.Title)), maxFieldName),
				Value: quoteValue(quote, c.Gloss, room, m) + "\n" + meta,
			}
			if len(src.Fields) >= maxFields || embedSize(src)+fieldSize(f) > maxEmbedTotal-runeLen(footer) {
				src = &discordgo.MessageEmbed{Title: m.SourcesCont, Color: color}
				embeds = append(embeds, src)
			}
			src.Fields = append(src.Fields, f)
		}
	}
	embeds[len(embeds)-1].Footer = &discordgo.MessageEmbedFooter{Text: footer}
	out := capMessages(pack(embeds), footer+" · "+m.MoreSources)
	out[len(out)-1].Components = answerButtons(v.ID, m, !a.Refused && len(a.Citations) > 0)
	return out
}

// renderPartial shows a streaming answer: the text so far, trimmed to one
// embed, marked as an unverified draft (its citations are checked only
// when it is complete, and the verified answer replaces it).
func renderPartial(title, text, lang string) []*discordgo.MessageEmbed {
	m := t(lang)
	return []*discordgo.MessageEmbed{{
		Title:       trimText("✎ "+m.Draft+" · "+oneLine(safe(title)), maxTitle),
		Description: trimText(safe(text), maxDescription-2) + " ▌",
		Color:       colorDraft,
		Footer:      &discordgo.MessageEmbedFooter{Text: m.DraftNote},
	}}
}

// answerButtons are "Show sources" (when there are any) and 👍/👎. The
// custom IDs carry the answer ID, the key of the answer cache.
func answerButtons(id string, m msgs, sources bool) []discordgo.MessageComponent {
	var row []discordgo.MessageComponent
	if sources {
		row = append(row, discordgo.Button{Label: m.ShowSources, Style: discordgo.SecondaryButton, CustomID: "src:" + id, Emoji: &discordgo.ComponentEmoji{Name: "📄"}})
	}
	row = append(row,
		discordgo.Button{Style: discordgo.SecondaryButton, CustomID: "fb:up:" + id, Emoji: &discordgo.ComponentEmoji{Name: "👍"}},
		discordgo.Button{Style: discordgo.SecondaryButton, CustomID: "fb:down:" + id, Emoji: &discordgo.ComponentEmoji{Name: "👎"}},
	)
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
}

// renderFullSources shows the cited passages in full (the "Show sources"
// button), the cited quote in bold.
func renderFullSources(a briefing.Answer, lang string) []outMessage {
	a = safeAnswer(a)
	var embeds []*discordgo.MessageEmbed
	for _, c := range a.Citations {
		text := c.Passage.Text
		if c.Quote != "" && strings.Contains(text, c.Quote) && !strings.Contains(c.Quote, "**") {
			text = strings.Replace(text, c.Quote, "**"+c.Quote+"**", 1)
		}
		e := &discordgo.MessageEmbed{
			Title:       trimText(fmt.Sprintf("[%d] %s", c.N, oneLine(c.Passage.Title)), maxTitle),
			Description: trimText(text, maxDescription),
			Color:       colorAnswer,
			Footer:      &discordgo.MessageEmbedFooter{Text: trimText(fmt.Sprintf("%s · ¶%d %s", c.Passage.DocID, c.Passage.Paragraph+1, citeMeta(c.Passage, t(lang))), maxFooter)},
		}
		if c.Gloss != "" {
			// The bold quote's machine translation, labelled.
			e.Fields = []*discordgo.MessageEmbedField{{Name: trimText(strings.TrimSuffix(t(lang).Gloss, ":"), maxFieldName), Value: trimText(corpus.Inline(c.Gloss), maxFieldValue)}}
		}
		embeds = append(embeds, e)
	}
	if len(embeds) == 0 {
		return []outMessage{{Content: t(lang).SourcesGone}}
	}
	return capMessages(pack(embeds), "")
}

// quoteValue is a field's quote, with its machine translation if it has
// one, in about room runes: the two share them, and the translation is
// labelled and never quoted.
func quoteValue(quote, gloss string, room int, m msgs) string {
	if gloss == "" {
		return "> " + trimText(corpus.Inline(quote), room)
	}
	label := "*" + m.Gloss + "* "
	half := max(80, (room-runeLen(label)-3)/2)
	return "> " + trimText(corpus.Inline(quote), half) + "\n" + label + trimText(corpus.Inline(gloss), half)
}

// renderHits lists search results with their scores.
func renderHits(query string, hits []briefing.Hit, lang string) []outMessage {
	m := t(lang)
	hits = safeHits(hits)
	e := &discordgo.MessageEmbed{Title: trimText(fmt.Sprintf(m.SearchTitle, oneLine(safe(query))), maxTitle), Color: colorAnswer}
	if len(hits) == 0 {
		e.Description = m.NoHits
		e.Color = colorRefused
		return pack([]*discordgo.MessageEmbed{e})
	}
	embeds := []*discordgo.MessageEmbed{e}
	for i, h := range hits {
		rank := h.Rank
		if rank == 0 {
			rank = i + 1
		}
		// The passage gets what the metadata leaves of the field: outlet,
		// date and URL can take up to about 470 characters between them.
		meta := citeMeta(h.Passage, m)
		f := &discordgo.MessageEmbedField{
			Name:  trimText(fmt.Sprintf("%d. %s — %s %.2f", rank, oneLine(h.Passage.Title), m.Score, h.Score), maxFieldName),
			Value: quoteValue(h.Passage.Text, h.Gloss, max(80, maxFieldValue-runeLen("> \n")-runeLen(meta)), m) + "\n" + meta,
		}
		if len(e.Fields) >= maxFields || embedSize(e)+fieldSize(f) > maxEmbedTotal {
			e = &discordgo.MessageEmbed{Color: colorAnswer}
			embeds = append(embeds, e)
		}
		e.Fields = append(e.Fields, f)
	}
	return capMessages(pack(embeds), "")
}

// renderDocuments lists the indexed documents.
func renderDocuments(docs []briefing.DocumentInfo, lang string) []outMessage {
	m := t(lang)
	docs = safeDocs(docs)
	e := &discordgo.MessageEmbed{Title: m.Documents, Color: colorAnswer}
	if len(docs) == 0 {
		e.Description = m.NoDocuments
		e.Color = colorRefused
		return pack([]*discordgo.MessageEmbed{e})
	}
	embeds := []*discordgo.MessageEmbed{e}
	for _, d := range docs {
		parts := []string{"`" + d.ID + "`"}
		for _, p := range []string{d.Date, d.Author, d.Source} {
			if p != "" {
				parts = append(parts, oneLine(p))
			}
		}
		if d.Date == "" {
			parts = append(parts, m.Undated)
		}
		if d.URL != "" && runeLen(d.URL) <= maxURLShown && !strings.ContainsAny(d.URL, " \n<>") {
			parts = append(parts, d.URL)
		}
		parts = append(parts, fmt.Sprintf("%d %s", d.Passages, m.Passages))
		f := &discordgo.MessageEmbedField{
			Name:  trimText(oneLine(d.Title), maxFieldName),
			Value: trimText(strings.Join(parts, " · "), maxFieldValue),
		}
		if f.Name == "" {
			f.Name = d.ID
		}
		if len(e.Fields) >= maxFields || embedSize(e)+fieldSize(f) > maxEmbedTotal {
			e = &discordgo.MessageEmbed{Title: m.Documents + " " + m.Continued, Color: colorAnswer}
			embeds = append(embeds, e)
		}
		e.Fields = append(e.Fields, f)
	}
	return pack(embeds)
}

// capDocuments is capMessages for a list of total documents (/sources is
// public: a big corpus would flood the channel): the note on the last
// message kept says how many are not shown.
func capDocuments(out []outMessage, total int, lang string) []outMessage {
	if len(out) <= maxReplyMessages {
		return out
	}
	// Room is made for the note with the largest count it can say; then
	// it says the count of the fields that were not kept.
	m := t(lang)
	out = capMessages(out, fmt.Sprintf(m.MoreDocuments, total))
	shown := 0
	for _, msg := range out {
		for _, e := range msg.Embeds {
			shown += len(e.Fields)
		}
	}
	if last := out[len(out)-1].Embeds; len(last) > 0 && last[len(last)-1].Footer != nil {
		last[len(last)-1].Footer.Text = trimText(moreDocuments(m, total-shown), maxFooter)
	}
	return out
}

// moreDocuments says that n documents are not shown.
func moreDocuments(m msgs, n int) string {
	if n == 1 {
		return m.OneMoreDocument
	}
	return fmt.Sprintf(m.MoreDocuments, n)
}

// renderHelp is the /help text.
func renderHelp(lang string) []outMessage {
	m := t(lang)
	return pack([]*discordgo.MessageEmbed{{Title: m.HelpTitle, Description: m.Help, Color: colorAnswer}})
}

func fieldSize(f *discordgo.MessageEmbedField) int { return runeLen(f.Name) + runeLen(f.Value) }

// embedSize counts the characters Discord counts towards the 6,000 limit.
func embedSize(e *discordgo.MessageEmbed) int {
	n := runeLen(e.Title) + runeLen(e.Description)
	if e.Footer != nil {
		n += runeLen(e.Footer.Text)
	}
	if e.Author != nil {
		n += runeLen(e.Author.Name)
	}
	for _, f := range e.Fields {
		n += fieldSize(f)
	}
	return n
}

// pack groups embeds into messages of at most 10 embeds and 6,000
// characters.
func pack(embeds []*discordgo.MessageEmbed) []outMessage {
	var out []outMessage
	var cur []*discordgo.MessageEmbed
	size := 0
	for _, e := range embeds {
		n := embedSize(e)
		if len(cur) > 0 && (len(cur) >= maxEmbeds || size+n > maxEmbedTotal) {
			out = append(out, outMessage{Embeds: cur})
			cur, size = nil, 0
		}
		cur = append(cur, e)
		size += n
	}
	if len(cur) > 0 {
		out = append(out, outMessage{Embeds: cur})
	}
	if len(out) == 0 {
		out = append(out, outMessage{})
	}
	return out
}
