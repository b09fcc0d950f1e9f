// Package safetext makes untrusted text (documents, LLM replies, questions,
// error messages quoting them) safe to show: on a terminal, where control
// sequences would clear the screen, retitle the window or hide hyperlinks,
// and on Discord, where masked links and mention syntax would render as
// clickable lies or highlighted pings, and headings, quotes, spoilers and
// code blocks would restyle the bot's message.
//
// Each function is total and idempotent: applying it twice gives the same
// text as applying it once, so layers that each sanitise do not double
// escape.
package safetext

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// isControl reports whether r is a C0 or C1 control character, DEL, or a
// bidirectional embedding, override or isolate (which can reorder what a
// reader sees, "Trojan Source" style). Newline and tab are not: they are the
// layout of ordinary text.
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

// HasControl reports whether s holds a character Terminal would escape.
func HasControl(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || isControl(r) {
			return true
		}
		i += size
	}
	return false
}

// Terminal returns s with every control character other than newline and
// tab, and every invalid UTF-8 byte, written as a visible escape: ESC
// becomes `\x1b`, CSI (U+009B) `\u009b`, an invalid byte `\xff`. The text
// around them is left as it is, so an operator sees that the document held
// a sequence, and what it was, without the terminal acting on it. A
// backslash is not escaped: the output is for reading, not for parsing
// (--json is the exact form).
func Terminal(s string) string {
	if !HasControl(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x80 && isControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case isControl(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// escapeSeq matches a whole terminal escape sequence: CSI (ESC [ or U+009B,
// parameters, one final byte), OSC (ESC ] or U+009D, up to BEL or ST), the
// other string sequences (DCS, SOS, PM, APC up to ST), and two-character
// escapes (ESC and one byte).
var escapeSeq = regexp.MustCompile("(?:\x1b\\[|\u009b)[0-?]*[ -/]*[@-~]?" +
	"|(?:\x1b[\\]PX^_]|[\u009d\u0090\u0098\u009e\u009f])[^\x07\x1b\u009c]*(?:\x07|\x1b\\\\|\u009c)?" +
	"|\x1b[ -~]?")

// StripEscapes removes terminal escape sequences whole, then every other
// control character (newline and tab excepted), replacing each by nothing.
// Invalid UTF-8 is left as it is: callers that need valid text check it
// first.
func StripEscapes(s string) string {
	if !HasControl(s) {
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

// mentionToken matches Discord's mention syntax: users <@123> and <@!123>,
// roles <@&123>, channels <#123>, and the mass mentions @everyone and
// @here.
var mentionToken = regexp.MustCompile(`<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b`)

// Question cleans a question before it is analysed: escape sequences and
// control characters are removed, Discord mention tokens are dropped (they
// are addressing, not content: "<@&42> when was the treaty ratified?" asks
// the same as without them), and runs of spaces are folded. The result may
// be empty; invalid UTF-8 is left for the caller to reject.
func Question(s string) string {
	s = StripEscapes(s)
	s = mentionToken.ReplaceAllString(s, " ")
	return strings.Join(strings.Fields(s), " ")
}

// zwsp, a zero-width space, breaks Discord's markdown and mention syntax
// without changing what a reader sees.
const zwsp = "\u200b"

// maskedLink matches a Markdown masked link, [text](url) or
// [text](<url> "title"): Discord renders the text and hides the URL.
var maskedLink = regexp.MustCompile(`\[([^\[\]\n]*)\]\(\s*<?([^\s()<>]*)>?(?:\s+["'][^"'\n]*["'])?\s*\)`)

// discordMention matches what Discord would render as a mention: the
// tokens of mentionToken, also inside other text.
var discordMention = regexp.MustCompile(`<(@[!&]?|#)(\d+)>|@(everyone|here)`)

// Discord makes untrusted text inert in a Discord message or embed: control
// characters are removed; a masked link [text](url) becomes "text (<url>)",
// so the real address is shown (and, in angle brackets, not previewed); any
// other "](" left is split so no link can form; @everyone, @here and
// user, role and channel mentions get a zero-width space so they render as
// plain text, whatever allowed_mentions says. Markdown that would change
// the message's layout shows as typed: a heading, subtext or quote marker
// gets a zero-width space before it, so does the second bar of a spoiler
// (||), and a backtick (inline code, a code fence that would swallow the
// rest of the message) is escaped with a backslash. Emphasis (**, _, ~~)
// is left as it is: it changes no layout.
//
// Markup the caller adds afterwards (a "> " quote prefix, ** around a
// quote, backticks around an ID) is the caller's and renders.
func Discord(s string) string {
	s = StripEscapes(s)
	if strings.Contains(s, "](") {
		s = maskedLink.ReplaceAllStringFunc(s, func(m string) string {
			sub := maskedLink.FindStringSubmatch(m)
			text, url := strings.TrimSpace(sub[1]), sub[2]
			switch {
			case url == "":
				return text
			case text == "" || text == url:
				return "<" + url + ">"
			}
			return text + " (<" + url + ">)"
		})
		s = strings.ReplaceAll(s, "](", "]"+zwsp+"(")
	}
	if strings.ContainsAny(s, "@#") {
		s = discordMention.ReplaceAllStringFunc(s, func(m string) string {
			if m[0] == '@' {
				return "@" + zwsp + m[1:]
			}
			return "<" + zwsp + m[1:]
		})
	}
	if strings.ContainsAny(s, "#>-*+.") {
		s = escapeBlockMarkers(s)
	}
	for strings.Contains(s, "||") {
		s = strings.ReplaceAll(s, "||", "|"+zwsp+"|")
	}
	if strings.Contains(s, "`") {
		s = escapeBackticks(s)
	}
	return s
}

// escapeBlockMarkers puts a zero-width space before each marker Discord
// renders as a block when it starts a line: a heading (#, ##, ###), subtext
// (-#), a block quote (>, >>>) and a list item (-, *, + or a number and a
// full stop, then a space: Discord renumbers an ordered list from its first
// item, so "3. … 3. …" quoted from a document would show as "3. … 4. …"),
// no-break spaces counted as spaces. It
// does so after any space, not only at a line start, because the bot
// splits long text at spaces and each piece starts a new embed; a
// zero-width space there is invisible, and is no space, so a marker it
// precedes is not escaped again.
func escapeBlockMarkers(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	afterSpace := true // the start of s is a line start
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if afterSpace && isBlockMarker(s[i:]) {
			b.WriteString(zwsp)
		}
		b.WriteString(s[i : i+size]) // invalid bytes kept as they are
		afterSpace = isSpace(r)
		i += size
	}
	return b.String()
}

// isBlockMarker reports whether s starts with a heading, subtext, quote or
// list marker.
func isBlockMarker(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '>':
		return true
	case '-', '*', '+':
		if rest, ok := strings.CutPrefix(s, "-#"); ok {
			return startsWithSpace(rest)
		}
		return startsWithSpace(s[1:])
	case '#':
		n := 1
		for n < len(s) && s[n] == '#' {
			n++
		}
		return n <= 3 && startsWithSpace(s[n:])
	}
	n := 0
	for n < len(s) && n < 9 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n >= 1 && n < len(s) && s[n] == '.' && startsWithSpace(s[n+1:])
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) }

func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && isSpace(r)
}

// escapeBackticks puts a backslash before every backtick that is not
// escaped already (preceded by an odd number of backslashes), so that
// applying it twice changes nothing more.
func escapeBackticks(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	slashes := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '`' && slashes%2 == 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
		if c == '\\' {
			slashes++
		} else {
			slashes = 0
		}
	}
	return b.String()
}
