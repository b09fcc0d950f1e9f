package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// DetectLang guesses whether text is Italian ("it") or English ("en").
//
// Function words decide (italianWords, englishWords): the side with more
// of them wins. When they tie, as in most two- or three-word queries
// ("truppe nordcoreane a Kursk", "missile launch"), the spelling of the
// other words does: each is one vote for the language a logistic
// regression on its letter n-grams favours, fitted on general Italian and
// English word lists (langmodel.txt, made by langfit), and a tie of votes
// goes to the summed log-odds. A capitalised word after the first is
// a name ("Kursk", "Pyongyang") and gives no spelling evidence; a word of
// two or more capitals ("UN", "IS") is an acronym, no function word,
// unless the whole text is in capitals. It is meant for documents and for short questions
// alike ("Quando?" is Italian, "Who signed it?" English), and tolerates
// missing accents. When nothing tips the balance, for example an empty
// string or a bare name, it returns "en".
//
// It is the project's one language detector: corpus uses it for documents
// without a lang, the engine for questions, the bot for its own messages.
func DetectLang(text string) string { return detect(text, true, "en") }

// GuessLang is DetectLang on function words alone, with the language to
// return when they do not tip the balance: the bot passes the user's
// locale, so a bare name ("Lavrov Pyongyang") is answered in the user's
// language rather than guessed from its spelling.
func GuessLang(text, tie string) string { return detect(text, false, tie) }

// detect decides by function words; with spelling, a tie goes to the
// other words, each one vote for the language its spelling favours, and a
// tie of votes to their summed log-odds; a tie of all returns tie.
//
// The evidence is ranked rather than weighed against each other, since no
// data here fits an exchange rate between them: function words are listed,
// not guessed, so they come first; and a word is one vote however foreign
// it looks, because queries borrow words from the other language
// ("summary truppe nordcoreane", "summit in Moscow").
func detect(text string, spelling bool, tie string) string {
	// Fullwidth letters ("ＱＵＡＮＤＯ") read as the words they show, as
	// Fold reads them for retrieval.
	if strings.ContainsFunc(text, isFullwidth) {
		text = width.Fold.String(text)
	}
	var it, en, itVotes, enVotes int
	var odds float64
	raw := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r)
	})
	shouted := !strings.ContainsFunc(text, unicode.IsLower)
	for i, rw := range raw {
		// A word of two or more capitals in a text that is not in
		// capitals is an acronym ("UN", "IS", "WHO"): a name, not the
		// article "un" or the verb "is".
		if !shouted && utf8.RuneCountInString(rw) > 1 && !strings.ContainsFunc(rw, unicode.IsLower) {
			continue
		}
		w := strings.ToLower(rw)
		if italianWords[w] {
			it++
		}
		if englishWords[w] {
			en++
		}
		// A capitalised word inside the text is a name ("Kursk",
		// "Pyongyang"): its spelling is its own language's, not the text's.
		name := i > 0 && unicode.IsUpper([]rune(rw)[0])
		// A single letter has no spelling to speak of: the "b" of a
		// pasted "<b>" tag, an initial.
		letter := utf8.RuneCountInString(w) < 2
		if !spelling || name || letter || italianWords[w] || englishWords[w] {
			continue
		}
		s := defaultSpelling().Score(w)
		odds += s
		switch {
		case s > 0:
			itVotes++
		case s < 0:
			enVotes++
		}
	}
	switch {
	case it != en:
		return pick(it > en)
	case itVotes != enVotes:
		return pick(itVotes > enVotes)
	case odds != 0:
		return pick(odds > 0)
	}
	return tie
}

func pick(italian bool) string {
	if italian {
		return "it"
	}
	return "en"
}

// MainLang is the most common of langs (one per document), ties going to
// the alphabetically first, and "en" when there are none: the language a
// corpus is read in, for the engine and for fitting alike.
func MainLang(langs []string) string {
	count := map[string]int{}
	for _, l := range langs {
		count[l]++
	}
	best, n := "en", 0
	for l, c := range count {
		if c > n || (c == n && l < best) {
			best, n = l, c
		}
	}
	return best
}

// isFullwidth reports whether r is in the Halfwidth and Fullwidth Forms
// block.
func isFullwidth(r rune) bool { return r >= 0xFF00 && r <= 0xFFEF }
