package bot

import (
	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/safetext"
)

// Everything the bot shows from a document, an LLM or a user is untrusted:
// it goes through safetext.Discord on its way into a message, so masked
// links show their real address and mention syntax renders as plain text,
// whatever allowed_mentions does. The render functions call these on their
// inputs, so no path to Discord skips them.

// safe is safetext.Discord, short for the render code.
func safe(s string) string { return safetext.Discord(s) }

// safeAnswer returns a copy of a with its text, titles, quotes and passages
// sanitised.
func safeAnswer(a briefing.Answer) briefing.Answer {
	a.Text = safe(a.Text)
	cites := make([]briefing.Citation, len(a.Citations))
	for i, c := range a.Citations {
		c.Quote, c.Gloss = safe(c.Quote), safe(c.Gloss)
		c.Passage.Title = safe(c.Passage.Title)
		c.Passage.Text = safe(c.Passage.Text)
		c.Passage.Source, c.Passage.Date, c.Passage.URL = safe(c.Passage.Source), safe(c.Passage.Date), safe(c.Passage.URL)
		cites[i] = c
	}
	a.Citations = cites
	return a
}

// safeHits returns a copy of hits with titles and texts sanitised.
func safeHits(hits []briefing.Hit) []briefing.Hit {
	out := make([]briefing.Hit, len(hits))
	for i, h := range hits {
		h.Passage.Title = safe(h.Passage.Title)
		h.Passage.Text, h.Gloss = safe(h.Passage.Text), safe(h.Gloss)
		h.Passage.Source, h.Passage.Date, h.Passage.URL = safe(h.Passage.Source), safe(h.Passage.Date), safe(h.Passage.URL)
		out[i] = h
	}
	return out
}

// safeDocs returns a copy of docs with their metadata sanitised.
func safeDocs(docs []briefing.DocumentInfo) []briefing.DocumentInfo {
	out := make([]briefing.DocumentInfo, len(docs))
	for i, d := range docs {
		d.ID, d.Title, d.Date, d.Author, d.Source, d.URL = safe(d.ID), safe(d.Title), safe(d.Date), safe(d.Author), safe(d.Source), safe(d.URL)
		out[i] = d
	}
	return out
}
