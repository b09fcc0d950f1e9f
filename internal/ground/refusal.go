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
// it contains a refusal phrase (English or Italian, whatever lang says, since
// models do not always obey the language rule) and no citation marker. An
// answer that cites something ("The passages do not say when, but Kim went
// [2].") is an answer, not a refusal. lang is accepted for symmetry with
// NoAnswer and future languages.
func IsRefusal(text, lang string) bool {
	_ = lang
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

// Unverifiable reports whether an answer must not be shown as generated:
// it says something (has a letter) yet, after Verify, carries no citation
// marker and is not a refusal. The rule is deliberately document-level, not
// per sentence: models often open with an uncited framing sentence, and a
// per-sentence rule would discard most good answers; an answer with no
// valid citation at all is the case that cannot be checked.
func Unverifiable(text, lang string) bool {
	if !strings.ContainsFunc(text, unicode.IsLetter) {
		return true
	}
	if len(ParseCitations(text)) > 0 {
		return false
	}
	return !IsRefusal(text, lang)
}
