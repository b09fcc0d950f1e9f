package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// DetectLang guesses whether text is Italian ("it") or English ("en").
//
// It counts function words of each language, then weaker cues: accented
// vowels and Italian endings against letters and digraphs Italian words
// rarely have (k, w, y, "th", "sh"). It is meant for documents and for short
// questions alike ("Quando?" is Italian, "Who signed it?" English), and
// tolerates missing accents. When nothing tips the balance, for example an
// empty string or a bare name, it returns "en".
//
// It is the project's one language detector: corpus uses it for documents
// without a lang, the engine for questions, the bot for its own messages.
func DetectLang(text string) string { return detect(text, true, "en") }

// GuessLang is DetectLang on function words alone, with the language to
// return when they do not tip the balance: the bot passes the user's
// locale, so a bare name ("Lavrov Pyongyang") is answered in the user's
// language rather than guessed from its spelling.
func GuessLang(text, tie string) string { return detect(text, false, tie) }

// detect counts function words (2 each) and, with cues, the spelling of the
// other words; a tie returns tie.
func detect(text string, cues bool, tie string) string {
	var it, en float64
	raw := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r)
	})
	for i, rw := range raw {
		w := strings.ToLower(rw)
		// A capitalised word inside the text is a name ("Kursk",
		// "Pyongyang"): its spelling is its own language's, not the text's.
		name := i > 0 && unicode.IsUpper([]rune(rw)[0])
		if italianWords[w] {
			it += 2
		}
		if englishWords[w] {
			en += 2
		}
		if italianWords[w] || englishWords[w] || !cues || name {
			continue
		}
		it += italianCues(w)
		en += englishCues(w)
	}
	switch {
	case it > en:
		return "it"
	case en > it:
		return "en"
	}
	return tie
}

// italianCues scores spelling typical of Italian in a word that is not a
// function word.
func italianCues(w string) float64 {
	var s float64
	if strings.ContainsAny(w, "àèéìòù") {
		s++
	}
	for _, suf := range []string{"zione", "zioni", "mente", "gli", "ggio", "cchi", "zza", "ssi", "tti", "ato", "ata", "ati", "ito", "uto", "are", "ere", "ire", "ano", "ono", "ità", "ese", "ia"} {
		if len(w) > len(suf)+1 && strings.HasSuffix(w, suf) {
			s += 0.5
			break
		}
	}
	if last, _ := utf8.DecodeLastRuneInString(w); len(w) >= 4 && strings.ContainsRune("aeioàèéìòù", last) {
		s += 0.25
	}
	return s
}

// englishCues scores spelling typical of English in a word that is not a
// function word.
func englishCues(w string) float64 {
	var s float64
	if strings.ContainsAny(w, "kwy") {
		s += 0.5
	}
	for _, sub := range []string{"th", "sh", "wh", "ck", "ee", "oo", "ea", "ou"} {
		if strings.Contains(w, sub) {
			s += 0.5
			break
		}
	}
	for _, suf := range []string{"tion", "ing", "ed", "ly", "ness", "ment", "ship", "ful", "ous", "ers", "s"} {
		if len(w) > len(suf)+1 && strings.HasSuffix(w, suf) {
			s += 0.5
			break
		}
	}
	if last, _ := utf8.DecodeLastRuneInString(w); len(w) >= 4 && !strings.ContainsRune("aeiouàèéìòù", last) {
		s += 0.25
	}
	return s
}
