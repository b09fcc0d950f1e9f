package translate

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// escaped are the characters the Apertium stream format reserves; a
// backslash makes them plain text (apertium-destxt escapes the same set).
const escaped = `\[]^$/@<>{}`

// encode turns text into one stream record: tag (a superblank carrying seq),
// the normalised text with reserved characters escaped, and the NUL that
// makes every program flush.
func encode(seq uint64, text string) []byte {
	text = normalize(text)
	var b strings.Builder
	b.Grow(len(text) + 24)
	b.WriteByte('[')
	b.WriteString(strconv.FormatUint(seq, 10))
	b.WriteByte(']')
	for _, r := range text {
		if strings.ContainsRune(escaped, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte(0)
	return []byte(b.String())
}

// normalize makes text one line of single spaces. Control characters (NUL
// above all, which would split the record) and invalid UTF-8 become spaces,
// and so does "~", which Apertium drops even when escaped.
func normalize(text string) string {
	text = strings.ToValidUTF8(text, " ")
	return strings.Join(strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '~' || r == utf8.RuneError
	}), " ")
}

// decode reverses encode on one output record (without its NUL): it returns
// the sequence tag, or ok false if the record has none, and the text with
// escapes removed, superblanks unwrapped, unknown-word marks dropped and
// spaces collapsed.
func decode(rec string) (seq uint64, text string, ok bool) {
	var b strings.Builder
	b.Grow(len(rec))
	for i := 0; i < len(rec); i++ {
		c := rec[i]
		switch {
		case c == '\\' && i+1 < len(rec):
			i++
			b.WriteByte(rec[i])
		case c == '[':
			end := strings.IndexByte(rec[i+1:], ']')
			if end < 0 {
				continue // a lone bracket: drop it
			}
			blank := rec[i+1 : i+1+end]
			if n, err := strconv.ParseUint(blank, 10, 64); err == nil && !ok {
				seq, ok = n, true
			} else {
				b.WriteString(unescape(blank))
			}
			i += end + 1
		case c == ']':
			// stray end of a superblank: drop it
		default:
			b.WriteByte(c)
		}
	}
	return seq, clean(b.String()), ok
}

// unescape drops the backslash of every escape in s.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// isMark reports whether r is one of Apertium's unknown-word marks: "*"
// (unknown to the analyser), "@" (unknown to the bilingual dictionary) and
// "#" (the generator has no form for it).
func isMark(r rune) bool { return r == '*' || r == '@' || r == '#' }

// clean drops unknown-word marks, so "*Kursk" and "@#Kursk" read "Kursk",
// and collapses runs of spaces. A mark counts only at the start of a word
// and right before a letter or digit: "5 * 3" and "C#" keep theirs. The
// price is that an "@name" or "#tag" of the input also loses its sign, even
// though escaping should have kept it: Apertium's generators unescape some
// characters and not others, so the output alone cannot tell them apart.
func clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if isMark(r) && (i == 0 || !isWordRune(rs[i-1])) {
			j := i
			for j < len(rs) && isMark(rs[j]) {
				j++
			}
			if j < len(rs) && isWordRune(rs[j]) {
				i = j - 1
				continue
			}
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// sentenceMarks end a sentence.
const sentenceMarks = ".!?…"

// keepFinalMarks gives out the sentence marks that end src. Apertium's
// chains drop the last "." (or "...") of a null-flushed record, so a
// translated sentence would lose its full stop; a "?" comes through.
func keepFinalMarks(src, out string) string {
	src = strings.TrimRightFunc(src, unicode.IsSpace)
	marks := src[len(strings.TrimRight(src, sentenceMarks)):]
	if marks == "" || strings.HasSuffix(out, marks) {
		return out
	}
	return strings.TrimRight(out, sentenceMarks+" ") + marks
}
