package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Discord's message limits, in characters.
const (
	maxContent     = 2000
	maxTitle       = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxEmbedTotal  = 6000 // all embeds of one message together
	maxEmbeds      = 10
	maxChoiceName  = 100
	maxThreadName  = 100
)

const ellipsis = "…"

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// splitText cuts s into pieces of at most max characters. It prefers
// paragraph breaks, then sentence ends, then any space, and never cuts a
// word or a [n] citation marker in half, nor separates a marker from the
// text before it. Only a single word longer than max is cut inside, and
// then never inside a marker.
func splitText(s string, max int) []string {
	s = strings.TrimSpace(s)
	var out []string
	for runeLen(s) > max {
		r := []rune(s)
		cut := bestCut(r, max)
		head := strings.TrimRightFunc(string(r[:cut]), unicode.IsSpace)
		out = append(out, head)
		s = strings.TrimLeftFunc(string(r[cut:]), unicode.IsSpace)
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// bestCut returns the index in r (len(r) > max) at which to cut so that
// r[:cut] has at most max characters.
func bestCut(r []rune, max int) int {
	half := max / 2
	para, sentence, space := -1, -1, -1
	for i := max; i > 0; i-- {
		// Cutting at i keeps r[:i] (at most max characters); r[i] must be
		// a space, and a marker right after it stays with the text before.
		if !unicode.IsSpace(r[i]) || startsMarker(r[i+1:]) {
			continue
		}
		if space < 0 {
			space = i
		}
		if i < half {
			break
		}
		if r[i] == '\n' && r[i-1] == '\n' {
			para = i
			break
		}
		if sentence < 0 && endsWithTerminator([]rune(strings.TrimRightFunc(string(r[:i]), unicode.IsSpace))) {
			sentence = i
		}
	}
	switch {
	case para > 0:
		return para
	case sentence > 0:
		return sentence
	case space > 0:
		return space
	}
	// Only a space before a marker: cutting there moves the marker to the
	// next piece, which loses less than cutting a word.
	for i := max; i > 0; i-- {
		if unicode.IsSpace(r[i]) {
			return i
		}
	}
	// One word longer than max: cut it, but not inside a marker.
	cut := max
	if j := openMarker(r[:cut]); j >= 0 {
		cut = j
	}
	if cut == 0 {
		cut = max
	}
	return cut
}

// endsWithTerminator reports whether r ends with sentence punctuation, possibly
// followed by closing quotes or brackets and [n] markers.
func endsWithTerminator(r []rune) bool {
	i := len(r) - 1
	for i >= 0 {
		if r[i] == ']' { // skip a trailing [n]
			j := i - 1
			for j >= 0 && r[j] >= '0' && r[j] <= '9' {
				j--
			}
			if j >= 0 && j < i-1 && r[j] == '[' {
				i = j - 1
				for i >= 0 && r[i] == ' ' {
					i--
				}
				continue
			}
			return false
		}
		break
	}
	for i >= 0 && strings.ContainsRune("\"'»”)", r[i]) {
		i--
	}
	return i >= 0 && strings.ContainsRune(".!?…;:", r[i])
}

// startsMarker reports whether r starts with a [n] marker.
func startsMarker(r []rune) bool {
	if len(r) < 3 || r[0] != '[' {
		return false
	}
	i := 1
	for i < len(r) && r[i] >= '0' && r[i] <= '9' {
		i++
	}
	return i > 1 && i < len(r) && r[i] == ']'
}

// openMarker returns the index of a "[digits" left unclosed at the end of
// r, or -1.
func openMarker(r []rune) int {
	i := len(r) - 1
	for i >= 0 && r[i] >= '0' && r[i] <= '9' {
		i--
	}
	if i >= 0 && r[i] == '[' {
		return i
	}
	return -1
}

// trimText shortens s to at most max characters, ending with "…" at a word
// boundary; it never leaves half a [n] marker.
func trimText(s string, max int) string {
	s = strings.TrimSpace(s)
	if runeLen(s) <= max {
		return s
	}
	if max <= 1 {
		return string([]rune(ellipsis)[:max])
	}
	r := []rune(s)
	limit := max - 1 // room for the ellipsis
	cut := -1
	for i := limit; i > limit/2; i-- {
		if unicode.IsSpace(r[i]) {
			cut = i
			break
		}
	}
	if cut < 0 {
		cut = limit
		if j := openMarker(r[:cut]); j > 0 {
			cut = j
		}
	}
	return strings.TrimRightFunc(string(r[:cut]), func(c rune) bool {
		return unicode.IsSpace(c) || strings.ContainsRune(",;:–-", c)
	}) + ellipsis
}

// oneLine turns newlines into spaces, for titles and quotes.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
