// Package analysis turns text into the terms briefing's retrieval works on:
// accent- and case-folded tokens, numbers normalised across Italian and
// English conventions (4.000 = 4,000 = 4000), stop words dropped, words
// stemmed with the Snowball stemmer of their language, and questions turned
// into concepts whose alternatives include glossary translations, so an
// English question can find an Italian passage without neural weights.
//
// It also holds the project's one language detector (DetectLang for
// documents and questions, GuessLang for the bot's own messages) and every
// word list (stop words, the detector's function words, number and month
// words), used alike by corpus, the engine and the bot. When function
// words tie, DetectLang asks the spelling model (SpellingModel): a logistic
// regression on letter n-grams, embedded from langmodel.txt, which
// langfit fits on Debian's general Italian and English word lists
// (witalian, wamerican) with "go generate ./internal/analysis". It imports
// nothing of briefing's.
package analysis
