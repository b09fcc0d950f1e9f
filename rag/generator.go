package rag

import "context"

// Message is one chat message for a Generator.
type Message struct {
	// Role is "system", "user" or "assistant".
	Role    string
	Content string
}

// Generator is the LLM as the engine uses it. Implementations retry and time
// out on their own terms; the engine falls back to extractive answers on any
// error.
type Generator interface {
	// Generate returns the whole completion.
	Generate(ctx context.Context, msgs []Message) (string, error)
	// Stream calls onDelta with each new fragment as it arrives and returns
	// the whole completion. A stream cut short returns an error.
	Stream(ctx context.Context, msgs []Message, onDelta func(delta string)) (string, error)
}
