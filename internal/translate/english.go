package translate

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Italian puts the definite article where English has none: before the
// names of countries and regions ("la Russia", "la Corea del Nord"), years
// ("nel 2022") and dates ("il 6 novembre", "nel febbraio 2022"). Apertium
// translates the article word for word ("the Russia", "in the 2022", "has
// ratified the treaty the 6 November"), so the gloss chain drops it again.

// keepsThe matches the English place names that do take the article: plural
// names and those built on a common noun (the United States, the Czech
// Republic, the Cayman Islands), and the few singular ones English writes
// with it (the Gambia, the Vatican, the Caribbean).
var keepsThe = regexp.MustCompile(`\b(?:Islands|Isles|Republic|Kingdom|States|Emirates|Nations|Union|Federation|Netherlands|Philippines|Bahamas|Maldives|Comoros|Seychelles|Americas|Azores|Canaries|Marquesas|Galapagos|Gambia|Vatican|Caribbean|Congo|Sahara|Hague)\b`)

const monthNames = `January|February|March|April|May|June|July|August|September|October|November|December`

// theDate matches "the" before a day and month ("the 6 November"), a month
// ("the February 2022") or a year ("the 1948"), with the word before it.
var theDate = regexp.MustCompile(`(?:\b(\pL+)(\s+))?\b([Tt])he\s+(\d{1,2}\s+(?:` + monthNames + `)\b|(?:` + monthNames + `)\b|\d{4}\b)`)

// prepositions are the words after which a date needs no "on" of its own.
var prepositions = map[string]bool{
	"from": true, "since": true, "until": true, "till": true, "to": true, "by": true, "of": true,
	"in": true, "on": true, "at": true, "before": true, "after": true, "between": true,
	"among": true, "for": true, "within": true, "during": true, "and": true, "or": true,
}

// EnglishArticles returns a function that drops, from an English
// translation of Italian, the article Italian gives place names and dates:
// "the" before a place named in places' values (English forms) that English
// writes without it, unless the name begins a longer one ("the Denver
// Broncos"), and before a year, a month or a day and month, where a day
// and month after a word that is not a preposition becomes "on 6
// November".
func EnglishArticles(places map[string]string) func(string) string {
	names := map[string]bool{}
	longest := 1
	for _, en := range places {
		if en == "" || keepsThe.MatchString(en) {
			continue
		}
		names[en] = true
		longest = max(longest, len(strings.Fields(en)))
	}
	return func(s string) string {
		return datesWithoutThe(placesWithoutThe(s, names, longest))
	}
}

// placesWithoutThe drops "the" before the names of names, as whole words.
func placesWithoutThe(s string, names map[string]bool, longest int) string {
	var b strings.Builder
	for {
		i := indexThe(s)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		rest := s[i+len("the "):]
		if n := placeAt(rest, names, longest); n > 0 {
			b.WriteString(s[:i])
			if s[i] == 'T' { // a sentence's first word stays capitalised
				r, size := utf8.DecodeRuneInString(rest)
				b.WriteRune(unicode.ToUpper(r))
				rest = rest[size:]
			}
			s = rest
			continue
		}
		b.WriteString(s[:i+len("the ")])
		s = rest
	}
}

// indexThe returns the byte offset of the first "the " or "The " in s that
// starts a word, or -1.
func indexThe(s string) int {
	off := 0
	for {
		i := strings.Index(s[off:], "he ")
		if i < 0 {
			return -1
		}
		at := off + i - 1
		off += i + len("he ")
		if at < 0 || s[at] != 't' && s[at] != 'T' {
			continue
		}
		if at > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:at]); unicode.IsLetter(r) || unicode.IsDigit(r) {
				continue
			}
		}
		return at
	}
}

// placeAt returns the length in bytes of the place name of names that s
// starts with, or 0: the longest of up to longest words, ending at a word
// boundary, and not followed by another capitalised word.
func placeAt(s string, names map[string]bool, longest int) int {
	words := strings.Fields(s)
	for n := min(longest, len(words)); n >= 1; n-- {
		cand := strings.Join(words[:n], " ")
		trimmed := strings.TrimRightFunc(cand, func(r rune) bool { return unicode.IsPunct(r) })
		if !names[trimmed] || !strings.HasPrefix(s, trimmed) {
			continue
		}
		if trimmed == cand && n < len(words) {
			if r, _ := utf8.DecodeRuneInString(words[n]); unicode.IsUpper(r) {
				return 0 // the name begins a longer one: the Denver Broncos
			}
		}
		return len(trimmed)
	}
	return 0
}

// datesWithoutThe drops "the" before years, months and dates, writing "on"
// for it before a day and month that no preposition introduces. Four
// digits are a year after a preposition ("in the 1948") or before
// punctuation, a capital or the end; before a word in lower case, and with
// no preposition, they are a number ("sent the 1500 soldiers").
func datesWithoutThe(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range theDate.FindAllStringSubmatchIndex(s, -1) {
		group := func(k int) string {
			if m[2*k] < 0 {
				return ""
			}
			return s[m[2*k]:m[2*k+1]]
		}
		before, space, the, date := group(1), group(2), group(3), group(4)
		if r, _ := utf8.DecodeLastRuneInString(s[:m[6]]); before == "" && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			continue // \b is ASCII's: "théthe" holds no word "the"
		}
		isDay := date[0] >= '0' && date[0] <= '9' && len(date) > 4
		if isYear := date[0] >= '0' && date[0] <= '9' && len(date) == 4; isYear {
			next := strings.TrimLeft(s[m[1]:], " ")
			if r, _ := utf8.DecodeRuneInString(next); unicode.IsLower(r) && !prepositions[strings.ToLower(before)] {
				continue
			}
		}
		b.WriteString(s[last:m[0]])
		last = m[1]
		b.WriteString(before + space)
		if isDay && !prepositions[strings.ToLower(before)] {
			if the == "T" {
				b.WriteString("On ")
			} else {
				b.WriteString("on ")
			}
		}
		b.WriteString(date)
	}
	b.WriteString(s[last:])
	return b.String()
}

// Italian "tra" (and "fra") is both "between" and "among", and Apertium
// writes "among" for both; English says "between" of two parties named
// with "and" ("tra Mosca e Pyongyang").
var amongTwo = regexp.MustCompile(`\b([Aa])mong(\s+(?:[\pL\pN’'-]+\s+){0,5}?and\s+[\pL\pN])`)

// EnglishBetween writes "between" for an "among" that an "and" follows
// within six words, with no punctuation between them: "among Russia and
// Ukraine", "among the two states and", not "among the western allies".
func EnglishBetween(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range amongTwo.FindAllStringSubmatchIndex(s, -1) {
		if r, _ := utf8.DecodeLastRuneInString(s[:m[0]]); unicode.IsLetter(r) || unicode.IsDigit(r) {
			continue // \b is ASCII's: "éamong" holds no word "among"
		}
		b.WriteString(s[last:m[0]])
		if s[m[2]] == 'A' {
			b.WriteString("Between")
		} else {
			b.WriteString("between")
		}
		last = m[2] + len("among")
	}
	b.WriteString(s[last:])
	return b.String()
}

// EnglishEdits returns EnglishArticles for places followed by
// EnglishBetween: the last step of the Italian→English gloss chain.
func EnglishEdits(places map[string]string) func(string) string {
	articles := EnglishArticles(places)
	return func(s string) string { return EnglishBetween(articles(s)) }
}
