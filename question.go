package briefing

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CheckQuestion validates untrusted question text before any work is done:
// it must be valid UTF-8 (ErrInvalidText), at most maxChars characters once
// trimmed (ErrQuestionTooLong) and hold a letter or a digit
// (ErrEmptyQuestion: empty, punctuation or emoji only). It returns the
// trimmed question.
func CheckQuestion(q string, maxChars int) (string, error) {
	if !utf8.ValidString(q) {
		return "", ErrInvalidText
	}
	q = strings.TrimSpace(q)
	if n := utf8.RuneCountInString(q); n > maxChars {
		return "", fmt.Errorf("%w: %d characters, at most %d", ErrQuestionTooLong, n, maxChars)
	}
	if !strings.ContainsFunc(q, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return "", ErrEmptyQuestion
	}
	return q, nil
}
