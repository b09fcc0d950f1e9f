package safetext_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/briefing/briefing/internal/safetext"
)

// hostile are the payloads of the hostile suite: terminal sequences that
// clear the screen, set the window title, hide a hyperlink, blink, move the
// cursor; C1 controls; a bidi override.
var hostile = map[string]string{
	"clear screen":      "before\x1b[2J\x1b[Hafter",
	"window title":      "x\x1b]0;pwned\x07y",
	"osc 8 hyperlink":   "\x1b]8;;https://evil.example/\x1b\\click here\x1b]8;;\x1b\\",
	"blink":             "\x1b[5mblink\x1b[0m",
	"c1 csi":            "a\u009b2Jb",
	"bell and nul":      "a\x07b\x00c",
	"carriage return":   "safe text\rEVIL",
	"bidi override":     "abc\u202edcba",
	"delete":            "a\x7fb",
	"invalid utf-8":     "a\xffb",
	"escape at the end": "dangling\x1b",
}

func TestTerminalEscapesEveryControl(t *testing.T) {
	t.Parallel()
	for name, in := range hostile {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := safetext.Terminal(in)
			if safetext.HasControl(got) {
				t.Errorf("Terminal(%q) = %q, still holds a control character", in, got)
			}
			if again := safetext.Terminal(got); again != got {
				t.Errorf("Terminal is not idempotent: %q then %q", got, again)
			}
		})
	}
	tests := []struct{ in, want string }{
		{"before\x1b[2Jafter", `before\x1b[2Jafter`},
		{"a\u009b2Jb", `a\u009b2Jb`},
		{"a\xffb", `a\xffb`},
		{"line one\n\ttab kept", "line one\n\ttab kept"},
		{"città — “citazione” [1]", "città — “citazione” [1]"},
	}
	for _, tt := range tests {
		if got := safetext.Terminal(tt.in); got != tt.want {
			t.Errorf("Terminal(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStripEscapes(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"colour", "\x1b[31mQuando\x1b[0m è stato firmato?", "Quando è stato firmato?"},
		{"title", "x\x1b]0;pwned\x07y", "xy"},
		{"osc 8", "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"c1", "a\u009b2Jb", "ab"},
		{"nul", "a\x00b", "ab"},
		{"plain", "nothing to do\n", "nothing to do\n"},
	}
	for _, tt := range tests {
		if got := safetext.StripEscapes(tt.in); got != tt.want {
			t.Errorf("%s: StripEscapes(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestQuestion(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"role mention", "<@&123> Quando è stato ratificato il trattato?", "Quando è stato ratificato il trattato?"},
		{"user mentions", "<@456> <@!789> when was the treaty signed?", "when was the treaty signed?"},
		{"mass mentions", "@everyone @here when was the treaty signed?", "when was the treaty signed?"},
		{"channel", "<#42> treaty", "treaty"},
		{"ansi colour", "\x1b[1;31mWhen was the treaty signed?\x1b[0m", "When was the treaty signed?"},
		{"only mentions", "@everyone <@&1>", ""},
		{"email-like kept", "mail a@b.it", "mail a@b.it"},
	}
	for _, tt := range tests {
		if got := safetext.Question(tt.in); got != tt.want {
			t.Errorf("%s: Question(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestDiscordNeutralisesLinksAndMentions(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"masked link", "Vai su [il sito ufficiale](https://discord-gift.example.com/login).",
			"Vai su il sito ufficiale (<https://discord-gift.example.com/login>)."},
		{"masked link with title", `[ok](<https://evil.example/> "t")`, "ok (<https://evil.example/>)"},
		{"nested brackets", "[[a](https://x.example/)](https://y.example/)",
			"[a (<https://x.example/>)]\u200b(https://y.example/)"},
		{"everyone", "@everyone @here", "@\u200beveryone @\u200bhere"},
		{"role user channel", "<@&123> <@456> <@!7> <#8>", "<\u200b@&123> <\u200b@456> <\u200b@!7> <\u200b#8>"},
		{"citation markers kept", "Kim met Putin [1], then [2, 3].", "Kim met Putin [1], then [2, 3]."},
		{"escapes dropped", "a\x1b[2Jb", "ab"},
	}
	checkDiscord(t, tests)
}

// checkDiscord checks Discord on each case: the expected text, the same
// again when applied twice, and never a link.
func checkDiscord(t *testing.T, tests []struct{ name, in, want string }) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := safetext.Discord(tt.in)
			if got != tt.want {
				t.Errorf("Discord(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := safetext.Discord(got); again != got {
				t.Errorf("Discord is not idempotent: %q then %q", got, again)
			}
			if strings.Contains(got, "](") {
				t.Errorf("Discord(%q) = %q still holds a link", tt.in, got)
			}
		})
	}
}

// TestDiscordShowsMarkdownAsTyped: markdown that would restyle a message,
// from a scraped page or an LLM, shows as the characters typed.
func TestDiscordShowsMarkdownAsTyped(t *testing.T) {
	t.Parallel()
	const z = "\u200b"
	tests := []struct{ name, in, want string }{
		{"heading", "# COMUNICATO UFFICIALE DEI MODERATORI\nIl server chiude.", z + "# COMUNICATO UFFICIALE DEI MODERATORI\nIl server chiude."},
		{"headings 2 and 3", "Intro\n## Sezione\n### Sotto", "Intro\n" + z + "## Sezione\n" + z + "### Sotto"},
		{"heading after a sentence", "Fine. # YOU WON", "Fine. " + z + "# YOU WON"},
		{"subtext", "-# messaggio verificato dallo staff", z + "-# messaggio verificato dallo staff"},
		{"quote", "> Il ministro ha detto\n>>> tutto il resto", z + "> Il ministro ha detto\n" + z + ">>> tutto il resto"},
		{"spoiler", "||verifica qui il tuo account||", "|" + z + "|verifica qui il tuo account|" + z + "|"},
		{"three bars", "a|||b", "a|" + z + "|" + z + "|b"},
		{"code fence", "```\nrm -rf /\n```", "\\`\\`\\`\nrm -rf /\n\\`\\`\\`"},
		{"inline code", "premi `Invio`", "premi \\`Invio\\`"},
		{"escaped backslash before a backtick", `a\\` + "`b", `a\\\` + "`b"},
		{"hashtag and numbers kept", "#ucraina è il tema n. #1; 3 > 2", "#ucraina è il tema n. #1; 3 " + z + "> 2"},
		{"emphasis kept", "**grassetto** e _corsivo_", "**grassetto** e _corsivo_"},
		{"four hashes kept", "#### non è un titolo", "#### non è un titolo"},
		{"bullet lists", "Punti:\n- primo\n* secondo\n+ terzo", "Punti:\n" + z + "- primo\n" + z + "* secondo\n" + z + "+ terzo"},
		{"numbered list keeps its numbers", "3. truppe\n3. munizioni", z + "3. truppe\n" + z + "3. munizioni"},
		{"numbered item after a space", "Fine. 12. Punto", "Fine. " + z + "12. Punto"},
		{"dash, decimals and ordinals kept", "Mosca-Pyongyang, 3.5 milioni, il 2.o posto, -5%", "Mosca-Pyongyang, 3.5 milioni, il 2.o posto, -5%"},
		{"emphasis with a star kept", "*corsivo* e 2*3", "*corsivo* e 2*3"},
	}
	checkDiscord(t, tests)
}

// orderedItem matches the start of an ordered list item.
var orderedItem = regexp.MustCompile(`^[0-9]{1,9}\. `)

func FuzzDiscord(f *testing.F) {
	f.Add("[a](https://x.example) @everyone <@&1>")
	f.Add("[[x](y)](z)")
	f.Add("# title\n-# sub\n> quote ||spoiler|| ```code```")
	f.Add("\\\\`x` |||")
	f.Add("- a\n* b\n+ c\n1. d")
	f.Fuzz(func(t *testing.T, s string) {
		got := safetext.Discord(s)
		if strings.Contains(got, "||") {
			t.Errorf("Discord(%q) = %q holds a spoiler", s, got)
		}
		for _, line := range strings.Split(got, "\n") {
			if l := strings.TrimLeft(line, " \t"); strings.HasPrefix(l, ">") || strings.HasPrefix(l, "-# ") ||
				strings.HasPrefix(l, "# ") || strings.HasPrefix(l, "## ") || strings.HasPrefix(l, "### ") ||
				strings.HasPrefix(l, "- ") || strings.HasPrefix(l, "* ") || strings.HasPrefix(l, "+ ") || orderedItem.MatchString(l) {
				t.Errorf("Discord(%q) = %q has a line starting with live markdown: %q", s, got, line)
			}
		}
		if strings.Contains(got, "](") {
			t.Errorf("Discord(%q) = %q holds a link", s, got)
		}
		if strings.Contains(got, "@everyone") || strings.Contains(got, "@here") {
			t.Errorf("Discord(%q) = %q holds a mass mention", s, got)
		}
		if again := safetext.Discord(got); again != got {
			t.Errorf("Discord not idempotent on %q: %q then %q", s, got, again)
		}
	})
}

func FuzzTerminal(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := safetext.Terminal(s)
		if safetext.HasControl(got) {
			t.Errorf("Terminal(%q) = %q holds a control character", s, got)
		}
		if again := safetext.Terminal(got); again != got {
			t.Errorf("Terminal not idempotent on %q", s)
		}
		if q := safetext.Question(s); safetext.HasControl(q) && utf8.ValidString(s) {
			t.Errorf("Question(%q) = %q holds a control character", s, q)
		}
	})
}
