package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/safetext"
)

// maxStdinBytes bounds what "-" reads from stdin: far above any question
// limit, so an over-long question is reported as such rather than
// truncated, but never an unbounded read.
const maxStdinBytes = 1 << 20

// readQuestion joins args into one question, or reads it from stdin when the
// only argument is "-", and cleans it with cleanQuestion. A question that
// cleaning empties is named for what it held.
func readQuestion(args []string, stdin io.Reader) (string, error) {
	raw := strings.Join(args, " ")
	if len(args) == 1 && args[0] == "-" {
		data, err := io.ReadAll(io.LimitReader(stdin, maxStdinBytes+1))
		if err != nil {
			return "", fmt.Errorf("read question from stdin: %w", err)
		}
		if len(data) > maxStdinBytes {
			return "", fmt.Errorf("%w: more than %d bytes on stdin", briefing.ErrQuestionTooLong, maxStdinBytes)
		}
		raw = string(data)
	}
	q := cleanQuestion(raw)
	if q == "" && strings.TrimSpace(raw) != "" && utf8.ValidString(raw) {
		return "", fmt.Errorf("%w: it holds only mentions (@everyone, <@id>) or control sequences, which are not searched", briefing.ErrEmptyQuestion)
	}
	return q, nil
}

// cleanQuestion removes escape sequences, control characters and Discord
// mention tokens (safetext.Question): a question pasted with its colours
// asks the same as without them. Invalid UTF-8 is left for checkQuestion to
// reject.
func cleanQuestion(q string) string {
	if !utf8.ValidString(q) {
		return strings.TrimSpace(q)
	}
	return safetext.Question(q)
}

// checkQuestion rejects, before any work is done, questions the engine
// cannot answer (briefing.CheckQuestion: invalid UTF-8, longer than
// maxChars characters, or without a single letter or digit), with a hint
// for the command line. The errors wrap briefing's sentinels.
func checkQuestion(q string, maxChars int) error {
	_, err := briefing.CheckQuestion(q, maxChars)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, briefing.ErrInvalidText):
		return fmt.Errorf("%w: the text has bytes that are not UTF-8; re-encode it", briefing.ErrInvalidText)
	case errors.Is(err, briefing.ErrQuestionTooLong):
		n := utf8.RuneCountInString(strings.TrimSpace(q))
		return fmt.Errorf("%w: %d characters, the limit is %d (retrieval.max_question_chars)", briefing.ErrQuestionTooLong, n, maxChars)
	case strings.TrimSpace(q) == "":
		return fmt.Errorf("%w: give a question as arguments, or \"-\" to read it from stdin", briefing.ErrEmptyQuestion)
	}
	return fmt.Errorf("%w: it has no letters or digits to search for", briefing.ErrEmptyQuestion)
}
