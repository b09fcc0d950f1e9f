package corpus

import (
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/briefing/briefing/internal/analysis"
)

// abbreviations are words that end in a period without ending a sentence,
// lower-cased and without the final period. Single letters (initials such as
// "J." and Italian "n.", "p.") and dotted forms such as "U.S", "a.C" and
// "S.p.A" are recognised by shape and need no entry. Words that often end a
// sentence as themselves ("no", "ago", "est", "ten", "mar") are left out: a
// missed split costs less than two sentences glued together.
var abbreviations = analysis.WordSet(`sig sigg sig.ra sigra dott dott.ssa dssa prof
	prof.ssa ing avv arch geom mons sen gen col magg cav comm
	ecc etc cfr pag pagg vol voll art artt nn fig figg tab es ca cca ss sgg
	mr mrs ms dr st jr sr vs nr tel approx dept
	feb apr giu lug ott nov dic jan jun jul aug sep sept oct dec`)

// Sentences returns the byte spans of the sentences of text, in order, without
// surrounding white space.
//
// A sentence ends at a line break, or at . ! ? … or "..." followed by white
// space and an upper-case letter, a digit or an opening quote or bracket.
// Closing quotes and brackets after the terminator (” " » ’ ' ) ]) belong to
// the sentence. A period does not end a sentence after a known abbreviation
// ("ecc.", "Dott.", "art."), an initial ("J. Smith") or a dotted form
// ("U.S.", "a.C."), nor inside a number such as 10.000, 3.5 or 19.06.2024.
// Because pasted news text sometimes loses the space after a period, a
// lower-case word, a period and a capitalised word ("ucraino.Questo") are
// split too.
func Sentences(text string) []Span {
	var spans []Span
	for start, end := range lines(text) {
		spans = lineSentences(spans, text, start, end)
	}
	return spans
}

// lines yields the byte span of each line of text, without its line break;
// text without a final line break still ends in a line, and "" is one empty
// line.
func lines(text string) iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		for start := 0; start <= len(text); {
			end := strings.IndexByte(text[start:], '\n')
			if end < 0 {
				end = len(text)
			} else {
				end += start
			}
			if !yield(start, end) {
				return
			}
			start = end + 1
		}
	}
}

// lineSentences appends the sentences of text[start:end], which holds no
// line break, to spans.
func lineSentences(spans []Span, text string, start, end int) []Span {
	from := start
	for i := start; i < end; {
		r, size := utf8.DecodeRuneInString(text[i:end])
		if !isTerminator(r) {
			i += size
			continue
		}
		// Take the whole run of terminators and closing marks: "?!", "...",
		// ".”", "?»)" all end where the run ends.
		j := i
		for j < end {
			r, size := utf8.DecodeRuneInString(text[j:end])
			if !isTerminator(r) && !isCloser(r) {
				break
			}
			j += size
		}
		if endsSentence(text, start, end, i, j) {
			spans = appendTrimmed(spans, text, from, j)
			from = j
		}
		i = j
	}
	return appendTrimmed(spans, text, from, end)
}

// endsSentence reports whether the run text[i:j] of terminators and closers,
// inside the line text[lineStart:lineEnd], ends a sentence.
func endsSentence(text string, lineStart, lineEnd, i, j int) bool {
	if j == lineEnd {
		return true
	}
	run := text[i:j]
	hasCloser := strings.IndexFunc(run, isCloser) >= 0
	next, _ := utf8.DecodeRuneInString(text[j:lineEnd])
	if !unicode.IsSpace(next) {
		// No space after the run: "10.000", "U.S.A", "e.g.", "ucraino.Questo".
		if !startsWord(text[j:lineEnd]) {
			return false
		}
		if hasCloser {
			return true // “…fine.”Poi
		}
		prev, _ := utf8.DecodeLastRuneInString(text[lineStart:i])
		return unicode.IsLower(prev) && !isAbbreviation(text[lineStart:i])
	}
	rest := strings.TrimLeftFunc(text[j:lineEnd], unicode.IsSpace)
	if rest == "" {
		return true
	}
	n, _ := utf8.DecodeRuneInString(rest)
	if !unicode.IsUpper(n) && !unicode.IsDigit(n) && !isOpener(n) {
		return false // "ecc. e poi", "disse… e"
	}
	if run == "." && isAbbreviation(text[lineStart:i]) {
		return false
	}
	return true
}

// startsWord reports whether s starts with an upper-case letter followed by a
// lower-case one: the start of a capitalised word rather than an initialism.
func startsWord(s string) bool {
	r1, n := utf8.DecodeRuneInString(s)
	r2, _ := utf8.DecodeRuneInString(s[n:])
	return unicode.IsUpper(r1) && unicode.IsLower(r2)
}

// isAbbreviation reports whether the word at the end of before (the text up
// to a period) is an abbreviation, an initial or a dotted form.
func isAbbreviation(before string) bool {
	k := len(before)
	for k > 0 {
		r, size := utf8.DecodeLastRuneInString(before[:k])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		k -= size
	}
	w := strings.Trim(before[k:], ".")
	if w == "" {
		return false
	}
	if utf8.RuneCountInString(w) == 1 {
		return true // initial: "J. Smith", "n. 5", "p. 12"
	}
	if abbreviations[strings.ToLower(w)] {
		return true
	}
	if !strings.Contains(w, ".") {
		return false
	}
	// Dotted forms have short segments: U.S, a.C, S.p.A, e.g, i.e.
	for seg := range strings.SplitSeq(w, ".") {
		if seg == "" || utf8.RuneCountInString(seg) > 3 {
			return false
		}
	}
	return true
}

func isTerminator(r rune) bool {
	switch r {
	case '.', '!', '?', '…':
		return true
	}
	return false
}

func isCloser(r rune) bool {
	switch r {
	case '”', '"', '»', '’', '\'', ')', ']', '›':
		return true
	}
	return false
}

func isOpener(r rune) bool {
	switch r {
	case '“', '"', '«', '‘', '\'', '(', '[', '‹', '—', '–', '-', '¿', '¡':
		return true
	}
	return false
}

func appendTrimmed(spans []Span, text string, start, end int) []Span {
	s := text[start:end]
	trimmedLeft := strings.TrimLeftFunc(s, unicode.IsSpace)
	start += len(s) - len(trimmedLeft)
	end = start + len(strings.TrimRightFunc(trimmedLeft, unicode.IsSpace))
	if start == end {
		return spans
	}
	return append(spans, Span{Start: start, End: end})
}

// Paragraphs returns the byte spans of the paragraphs of text, without
// surrounding white space. Every non-blank line is a paragraph: news text is
// not hard-wrapped, and the seed articles separate paragraphs by a single
// line break as often as by a blank line. A line of only white space
// (including no-break spaces) is blank.
func Paragraphs(text string) []Span {
	var spans []Span
	for start, end := range lines(text) {
		spans = appendTrimmed(spans, text, start, end)
	}
	return spans
}
