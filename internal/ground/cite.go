package ground

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Marker is one bracketed citation group in a model's answer: "[2]",
// "[1, 3]", "[1,3]", "[1; 3]" or a range "[2-4]" / "[2–4]". Adjacent groups
// such as "[1][2]" are separate markers.
type Marker struct {
	// Start and End are byte offsets of the brackets: text[Start:End]
	// is the whole marker.
	Start, End int
	// Numbers cited, in written order, ranges expanded, duplicates kept.
	Numbers []int
}

// Limits that keep parsing cheap and reject nonsense like "[1-100000]".
const (
	maxNumber = 9999
	maxRange  = 20
)

// ParseCitations returns the citation markers of text in order. Brackets
// holding anything but numbers, separators and spaces ("[a]", "[1a]",
// "[]") are not markers. A range wider than 20 is not a marker either.
func ParseCitations(text string) []Marker {
	var out []Marker
	for i := 0; i < len(text); i++ {
		if text[i] != '[' {
			continue
		}
		if m, ok := parseMarker(text, i); ok {
			out = append(out, m)
			i = m.End - 1
		}
	}
	return out
}

// parseMarker parses a marker starting at text[start] == '['.
func parseMarker(text string, start int) (Marker, bool) {
	m := Marker{Start: start}
	i := start + 1
	expectNum := true
	rangeFrom := -1
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == ' ' || r == '\t':
			i += size
		case r >= '0' && r <= '9':
			if !expectNum {
				return Marker{}, false
			}
			j := i
			for j < len(text) && text[j] >= '0' && text[j] <= '9' {
				j++
			}
			if j-i > 4 {
				return Marker{}, false
			}
			n := 0
			for _, c := range text[i:j] {
				n = n*10 + int(c-'0')
			}
			if n == 0 || n > maxNumber {
				return Marker{}, false
			}
			if rangeFrom >= 0 {
				if n < rangeFrom || n-rangeFrom > maxRange {
					return Marker{}, false
				}
				for k := rangeFrom + 1; k <= n; k++ {
					m.Numbers = append(m.Numbers, k)
				}
				rangeFrom = -1
			} else {
				m.Numbers = append(m.Numbers, n)
			}
			expectNum = false
			i = j
		case r == ',' || r == ';':
			if expectNum {
				return Marker{}, false
			}
			expectNum = true
			i += size
		case r == '-' || r == '–':
			if expectNum || rangeFrom >= 0 {
				return Marker{}, false
			}
			rangeFrom = m.Numbers[len(m.Numbers)-1]
			expectNum = true
			i += size
		case r == ']':
			if expectNum {
				return Marker{}, false
			}
			m.End = i + 1
			return m, true
		default:
			return Marker{}, false
		}
	}
	return Marker{}, false
}

// Verify keeps the markers' valid numbers and drops the rest: a marker left
// without a valid number disappears together with the space before it, so
// "Kim met Putin [9]." becomes "Kim met Putin.". Malformed markers of any
// form ("[0]", "[-1]", "[99999999999999999999]", "[1-100000]") are dropped
// too, and reported in removed as 0. A marker with some invalid
// numbers is rewritten with the valid ones, "[1, 9]" → "[1]"; markers whose
// numbers are all valid are left as written. used and removed list the
// distinct valid and invalid numbers in order of first appearance.
func Verify(text string, valid func(n int) bool) (clean string, used, removed []int) {
	// Dropping a marker can join brackets into a new one ("[[9]1]" →
	// "[1]"), so repeat until nothing changes; each pass drops a marker.
	clean = text
	for {
		next, rm, changed := verifyOnce(clean, valid)
		for _, n := range rm {
			removed = appendUnique(removed, n)
		}
		if !changed {
			break
		}
		clean = next
	}
	for _, m := range ParseCitations(clean) {
		for _, n := range m.Numbers {
			used = appendUnique(used, n)
		}
	}
	return clean, used, removed
}

// malformedMarker matches what a reader takes for a citation marker: brackets
// holding digits, signs, separators and spaces, starting with a digit or a
// sign. ParseCitations refuses the malformed ones ("[0]", "[-1]", "[+2]",
// "[99999999999999999999]", "[1-100000]", "[1,,2]"), so without this they
// would stay in a verified answer, citing nothing.
var malformedMarker = regexp.MustCompile(`\[[ \t]*[-+−–]?[ \t]*[0-9][0-9 \t,;+\-−–]*\]`)

// withMalformed returns the markers of text together with the malformed
// marker-like groups, as markers without numbers, in order of position.
func withMalformed(text string) []Marker {
	markers := ParseCitations(text)
	if !strings.Contains(text, "[") {
		return markers
	}
	for _, loc := range malformedMarker.FindAllStringIndex(text, -1) {
		valid := false
		for _, m := range markers {
			if m.Start == loc[0] && m.End == loc[1] {
				valid = true
				break
			}
		}
		if !valid {
			markers = append(markers, Marker{Start: loc[0], End: loc[1]})
		}
	}
	slices.SortFunc(markers, func(a, b Marker) int { return a.Start - b.Start })
	// A malformed group overlapping a parsed marker ("[[0]1]"): keep the
	// first, the next pass of Verify sees the rest.
	out := markers[:0]
	for _, m := range markers {
		if len(out) > 0 && m.Start < out[len(out)-1].End {
			continue
		}
		out = append(out, m)
	}
	return out
}

// verifyOnce is one pass of Verify. A malformed marker ("[0]", "[-1]")
// counts as a removed 0.
func verifyOnce(text string, valid func(n int) bool) (clean string, removed []int, changed bool) {
	markers := withMalformed(text)
	var b strings.Builder
	last := 0
	for _, m := range markers {
		var keep []int
		if len(m.Numbers) == 0 {
			removed = appendUnique(removed, 0)
		}
		for _, n := range m.Numbers {
			if valid(n) {
				keep = appendUnique(keep, n)
			} else {
				removed = appendUnique(removed, n)
			}
		}
		if len(keep) > 0 && len(keep) == len(m.Numbers) {
			continue // all valid: leave it as written
		}
		before := text[last:m.Start]
		b.WriteString(before)
		changed = true
		if len(keep) > 0 {
			b.WriteString(format(keep))
			last = m.End
			continue
		}
		// Drop the marker, and the spaces before it when a space,
		// punctuation, another marker or the end follows: no " ." or "  ".
		if after := text[m.End:]; after == "" || startsTidy(after) {
			trimmed := strings.TrimRight(b.String(), " \t")
			b.Reset()
			b.WriteString(trimmed)
		}
		last = m.End
	}
	b.WriteString(text[last:])
	if !changed {
		return text, removed, false
	}
	return tidy(b.String()), removed, true
}

func startsTidy(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r) || unicode.IsPunct(r) && r != '(' && r != '[' || r == '['
}

// tidy removes what dropping markers can leave behind: doubled spaces,
// spaces before closing punctuation, empty parentheses, trailing spaces.
// It runs only when a marker was dropped.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		for strings.Contains(l, "  ") {
			l = strings.ReplaceAll(l, "  ", " ")
		}
		l = strings.ReplaceAll(strings.ReplaceAll(l, "( )", ""), "()", "")
		for strings.Contains(l, "  ") {
			l = strings.ReplaceAll(l, "  ", " ")
		}
		for _, p := range []string{" .", " ,", " ;", " :", " !", " ?", " )"} {
			l = strings.ReplaceAll(l, p, p[1:])
		}
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

func format(ns []int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, n := range ns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(itoa(n))
	}
	b.WriteByte(']')
	return b.String()
}

func itoa(n int) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(buf[i:])
}

func appendUnique(s []int, n int) []int {
	if slices.Contains(s, n) {
		return s
	}
	return append(s, n)
}

// Renumber rewrites the markers of text so the cited passages are numbered
// 1..k in order of first appearance, and returns order, where order[i] is
// the old number of new number i+1. Call it after Verify so every number is
// valid; the engine then keeps only the cited sources, in order. Each marker
// is written "[1]" or "[1, 2]" with duplicates removed.
func Renumber(text string) (string, []int) {
	markers := ParseCitations(text)
	var order []int
	for _, m := range markers {
		for _, n := range m.Numbers {
			order = appendUnique(order, n)
		}
	}
	newOf := make(map[int]int, len(order))
	for i, n := range order {
		newOf[n] = i + 1
	}
	var b strings.Builder
	last := 0
	for _, m := range markers {
		b.WriteString(text[last:m.Start])
		var ns []int
		for _, n := range m.Numbers {
			ns = appendUnique(ns, newOf[n])
		}
		b.WriteString(format(ns))
		last = m.End
	}
	b.WriteString(text[last:])
	return b.String(), order
}

// StripMarkers removes every citation marker (used for history turns,
// whose numbers refer to passages no longer in the prompt).
func StripMarkers(text string) string {
	clean, _, _ := Verify(text, func(int) bool { return false })
	return clean
}
