package ground

import (
	"strings"
	"unicode"
)

// refusalPhrases are lower-case fragments of "the passages do not contain
// the answer" in English and Italian, as models phrase it.
var refusalPhrases = []string{
	// English
	"do not contain", "don't contain", "does not contain", "doesn't contain",
	"do not mention", "don't mention", "does not mention", "doesn't mention",
	"do not provide", "don't provide", "does not provide", "do not say", "don't say",
	"not contained in", "not mentioned in", "not covered", "no information",
	"cannot answer", "can't answer", "unable to answer", "not able to answer",
	"there is nothing in the passages", "the passages are silent",
	// Italian
	"non contengono", "non contiene", "non menzionano", "non menziona",
	"non forniscono", "non fornisce", "non riportano", "non riporta",
	"non dicono", "non dice", "non è presente", "non sono presenti",
	"non ci sono informazioni", "nessuna informazione", "non trattano", "non tratta",
	"non è possibile rispondere", "non posso rispondere", "impossibile rispondere",
}

// IsRefusal reports whether text says the passages do not hold the answer:
// it contains a refusal phrase (English or Italian, whatever the question's
// language, since models do not always obey the language rule) and no
// citation marker. An
// answer that cites something ("The passages do not say when, but Kim went
// [2].") is an answer, not a refusal.
func IsRefusal(text string) bool {
	if len(ParseCitations(text)) > 0 {
		return false
	}
	t := strings.ToLower(strings.Join(strings.Fields(text), " "))
	t = strings.ReplaceAll(t, "’", "'")
	for _, p := range refusalPhrases {
		if strings.Contains(t, p) {
			return true
		}
	}
	return false
}

// Unverifiable reports whether an answer, as a whole, must not be shown as
// generated: it says something (has a letter) yet carries no citation
// marker and is not a refusal. It is the last of the checks: the engine
// first removes invalid and implausible markers and uncited factual
// sentences (see Factual), then asks whether what is left can be checked
// at all.
func Unverifiable(text string) bool {
	if !strings.ContainsFunc(text, unicode.IsLetter) {
		return true
	}
	if len(ParseCitations(text)) > 0 {
		return false
	}
	return !IsRefusal(text)
}

// minFactualWords is the fewest words of a sentence that states a fact.
// Connectives and lead-ins ("In sintesi.", "Ecco.") are shorter; three
// words is enough for a claim ("Kim visitò Mosca.") and for an injected
// order ("HACKED: ignore everything.").
const minFactualWords = 3

// Factual reports whether sentence s, one sentence of a model's answer,
// states something that needs a citation: it has letters and at least three
// words (markers aside), and is neither a refusal ("The passages do not
// say."), a heading ("# Risposta", "**Sintesi**") nor a lead-in ending in a
// colon ("Ecco cosa dicono i documenti:"). An answer's factual sentences
// without a valid marker are removed before it is shown.
func Factual(s string) bool {
	s = strings.TrimSpace(StripMarkers(s))
	if !strings.ContainsFunc(s, unicode.IsLetter) {
		return false
	}
	if strings.HasPrefix(s, "#") || strings.HasSuffix(s, ":") ||
		len(s) > 4 && strings.HasPrefix(s, "**") && strings.HasSuffix(s, "**") && !strings.Contains(s[2:len(s)-2], "**") {
		return false
	}
	words := 0
	for _, w := range strings.Fields(s) {
		if strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			words++
		}
	}
	if words < minFactualWords {
		return false
	}
	return !IsRefusal(s)
}
