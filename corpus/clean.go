package corpus

import (
	"regexp"
	"strings"
)

// Documents are untrusted text: a file may hold terminal escape sequences
// (clear the screen, retitle the window, hide a hyperlink) or stray control
// bytes (a file of NULs). Parse cleans them out rather than rejecting the
// file, so that one bad byte does not take a whole corpus offline; since it
// happens before any offset is taken, Body, passages and quotes are the
// cleaned text and stay verbatim with respect to it. A file left with no
// letters at all is then rejected (ErrNoLetters).

// escapeSeq matches a whole terminal escape sequence: CSI (ESC [ or U+009B,
// parameters, one final byte), OSC and the other string sequences (up to
// BEL or ST), and two-character escapes.
var escapeSeq = regexp.MustCompile("(?:\x1b\\[|\u009b)[0-?]*[ -/]*[@-~]?" +
	"|(?:\x1b[\\]PX^_]|[\u009d\u0090\u0098\u009e\u009f])[^\x07\x1b\u009c]*(?:\x07|\x1b\\\\|\u009c)?" +
	"|\x1b[ -~]?")

// isControl reports whether r is a control character a document may not
// keep: C0 and C1 controls and DEL, except newline and tab, plus the
// bidirectional overrides and isolates, which reorder what a reader sees.
func isControl(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// cleanControls removes escape sequences whole and every other control
// character; s must be valid UTF-8 with "\n" line ends.
func cleanControls(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	s = escapeSeq.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

// CleanText is the cleaning Parse applies, for metadata a caller sets on a
// Document itself (a feed's item title, say): escape sequences and control
// characters other than newline and tab are removed. s must be valid UTF-8.
func CleanText(s string) string { return cleanControls(s) }
