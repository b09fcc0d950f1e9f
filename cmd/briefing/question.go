package main

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/briefing/briefing"
)

// maxStdinBytes bounds what "-" reads from stdin: far above any question
// limit, so an over-long question is reported as such rather than
// truncated, but never an unbounded read.
const maxStdinBytes = 1 << 20

// readQuestion joins args into one question, or reads it from stdin when the
// only argument is "-".
func readQuestion(args []string, stdin io.Reader) (string, error) {
	if len(args) == 1 && args[0] == "-" {
		data, err := io.ReadAll(io.LimitReader(stdin, maxStdinBytes))
		if err != nil {
			return "", fmt.Errorf("read question from stdin: %w", err)
		}
		return strings.TrimSpace(string(data)), nil
	}
	return strings.TrimSpace(strings.Join(args, " ")), nil
}

// checkQuestion rejects, before any work is done, questions the engine
// cannot answer: invalid UTF-8, empty, longer than maxChars characters, or
// without a single letter or digit (punctuation or emoji only). The errors
// wrap rag's sentinels.
func checkQuestion(q string, maxChars int) error {
	if !utf8.ValidString(q) {
		return fmt.Errorf("%w: the text has bytes that are not UTF-8; re-encode it", briefing.ErrInvalidText)
	}
	q = strings.TrimSpace(q)
	if q == "" {
		return fmt.Errorf("%w: give a question as arguments, or \"-\" to read it from stdin", briefing.ErrEmptyQuestion)
	}
	if n := utf8.RuneCountInString(q); n > maxChars {
		return fmt.Errorf("%w: %d characters, the limit is %d (retrieval.max_question_chars)", briefing.ErrQuestionTooLong, n, maxChars)
	}
	if !strings.ContainsFunc(q, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return fmt.Errorf("%w: it has no letters or digits to search for", briefing.ErrEmptyQuestion)
	}
	return nil
}
