package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Function words of Italian and English. They are the most frequent words
// of any text and rarely shared, so a handful of them decide even a short
// question. Accentless spellings ("perche", "piu") are included because
// people type questions without accents.
var (
	italianWords = wordSet(`il lo la le gli i un una uno del della dello dei degli delle
		di da dal dalla dai dalle nel nella nei nelle al alla ai alle allo sul sulla
		con per tra fra su che chi cosa cos come dove quando quale quali qual quanto
		quanti quanta quante perché perche poiché è e ed ha hanno ho sono era erano
		stato stata stati state essere avere non ma anche più piu questo questa questi
		queste quello quella quelli cui si ci ne suo sua suoi sue loro dopo prima
		molto ogni già gia ancora sempre mai cosa chi qual perchè quanto dell nell
		all dall sull c l un d qualcosa contro durante secondo tutto tutti oggi`)
	englishWords = wordSet(`the of and to is are was were be been being a an this that
		these those what when where who whom whose why how which did does do done
		has have had with for from by on at it its into about after before between
		than then there their they them he she his her we our you your not no or
		will would can could should shall may might must many much any some all
		more most other such only also very s t don doesn didn isn aren wasn
		against during under over while because if so as up out`)
)

func wordSet(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// DetectLang guesses whether text is Italian ("it") or English ("en").
//
// It counts function words of each language, then weaker cues: accented
// vowels and Italian endings against letters and digraphs Italian words
// rarely have (k, w, y, "th", "sh"). It is meant for documents and for short
// questions alike ("Quando?" is Italian, "Who signed it?" English), and
// tolerates missing accents. When nothing tips the balance, for example an
// empty string or a bare name, it returns "en".
func DetectLang(text string) string {
	var it, en float64
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r)
	})
	for _, w := range words {
		if italianWords[w] {
			it += 2
		}
		if englishWords[w] {
			en += 2
		}
		if italianWords[w] || englishWords[w] {
			continue
		}
		it += italianCues(w)
		en += englishCues(w)
	}
	if it > en {
		return "it"
	}
	return "en"
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
