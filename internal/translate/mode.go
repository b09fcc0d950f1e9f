package translate

import (
	"errors"
	"fmt"
	"strings"
)

// unmarkedGen replaces $1 in a mode file: generation without unknown-word
// marks, as "apertium -u" does. Marks left by the first pair would otherwise
// reach the second pair's analyser as part of the word.
const unmarkedGen = "-n"

// skipped lists programs of a mode that are dropped: they attach and detach
// word-bound blanks ([[...]]), which the Translator never writes.
var skipped = map[string]bool{
	"apertium-wblank-attach": true,
	"apertium-wblank-detach": true,
}

// parseMode turns the text of an Apertium .mode file, a shell pipeline, into
// one argument vector per program, each with the null-flush flag -z. It
// understands what mode files use: single and double quotes, backslash
// escapes, "|" between programs, $1 (the generation flag, here unmarkedGen)
// and $2 (the tagger flag, here nothing). Anything else shell-like is an
// error rather than a guess.
func parseMode(text string) ([][]string, error) {
	var (
		stages [][]string
		argv   []string
		word   strings.Builder
		inWord bool
		quote  rune // 0, '\'' or '"'
	)
	endWord := func() {
		if inWord {
			argv = append(argv, word.String())
			word.Reset()
			inWord = false
		}
	}
	endStage := func() error {
		endWord()
		if len(argv) == 0 {
			return errors.New("empty program in pipeline")
		}
		if !skipped[argv[0]] {
			stages = append(stages, withNullFlush(argv))
		}
		argv = nil
		return nil
	}
	rs := []rune(text)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				word.WriteRune(r)
			}
		case r == '\\' && i+1 < len(rs):
			i++
			word.WriteRune(rs[i])
			inWord = true
		case quote == '"' && r == '"':
			quote = 0
		case quote == '"' && r == '$':
			return nil, fmt.Errorf("variable inside double quotes at offset %d", i)
		case quote == '"':
			word.WriteRune(r)
		case r == '\'' || r == '"':
			quote = r
			inWord = true // '' is an (empty) argument
		case r == '$':
			if inWord || i+1 >= len(rs) || (rs[i+1] != '1' && rs[i+1] != '2') {
				return nil, fmt.Errorf("unsupported variable at offset %d", i)
			}
			if rs[i+1] == '1' {
				argv = append(argv, unmarkedGen)
			}
			i++
		case r == '|':
			if err := endStage(); err != nil {
				return nil, err
			}
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			endWord()
		case strings.ContainsRune(";&<>`()", r):
			return nil, fmt.Errorf("unsupported shell syntax %q at offset %d", r, i)
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, errors.New("unterminated quote")
	}
	if err := endStage(); err != nil {
		return nil, err
	}
	return stages, nil
}

// withNullFlush returns argv with -z after the program name, unless it is
// already there.
func withNullFlush(argv []string) []string {
	for _, a := range argv[1:] {
		if a == "-z" || a == "--null-flush" {
			return argv
		}
	}
	out := make([]string, 0, len(argv)+1)
	out = append(out, argv[0], "-z")
	return append(out, argv[1:]...)
}
