package analysis

import "strings"

// Number words are quantities spelled out: "tre", "ventitré",
// "duecentomila", "fifteen", "thousands", "una manciata". A question asking
// how many is answered by them as often as by digits (two in five of the
// SQuAD-it how-many answers are words), so they are evidence of a number
// answer. They are built by rule from the cardinal morphemes of each
// language, not listed from questions.

// italianNumberParts are the morphemes Italian cardinals are written with,
// folded; the shortened forms ("vent" in "ventuno", "cent" in "centotto")
// only inside a word.
var italianNumberParts = strings.Fields(`
	uno due tre quattro cinque sei sette otto nove
	dieci undici dodici tredici quattordici quindici sedici diciassette diciotto diciannove
	venti vent trenta trent quaranta quarant cinquanta cinquant sessanta sessant settanta settant
	ottanta ottant novanta novant cento cent mille mila milione milioni miliardo miliardi un`)

// italianPartOnly are the morphemes that are not a number word alone: "un"
// and "uno" are the article, the rest are shortened or bound forms.
var italianPartOnly = map[string]bool{"un": true, "uno": true, "vent": true, "trent": true, "quarant": true,
	"cinquant": true, "sessant": true, "settant": true, "ottant": true, "novant": true, "cent": true, "mila": true}

// countNouns are the nouns and words that state a quantity alone in either
// language. English "one" is left out with Italian "uno": both are as often
// a pronoun or article as an answer.
var countNouns = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		zero decina decine dozzina dozzine centinaio centinaia migliaio migliaia manciata
		two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
		seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
		hundred hundreds thousand thousands million millions billion billions trillion
		dozen dozens handful`) {
		m[w] = true
	}
	return m
}()

// maxNumberWord bounds the length of a word IsNumberWord parses.
const maxNumberWord = 60

// IsNumberWord reports whether the folded word w spells a quantity.
func IsNumberWord(w string) bool {
	// The longest cardinal in use ("novecentonovantanovemila…") is well
	// under 60 letters; a longer token is not one, and the parse below
	// backtracks, so hostile text must not hand it a long word.
	if w == "" || len(w) > maxNumberWord {
		return false
	}
	if countNouns[w] {
		return true
	}
	if italianPartOnly[w] {
		return false
	}
	return italianCardinal(w)
}

// italianCardinal reports whether w is a sequence of Italian cardinal
// morphemes ("trentacinque" = "trenta" + "cinque").
func italianCardinal(w string) bool {
	if w == "" {
		return true
	}
	for _, p := range italianNumberParts {
		if strings.HasPrefix(w, p) && italianCardinal(w[len(p):]) {
			return true
		}
	}
	return false
}
