package ground

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/briefing/briefing/corpus"
)

// ErrUnverifiable marks a completion that cannot be checked against the
// passages: no valid citation is left and it is not a refusal, or most of it
// was uncited.
var ErrUnverifiable = errors.New("unverifiable")

// SentenceCheck is the outcome of checking a completion sentence by
// sentence.
type SentenceCheck struct {
	// Text is the completion without its uncited factual sentences and
	// implausible markers.
	Text string
	// Sentences counts the sentences; uncited those left without a valid
	// marker (kept or not); Dropped the uncited factual ones removed.
	Sentences, Uncited, Dropped int
	// Implausible counts the citation numbers removed because their
	// sentence shares nothing with the passage.
	Implausible int
	// droppedRunes and totalRunes measure the removed sentences against
	// all of them.
	droppedRunes, totalRunes int
}

// MostlyDropped reports whether the removed sentences are more than half
// of the completion: what is left would not be the model's answer.
func (c SentenceCheck) MostlyDropped() bool { return c.droppedRunes*2 > c.totalRunes }

// Err is the fallback error for a completion that cannot be shown.
func (c SentenceCheck) Err() error {
	return fmt.Errorf("%w: %d of %d sentences uncited", ErrUnverifiable, c.Uncited, c.Sentences)
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
	for _, m := range ParseCitations(s) {
		if strings.TrimSpace(s[end:m.Start]) != "" {
			break
		}
		end = m.End
	}
	return end
}

// CheckSentences verifies text (whose markers already name sent passages)
// sentence by sentence: a marker whose sentence shares nothing with its
// passage is removed when plausible is set and says so, and a factual
// sentence (Factual) left without a marker is removed. Refusals,
// headings and short connectives need no citation and stay.
func CheckSentences(text string, plausible func(claim string, n int) bool) SentenceCheck {
	var c SentenceCheck
	var b strings.Builder
	for _, s := range splitAnswer(text) {
		c.Sentences++
		runes := utf8.RuneCountInString(s.text)
		c.totalRunes += runes
		seg := s.text
		if plausible != nil {
			claim := StripMarkers(seg)
			var rm []int
			seg, _, rm = Verify(seg, func(n int) bool { return plausible(claim, n) })
			c.Implausible += len(rm)
		}
		if len(ParseCitations(seg)) == 0 {
			c.Uncited++
			if Factual(seg) {
				c.Dropped++
				c.droppedRunes += runes
				continue
			}
		}
		if b.Len() > 0 {
			b.WriteString(s.gap)
		}
		b.WriteString(seg)
	}
	c.Text = b.String()
	return c
}

// ClaimsByNumber maps each citation number of text to the text it backs:
// what precedes each marker back to the previous marker (adjacent markers
// such as "[1][2]" share one claim).
func ClaimsByNumber(text string) map[int]string {
	out := map[int]string{}
	prev, last := 0, ""
	for _, m := range ParseCitations(text) {
		seg := strings.TrimSpace(strings.TrimLeft(text[prev:m.Start], ".,;:!?)” \n\t"))
		if seg == "" {
			seg = last
		}
		last = seg
		for _, n := range m.Numbers {
			out[n] += " " + seg
		}
		prev = m.End
	}
	return out
}
