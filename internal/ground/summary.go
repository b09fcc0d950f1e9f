package ground

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/briefing/briefing"
)

// EstimateTokens approximates the tokens of s as one per four characters
// (runes), rounded up. It is deliberately crude: BPE tokenisers average
// three to four characters per token in English and Italian, so it
// overestimates a little, which is the safe side for a budget.
func EstimateTokens(s string) int {
	return (utf8.RuneCountInString(s) + 3) / 4
}

// passageOverhead is the estimated tokens of a passage's tags and title.
const passageOverhead = 20

// Batch splits passages, in order, into groups whose estimated tokens
// (EstimateTokens of the text plus the tag overhead) stay within budget,
// for the map step of a summary. A passage larger than the budget gets a
// group of its own. A budget <= 0 puts everything in one group.
func Batch(passages []Source, budget int) [][]Source {
	if len(passages) == 0 {
		return nil
	}
	if budget <= 0 {
		return [][]Source{passages}
	}
	var out [][]Source
	var cur []Source
	used := 0
	for _, p := range passages {
		cost := EstimateTokens(p.Text) + EstimateTokens(p.Title) + passageOverhead
		if len(cur) > 0 && used+cost > budget {
			out = append(out, cur)
			cur, used = nil, 0
		}
		cur = append(cur, p)
		used += cost
	}
	return append(out, cur)
}

// SummaryInput is what MapPrompt needs.
type SummaryInput struct {
	// Topic narrows the summary ("" summarises everything given).
	Topic string
	// Lang of the summary: "it" or "en".
	Lang string
	// Passages of this group, numbered by their N (numbers are global
	// across groups so the reduce step can keep them).
	Passages []Source
}

// MapPrompt asks for a summary of one group of passages, every statement
// citing its passages as [n].
func MapPrompt(in SummaryInput) []briefing.Message {
	sys := strings.Join([]string{
		"You summarise news passages for briefing.",
		"",
		"Rules:",
		"1. Use only the numbered passages inside <passages>.",
		"2. Cite every statement with the numbers of its passages in square brackets, like [3] or [3][5]; use only the numbers given.",
		"3. " + summaryLanguage(in.Lang),
		"4. Keep names, dates and figures exact. Write at most five sentences.",
		"5. " + dataRule,
	}, "\n")
	var u strings.Builder
	u.WriteString("<passages>\n")
	for _, s := range in.Passages {
		writePassage(&u, s)
	}
	u.WriteString("</passages>\n\n")
	u.WriteString(summaryTask(in.Topic, "Summarise these passages"))
	return []briefing.Message{{Role: "system", Content: sys}, {Role: "user", Content: u.String()}}
}

// ReducePrompt asks to merge partial summaries (each with [n] citations
// from MapPrompt) into one, keeping the citations.
func ReducePrompt(topic, lang string, partials []string) []briefing.Message {
	sys := strings.Join([]string{
		"You merge partial summaries of news passages for briefing.",
		"",
		"Rules:",
		"1. Use only the partial summaries inside <summaries>.",
		"2. Keep the [n] citations of every statement exactly as they are; never invent or renumber them.",
		"3. Remove repetitions, order the facts logically, and keep names, dates and figures exact.",
		"4. " + summaryLanguage(lang),
		"5. Write at most eight sentences.",
		"6. " + dataRule,
	}, "\n")
	var u strings.Builder
	u.WriteString("<summaries>\n")
	for i, p := range partials {
		fmt.Fprintf(&u, "<summary part=\"%d\">\n%s\n</summary>\n", i+1, escapeKeepMarkers(strings.TrimSpace(p)))
	}
	u.WriteString("</summaries>\n\n")
	u.WriteString(summaryTask(topic, "Merge these summaries into one"))
	return []briefing.Message{{Role: "system", Content: sys}, {Role: "user", Content: u.String()}}
}

func summaryLanguage(lang string) string {
	if name := LangName(lang); name != "" {
		return fmt.Sprintf("Write in %s, whatever the language of the passages.", name)
	}
	return "Write in the language of the passages."
}

func summaryTask(topic, verb string) string {
	if topic = oneLine(escape(topic)); topic != "" {
		return fmt.Sprintf("%s, keeping only what concerns this topic:\n<question>\n%s\n</question>", verb, topic)
	}
	return verb + "."
}

// escapeKeepMarkers is escape without rewriting [n]: partial summaries'
// markers are the citations the reduce step must keep.
func escapeKeepMarkers(s string) string {
	s = controls.Replace(s)
	return strings.NewReplacer("<", "‹", ">", "›").Replace(s)
}
