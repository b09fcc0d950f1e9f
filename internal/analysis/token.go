package analysis

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Version names the way this package reads text into tokens. An index
// built under another version is rebuilt: its stored vectors came from the
// old tokens. Bump it with any change to Fold or Tokenize.
const Version = 2

// Token is a word or number of a text.
type Token struct {
	// Text is the folded form: lower case, no diacritics, numbers normalised.
	Text string
	// Start and End are byte offsets of the token in the original text.
	Start, End int
	// Number is true for numeric tokens.
	Number bool
}

// foldTable maps the accented Latin letters of U+00C0..U+024F to their lower
// case base letter; it is computed once from Unicode decompositions and
// never changes.
var foldTable = func() [0x250]rune {
	var t [0x250]rune
	for r := rune(0); r < 0x250; r++ {
		d := []rune(norm.NFD.String(string(r)))
		t[r] = unicode.ToLower(d[0])
	}
	return t
}()

// Fold lower-cases s and strips diacritics ("Perché" -> "perche").
func Fold(s string) string {
	simple := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			simple = false
			break
		}
	}
	if simple {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case isInvisible(r):
			// pasted text's soft hyphens and zero-width spaces
		case r < 0x250:
			b.WriteRune(foldTable[r])
		case unicode.Is(unicode.Mn, r):
			// combining marks of decomposed input
		default:
			// Compatibility forms read as what they show: fullwidth
			// "Ｑ" as "q", "６" as "6", the ligature "ﬁ" as "fi".
			for _, d := range norm.NFKD.String(string(r)) {
				if !unicode.Is(unicode.Mn, d) {
					b.WriteRune(unicode.ToLower(d))
				}
			}
		}
	}
	return b.String()
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || isInvisible(r)
}

// isInvisible reports whether r is a soft hyphen or a zero-width character:
// inside a word ("trup\u00adpe") it is part of the word, and Fold drops it.
func isInvisible(r rune) bool {
	return r == '\u00ad' || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff'
}

// Tokenize splits text into word and number tokens. Apostrophes and hyphens
// split words ("l’Unione" -> "l", "unione"; "Jong-Un" -> "jong", "un"), so
// elided Italian articles fall out as stop words. Digit groups joined by a
// thousands separator are one number ("10.000" -> "10000"), a decimal comma
// becomes a point ("3,5" -> "3.5"), and "50mila" becomes "50000".
func Tokenize(text string) []Token {
	var toks []Token
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		start := i
		// Only ASCII digits start a number: scanNumber reads those, and
		// another script's digits ("۶", "６") are read as a word, as
		// their letters would be.
		if r >= '0' && r <= '9' {
			end, num := scanNumber(text, i)
			// A number glued to letters ("50mila", "2024a") stays one token.
			wordEnd := end
			for wordEnd < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[wordEnd:])
				if !unicode.IsLetter(r2) {
					break
				}
				wordEnd += s2
			}
			if wordEnd > end {
				suffix := Fold(text[end:wordEnd])
				if n, ok := scaledNumber(num, suffix); ok {
					toks = append(toks, Token{Text: n, Start: start, End: wordEnd, Number: true})
				} else {
					toks = append(toks, Token{Text: num + suffix, Start: start, End: wordEnd})
				}
				i = wordEnd
				continue
			}
			toks = append(toks, Token{Text: num, Start: start, End: end, Number: true})
			i = end
			continue
		}
		for i < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r2) {
				break
			}
			i += s2
		}
		if t := Fold(text[start:i]); t != "" { // not invisible runes alone
			toks = append(toks, Token{Text: t, Start: start, End: i})
		}
	}
	return toks
}

// scanNumber reads digits with thousands separators or a decimal mark from
// text[i:], returning the end offset and the normalised number.
func scanNumber(text string, i int) (int, string) {
	var b strings.Builder
	j := i
	for j < len(text) && text[j] >= '0' && text[j] <= '9' {
		b.WriteByte(text[j])
		j++
	}
	for j+1 < len(text) && (text[j] == '.' || text[j] == ',') && text[j+1] >= '0' && text[j+1] <= '9' {
		k := j + 1
		for k < len(text) && text[k] >= '0' && text[k] <= '9' {
			k++
		}
		group := text[j+1 : k]
		// Exactly three digits not followed by another digit: a thousands
		// group in either convention. Anything else is a decimal part.
		if len(group) == 3 {
			b.WriteString(group)
		} else {
			b.WriteByte('.')
			b.WriteString(group)
		}
		j = k
	}
	return j, b.String()
}

// scaledNumber turns "50" + "mila" into "50000"; ok is false for other suffixes.
func scaledNumber(num, suffix string) (string, bool) {
	mult := map[string]float64{
		"mila": 1e3, "k": 1e3, "thousand": 1e3,
		"milioni": 1e6, "milione": 1e6, "mln": 1e6, "m": 1e6,
		"miliardi": 1e9, "miliardo": 1e9, "mld": 1e9, "bn": 1e9,
	}[suffix]
	if mult == 0 {
		return "", false
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return "", false
	}
	return strconv.FormatFloat(f*mult, 'f', -1, 64), true
}
