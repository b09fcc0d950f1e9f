package translate

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// names carries names through a translation in given target forms: each
// goes in as a placeholder Apertium does not know, so passes unchanged,
// and comes out as its target form. Apertium's dictionaries read some
// names as common words (Italian "Mosca", a fly) and split others at a
// hyphen into words ("Jong-Un": "Jong" and the article "Un").
type names struct {
	byFirst map[string][]nameForm // by the name's first word, longest first
}

type nameForm struct {
	src, dst string
}

// placeholderPrefix starts every placeholder; a text already holding it
// is translated without placeholders.
const placeholderPrefix = "Zqxj"

// maxPlaceholders is how many names one text may carry (two letters after
// the prefix, so no placeholder is the start of another).
const maxPlaceholders = 26 * 26

func newNames(forms map[string]string) *names {
	n := &names{byFirst: map[string][]nameForm{}}
	for src, dst := range forms {
		first := src
		if i := strings.IndexFunc(src, func(r rune) bool { return !isNameRune(r) }); i > 0 {
			first = src[:i]
		}
		n.byFirst[first] = append(n.byFirst[first], nameForm{src, dst})
	}
	for _, fs := range n.byFirst {
		// Longest first ("Corea del Nord" before "Corea"), then by text
		// for a stable choice.
		slices.SortFunc(fs, func(a, b nameForm) int {
			return cmp.Or(cmp.Compare(len(b.src), len(a.src)), strings.Compare(a.src, b.src))
		})
	}
	return n
}

func isNameRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// placeholder is the i-th placeholder.
func placeholder(i int) string {
	return placeholderPrefix + string(rune('a'+i/26)) + string(rune('a'+i%26))
}

// protect returns text with its names replaced by placeholders, and the
// target forms they stand for in order. A name is one of the given forms,
// as written (case included) and as whole words; at the start of a
// sentence only a form that translates to something else counts, since a
// capital there does not make a word a name ("Salta", a city and "jumps").
// A capitalised word joined to more by hyphens ("Jong-Un", "Son-hui")
// counts too, kept as written, and so do capitalised words in a row one
// of which is an article or preposition ("Kim Jong Un", "La Stampa"):
// Italian writes those lowercase except in names.
func (n *names) protect(text string) (string, []string) {
	if n == nil || strings.Contains(strings.ToLower(text), strings.ToLower(placeholderPrefix)) {
		return text, nil
	}
	var b strings.Builder
	var dst []string
	last := 0
	for i := 0; i < len(text) && len(dst) < maxPlaceholders; {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsUpper(r) || i > 0 && isNameRune(lastRune(text[:i])) {
			i += size
			continue
		}
		end := i + wordEnd(text[i:])
		src, form := "", ""
		start := sentenceStart(text[:i])
		for _, f := range n.byFirst[text[i:end]] {
			if strings.HasPrefix(text[i:], f.src) && !continuesWord(text[i+len(f.src):]) && (!start || f.dst != f.src) {
				src, form = f.src, f.dst
				break
			}
		}
		if src == "" {
			if w := hyphenatedName(text[i:]); w != "" {
				src, form = w, w
			} else if w := articledName(text[i:], start); w != "" {
				src, form = w, w
			}
		}
		if src == "" {
			i = end
			continue
		}
		b.WriteString(text[last:i])
		b.WriteString(placeholder(len(dst)))
		dst = append(dst, form)
		i += len(src)
		last = i
	}
	if len(dst) == 0 {
		return text, nil
	}
	b.WriteString(text[last:])
	return b.String(), dst
}

// restore puts the target forms in place of their placeholders in a
// translation; ok is false when one of them is missing, or there twice.
func restore(out string, forms []string) (string, bool) {
	for i, f := range forms {
		ph := placeholder(i)
		at := indexFold(out, ph)
		if at < 0 || indexFold(out[at+len(ph):], ph) >= 0 {
			return out, false
		}
		out = out[:at] + f + out[at+len(ph):]
	}
	return out, true
}

// indexFold is the byte offset of sub in s ignoring ASCII case, or -1
// (placeholders are ASCII; Apertium may capitalise one that starts a
// sentence). It compares bytes, as lowercasing all of s would move the
// offsets of letters whose lowercase is longer ("İ").
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if asciiEqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

func asciiEqualFold(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// wordEnd is the length of the word s starts with.
func wordEnd(s string) int {
	if i := strings.IndexFunc(s, func(r rune) bool { return !isNameRune(r) }); i >= 0 {
		return i
	}
	return len(s)
}

// continuesWord reports whether s, the text after a match, goes on with
// the same word.
func continuesWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && isNameRune(r)
}

// sentenceStart reports whether a word after before starts a sentence:
// nothing but spaces, quotes and brackets since the start of the text, a
// sentence or clause mark, or a line break (a heading ends without a
// mark, and a quote may begin with its section's).
func sentenceStart(before string) bool {
	s := strings.TrimRightFunc(before, func(r rune) bool {
		return unicode.IsSpace(r) && r != '\n' || strings.ContainsRune(`"'“”‘’«»([`, r)
	})
	return s == "" || strings.ContainsRune(".!?…:;\n", lastRune(s))
}

// hyphenatedName returns the word s starts with when it is a capitalised
// part and more joined by hyphens ("Jong-Un", "Il-sung"), else "".
func hyphenatedName(s string) string {
	n, parts := 0, 0
	for {
		r, _ := utf8.DecodeRuneInString(s[n:])
		if parts == 0 && !unicode.IsUpper(r) || !unicode.IsLetter(r) {
			return ""
		}
		n += wordEnd(s[n:])
		parts++
		if n < len(s) && s[n] == '-' && n+1 < len(s) {
			if r, _ := utf8.DecodeRuneInString(s[n+1:]); unicode.IsLetter(r) {
				n++
				continue
			}
		}
		break
	}
	if parts < 2 || continuesWord(s[n:]) {
		return ""
	}
	return s[:n]
}

// articledName returns the capitalised words in a row that s starts with
// when there are two or more and one is a capitalised article or
// preposition (not the first, at a sentence's start: "Il Cremlino"), else
// "".
func articledName(s string, sentenceStart bool) string {
	n, words, article := 0, 0, false
	for {
		r, _ := utf8.DecodeRuneInString(s[n:])
		if !unicode.IsUpper(r) {
			break
		}
		end := n + wordEnd(s[n:])
		if next, _ := utf8.DecodeRuneInString(s[end:]); end < len(s) && !unicode.IsSpace(next) && !strings.ContainsRune(".,;:!?)»”\"", next) {
			break // an apostrophe, a hyphen: not a plain word
		}
		if isArticleOrPreposition(s[n:end]) && (words > 0 || !sentenceStart) {
			article = true
		}
		words++
		n = end
		if n+1 < len(s) && s[n] == ' ' {
			if r, _ := utf8.DecodeRuneInString(s[n+1:]); unicode.IsUpper(r) {
				n++
				continue
			}
		}
		break
	}
	if words < 2 || !article {
		return ""
	}
	return strings.TrimRight(s[:n], " ")
}

// isArticleOrPreposition reports whether w is a capitalised Italian
// article or preposition, simple or joined with an article.
func isArticleOrPreposition(w string) bool {
	switch w {
	case "Il", "Lo", "La", "I", "Gli", "Le", "Un", "Uno", "Una",
		"Di", "Del", "Dello", "Della", "Dei", "Degli", "Delle",
		"Da", "Dal", "Dallo", "Dalla", "Dai", "Dagli", "Dalle",
		"Al", "Allo", "Alla", "Ai", "Agli", "Alle",
		"In", "Nel", "Nello", "Nella", "Nei", "Negli", "Nelle",
		"Su", "Sul", "Sullo", "Sulla", "Sui", "Sugli", "Sulle",
		"Con", "Per", "Tra", "Fra":
		return true
	}
	return false
}
