package briefing

import "context"

// Message is one chat message for a Generator. It is the only message type
// that crosses package borders: the engine's prompts are built of it and
// llm sends it.
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

// LimitedGenerator is an optional capability of a Generator: a completion
// capped at maxTokens. The engine uses it for query rewrites, which need a
// few dozen tokens; a Generator without it is bounded by the rewrite prompt
// and the rewrite timeout instead.
type LimitedGenerator interface {
	GenerateLimited(ctx context.Context, msgs []Message, maxTokens int) (string, error)
}

// Embedder turns texts into vectors. Documents and queries are embedded
// separately because the offline embedder expands queries (cross-language
// glossary) but not documents.
type Embedder interface {
	// Name identifies the embedder, its model and settings; it is recorded
	// with the index and a change triggers a full rebuild.
	Name() string
	// EmbedDocuments embeds passages, in batches where the provider allows.
	EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error)
	// EmbedQuery embeds one question.
	EmbedQuery(ctx context.Context, text string) ([]float32, error)
}
