// Package cliout is what the briefing command prints: answers, passages,
// index and evaluation reports and the document list, as text for a person
// (every untrusted string through safetext.Terminal) and as the stable
// snake_case JSON of --json, free of the engine's internal types.
package cliout

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/safetext"
)

// AnswerJSON is an answer of "ask --json" and "summary --json".
type AnswerJSON struct {
	Question string `json:"question"`
	Lang     string `json:"lang"`
	Text     string `json:"text"`
	Refused  bool   `json:"refused"`
	// State is "answer", "uncertain" (the closest passages, cited) or
	// "refused"; Confidence the model's probability that the answer is
	// right.
	State          string         `json:"state"`
	Confidence     float64        `json:"confidence"`
	Generated      bool           `json:"generated"`
	Fallback       bool           `json:"fallback"`
	FallbackReason string         `json:"fallback_reason,omitempty"`
	Citations      []CitationJSON `json:"citations"`
	Hits           []HitJSON      `json:"hits"`
	TimingsMS      TimingsJSON    `json:"timings_ms"`
	// AsOf is what the answer is as of: the newest date among the cited
	// documents ("2006-01-02"), or, when none is dated, the time the index
	// was last built (RFC 3339); AsOfKind says which ("documents", "index").
	AsOf     string `json:"as_of"`
	AsOfKind string `json:"as_of_kind"`
}

// CitationJSON is one cited passage with its verbatim quote.
type CitationJSON struct {
	N          int    `json:"n"`
	PassageID  string `json:"passage_id"`
	DocID      string `json:"doc_id"`
	Title      string `json:"title"`
	Paragraph  int    `json:"paragraph"`
	Start      int    `json:"start"`
	End        int    `json:"end"`
	Quote      string `json:"quote"`
	QuoteStart int    `json:"quote_start"`
	QuoteEnd   int    `json:"quote_end"`
	// Gloss is a machine translation of Quote into the answer's language
	// (absent when the quote is in it, or quotes are not translated).
	Gloss  string `json:"gloss,omitempty"`
	Source string `json:"source"`
	Date   string `json:"date"`
	URL    string `json:"url"`
}

// HitJSON is one retrieved passage with its scores.
type HitJSON struct {
	Rank      int     `json:"rank"`
	Score     float64 `json:"score"` // relevance in [0, 1]
	Fused     float64 `json:"fused"`
	Dense     float64 `json:"dense"`
	Lexical   float64 `json:"lexical"`
	PassageID string  `json:"passage_id"`
	DocID     string  `json:"doc_id"`
	Title     string  `json:"title"`
	Paragraph int     `json:"paragraph"`
	Start     int     `json:"start"`
	End       int     `json:"end"`
	Text      string  `json:"text"`
	// Gloss is a machine translation of Text into the query's language
	// when the passage is in another one.
	Gloss  string `json:"gloss,omitempty"`
	Source string `json:"source"`
	Date   string `json:"date"`
	URL    string `json:"url"`
}

// TimingsJSON are an answer's timings in milliseconds.
type TimingsJSON struct {
	Retrieval  float64 `json:"retrieval"`
	Generation float64 `json:"generation"`
	Total      float64 `json:"total"`
}

// answerAsOf returns what an answer is as of: the newest date of its cited
// documents, or the time the index was built when none is dated.
func answerAsOf(a briefing.Answer, indexed time.Time) (asOf, kind string) {
	ps := make([]corpus.Passage, 0, len(a.Citations))
	for _, c := range a.Citations {
		ps = append(ps, c.Passage)
	}
	if t, ok := corpus.Newest(ps); ok {
		return t.Format("2006-01-02"), "documents"
	}
	return indexed.UTC().Format(time.RFC3339), "index"
}

// Answer is a's JSON shape; indexed is when the index was brought up to
// date (what an answer from undated documents is as of).
func Answer(a briefing.Answer, indexed time.Time) AnswerJSON {
	asOf, kind := answerAsOf(a, indexed)
	out := AnswerJSON{
		AsOf:           asOf,
		AsOfKind:       kind,
		Question:       a.Question,
		Lang:           a.Lang,
		Text:           a.Text,
		Refused:        a.Refused,
		State:          string(a.State),
		Confidence:     math.Round(a.Confidence*1000) / 1000,
		Generated:      a.Generated,
		Fallback:       a.Fallback,
		FallbackReason: a.FallbackReason,
		Citations:      []CitationJSON{},
		Hits:           Hits(a.Hits),
		TimingsMS: TimingsJSON{
			Retrieval:  ms(a.Timings.Retrieval.Seconds()),
			Generation: ms(a.Timings.Generation.Seconds()),
			Total:      ms(a.Timings.Total.Seconds()),
		},
	}
	for _, c := range a.Citations {
		out.Citations = append(out.Citations, CitationJSON{
			N:          c.N,
			PassageID:  c.Passage.ID,
			DocID:      c.Passage.DocID,
			Title:      c.Passage.Title,
			Paragraph:  c.Passage.Paragraph,
			Start:      c.Passage.Start,
			End:        c.Passage.End,
			Quote:      c.Quote,
			QuoteStart: c.QuoteStart,
			QuoteEnd:   c.QuoteEnd,
			Gloss:      c.Gloss,
			Source:     c.Passage.Source,
			Date:       c.Passage.Date,
			URL:        c.Passage.URL,
		})
	}
	return out
}

// Hits is the JSON shape of retrieved passages, [] for none.
func Hits(hits []briefing.Hit) []HitJSON {
	out := []HitJSON{}
	for _, h := range hits {
		p := h.Passage
		out = append(out, HitJSON{
			Rank: h.Rank, Score: h.Score, Fused: h.Fused, Dense: h.Dense, Lexical: h.Lexical,
			PassageID: p.ID, DocID: p.DocID, Title: p.Title, Paragraph: p.Paragraph,
			Start: p.Start, End: p.End, Text: p.Text, Gloss: h.Gloss,
			Source: p.Source, Date: p.Date, URL: p.URL,
		})
	}
	return out
}

// ms converts seconds to milliseconds rounded to a microsecond.
func ms(seconds float64) float64 {
	return float64(int64(seconds*1e6+0.5)) / 1e3
}

// WriteJSON writes v indented, with a final newline.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// answerText holds the sentences the CLI adds around an answer, by answer
// language: the answer's own language is the reader's. A fallback's cause
// is for the operator: the engine logs it on stderr, and stdout carries
// only the notice.
type answerText struct {
	sources, undated              string
	asOfDocs, asOfIndex, asOfNone string
	generated, fallback           string
	gloss                         string
}

var answerTexts = map[string]answerText{
	"en": {
		sources:   "Sources:",
		undated:   "undated",
		asOfDocs:  "As of %s (the newest cited document).",
		asOfIndex: "As of %s (when the index was built; the sources are undated).",
		asOfNone:  "As of %s (when the index was built).",
		generated: "(Written by the LLM from the passages above; citations verified.)",
		fallback:  "(The LLM failed, so this is the extractive answer; the cause is in the log on stderr.)",
		gloss:     "machine translation, rough:",
	},
	"it": {
		sources:   "Fonti:",
		undated:   "senza data",
		asOfDocs:  "Aggiornato al %s (il documento citato più recente).",
		asOfIndex: "Aggiornato al %s (quando è stato costruito l'indice; le fonti sono senza data).",
		asOfNone:  "Aggiornato al %s (quando è stato costruito l'indice).",
		generated: "(Scritta dal modello linguistico a partire dai passaggi qui sopra; citazioni verificate.)",
		fallback:  "(Il modello linguistico non ha risposto, quindi questa è la risposta estrattiva; la causa è nel log su stderr.)",
		gloss:     "traduzione automatica, approssimativa:",
	},
}

// textFor returns the CLI's sentences in lang, English when lang has none.
func textFor(lang string) answerText {
	if t, ok := answerTexts[lang]; ok {
		return t
	}
	return answerTexts["en"]
}

// WriteAnswer prints an answer for a person: the text with its [n] markers,
// then the numbered sources with their verbatim quotes (and a quote's
// machine translation, labelled, when it has one), then when the
// answer is as of, then notes, in the answer's language, saying whether the
// answer was generated or a fallback. Everything in it may come from a
// document or an LLM, so it goes through safetext.Terminal: no control
// sequence reaches the terminal.
func WriteAnswer(w io.Writer, a briefing.Answer, indexed time.Time) error {
	var b strings.Builder
	// A refusal already says, in the question's language, that the corpus
	// does not cover the question.
	note := textFor(a.Lang)
	b.WriteString(strings.TrimSpace(a.Text))
	b.WriteString("\n")
	if len(a.Citations) > 0 {
		b.WriteString("\n" + note.sources + "\n")
		for _, c := range a.Citations {
			fmt.Fprintf(&b, "[%d] %s — “%s”\n", c.N, c.Passage.Title, corpus.Inline(c.Quote))
			if c.Gloss != "" {
				fmt.Fprintf(&b, "    %s “%s”\n", note.gloss, corpus.Inline(c.Gloss))
			}
			fmt.Fprintf(&b, "    %s\n", metaLine(c.Passage, a.Lang))
		}
	}
	asOf, kind := answerAsOf(a, indexed)
	switch {
	case kind == "documents":
		fmt.Fprintf(&b, "\n"+note.asOfDocs+"\n", asOf)
	case len(a.Citations) == 0:
		fmt.Fprintf(&b, "\n"+note.asOfNone+"\n", asOf)
	default:
		fmt.Fprintf(&b, "\n"+note.asOfIndex+"\n", asOf)
	}
	switch {
	case a.Fallback:
		b.WriteString("\n" + note.fallback + "\n")
	case a.Generated:
		b.WriteString("\n" + note.generated + "\n")
	}
	_, err := io.WriteString(w, safetext.Terminal(b.String()))
	return err
}

// metaLine is outlet · date (or "undated", in lang) · URL of a passage's
// document.
func metaLine(p corpus.Passage, lang string) string {
	parts := []string{}
	if p.Source != "" {
		parts = append(parts, oneLine(p.Source))
	}
	if p.Date != "" {
		parts = append(parts, p.Date)
	} else {
		parts = append(parts, textFor(lang).undated)
	}
	if p.URL != "" {
		parts = append(parts, p.URL)
	}
	return strings.Join(parts, " · ")
}

// oneLine folds the line breaks of s into spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// passageRef names where a passage sits: document, paragraph, offsets.
func passageRef(p corpus.Passage) string {
	return fmt.Sprintf("%s ¶%d [%d:%d]", p.DocID, p.Paragraph, p.Start, p.End)
}
