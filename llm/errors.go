package llm

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels wrapped by *Error; test them with errors.Is.
var (
	// ErrEmptyCompletion: the server answered but the completion has no text.
	ErrEmptyCompletion = errors.New("empty completion")
	// ErrTruncated: a stream ended (or the connection dropped) before any
	// choice reported a finish_reason; the text received so far is partial.
	ErrTruncated = errors.New("stream truncated")
	// ErrLength: the completion stopped at the token limit (finish_reason
	// "length"). Generate and Stream return the partial text together with
	// an error wrapping ErrLength, so a caller may still use the text.
	ErrLength = errors.New("completion cut at max tokens")
	// ErrFiltered: the provider's content filter stopped the completion
	// (finish_reason "content_filter").
	ErrFiltered = errors.New("completion stopped by content filter")
	// ErrMalformed: the server replied with a body that is not the JSON
	// shape of the OpenAI API (or no choices/embeddings at all).
	ErrMalformed = errors.New("malformed response")
	// ErrTimeout: one attempt ran past Config.Timeout. It is retried; the
	// final error wraps it when every attempt timed out.
	ErrTimeout = errors.New("attempt timed out")
)

// Error is what every Client method returns on failure. Its message is one
// line fit for the operator's log: "llm: chat: status 429 after 4 attempts:
// rate limited".
type Error struct {
	// Op is the operation: "chat", "stream", "embed" or "models".
	Op string
	// Status is the HTTP status of the last failed attempt, or 0 when the
	// failure was not an HTTP error status (network, timeout, bad body).
	Status int
	// Attempts is how many requests were made.
	Attempts int
	// Err is the cause of the last attempt.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("llm: ")
	b.WriteString(e.Op)
	detail := false
	if e.Status != 0 {
		fmt.Fprintf(&b, ": status %d", e.Status)
		detail = true
	}
	if e.Attempts > 1 {
		if !detail {
			b.WriteString(":")
		}
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// StatusCode returns the HTTP status carried by err (an *Error anywhere in
// its chain), or 0.
func StatusCode(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}
