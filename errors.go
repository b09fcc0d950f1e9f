package briefing

import "errors"

// Sentinel errors callers map to user-facing messages with errors.Is.
var (
	// ErrEmptyQuestion: the question has no searchable words (empty,
	// punctuation or emoji only).
	ErrEmptyQuestion = errors.New("empty question")
	// ErrQuestionTooLong: the question exceeds the engine's MaxQuestionChars.
	ErrQuestionTooLong = errors.New("question too long")
	// ErrInvalidText: the question is not valid UTF-8.
	ErrInvalidText = errors.New("question is not valid UTF-8")
	// ErrNoIndex: nothing has been indexed yet.
	ErrNoIndex = errors.New("no index: run index first")
	// ErrUnknownDocument: a summary asked for a document ID the index lacks.
	ErrUnknownDocument = errors.New("unknown document")
	// ErrNoMatch: a request's filter (dates, outlets) leaves no document in
	// scope, so nothing could answer it whatever it asks.
	ErrNoMatch = errors.New("no document matches the filter")
)
