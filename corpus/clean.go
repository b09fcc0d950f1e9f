package corpus

import "github.com/briefing/briefing/internal/safetext"

// Documents are untrusted text: a file may hold terminal escape sequences
// (clear the screen, retitle the window, hide a hyperlink) or stray control
// bytes (a file of NULs). Parse cleans them out rather than rejecting the
// file, so that one bad byte does not take a whole corpus offline; since it
// happens before any offset is taken, Body, passages and quotes are the
// cleaned text and stay verbatim with respect to it. A file left with no
// letters at all is then rejected (ErrNoLetters).

// cleanControls removes escape sequences whole and every other control
// character but newline and tab (safetext.StripEscapes, the one definition
// of both); s must be valid UTF-8 with "\n" line ends.
func cleanControls(s string) string { return safetext.StripEscapes(s) }

// CleanText is the cleaning Parse applies, for metadata a caller sets on a
// Document itself (a feed's item title, say): escape sequences and control
// characters other than newline and tab are removed. s must be valid UTF-8.
func CleanText(s string) string { return cleanControls(s) }
