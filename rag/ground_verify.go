package rag

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/ground"
)

// errUnverifiable marks a completion that cannot be checked against the
// passages: no valid citation is left and it is not a refusal, or most of it
// was uncited.
var errUnverifiable = errors.New("unverifiable")

// sentenceCheck is the outcome of checking a completion sentence by
// sentence.
type sentenceCheck struct {
	// text is the completion without its uncited factual sentences and
	// implausible markers.
	text string
	// sentences counts the sentences; uncited those left without a valid
	// marker (kept or not); dropped the uncited factual ones removed.
	sentences, uncited, dropped int
	// implausible counts the citation numbers removed because their
	// sentence shares nothing with the passage.
	implausible int
	// droppedRunes and totalRunes measure the removed sentences against
	// all of them.
	droppedRunes, totalRunes int
}

// mostlyDropped reports whether the removed sentences are more than half
// of the completion: what is left would not be the model's answer.
func (c sentenceCheck) mostlyDropped() bool { return c.droppedRunes*2 > c.totalRunes }

// err is the fallback error for a completion that cannot be shown.
func (c sentenceCheck) err() error {
	return fmt.Errorf("%w: %d of %d sentences uncited", errUnverifiable, c.uncited, c.sentences)
}

// answerSentence is one sentence of a completion and the white space
// before it.
type answerSentence struct {
	gap, text string
}

// splitAnswer splits a completion into sentences. Markers written after
// the period ("… ad aprile. [1] Poi …") stay with the sentence they follow,
// where the model meant them.
func splitAnswer(text string) []answerSentence {
	var out []answerSentence
	prev := 0
	for _, sp := range corpus.Sentences(text) {
		gap, seg := text[prev:sp.Start], text[sp.Start:sp.End]
		prev = sp.End
		if len(out) > 0 {
			if lead := leadingMarkers(seg); lead > 0 {
				last := &out[len(out)-1]
				rest := seg[lead:]
				if !strings.ContainsFunc(rest, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
					last.text += gap + seg // "[1]." alone: all of it
					continue
				}
				last.text += gap + seg[:lead]
				trimmed := strings.TrimLeftFunc(rest, unicode.IsSpace)
				gap, seg = rest[:len(rest)-len(trimmed)], trimmed
			}
		}
		out = append(out, answerSentence{gap: gap, text: seg})
	}
	return out
}

// leadingMarkers returns the length of the run of citation markers (and
// the spaces between them) that s starts with.
func leadingMarkers(s string) int {
	end := 0
	for _, m := range ground.ParseCitations(s) {
		if strings.TrimSpace(s[end:m.Start]) != "" {
			break
		}
		end = m.End
	}
	return end
}

// checkSentences verifies text (whose markers already name sent passages)
// sentence by sentence: a marker whose sentence shares nothing with its
// passage is removed when plausible is set and says so, and a factual
// sentence (ground.Factual) left without a marker is removed. Refusals,
// headings and short connectives need no citation and stay.
func checkSentences(text, lang string, plausible func(claim string, n int) bool) sentenceCheck {
	var c sentenceCheck
	var b strings.Builder
	for _, s := range splitAnswer(text) {
		c.sentences++
		runes := utf8.RuneCountInString(s.text)
		c.totalRunes += runes
		seg := s.text
		if plausible != nil {
			claim := ground.StripMarkers(seg)
			var rm []int
			seg, _, rm = ground.Verify(seg, func(n int) bool { return plausible(claim, n) })
			c.implausible += len(rm)
		}
		if len(ground.ParseCitations(seg)) == 0 {
			c.uncited++
			if ground.Factual(seg, lang) {
				c.dropped++
				c.droppedRunes += runes
				continue
			}
		}
		if b.Len() > 0 {
			b.WriteString(s.gap)
		}
		b.WriteString(seg)
	}
	c.text = b.String()
	return c
}

// plausible reports whether claim, a sentence of a completion, shares a
// concept (a content word or its stem, through the glossary and cognates,
// so an English claim meets its Italian passage) with passage p, its title
// or its date. A citation failing this is not evidence for its sentence.
func (e *Engine) plausible(s *snapshot, claim string, p corpus.Passage) bool {
	concepts := s.lex.resolve(e.analyzer.Query(claim, detectLang(claim)))
	if len(concepts) == 0 {
		return false
	}
	src := e.source(s, 0, p)
	_, cov := sentenceCoverage(e.analyzer, concepts, src.Title+"\n"+src.Date+"\n"+p.Text, s.meta(p.DocID))
	return cov > 0
}
