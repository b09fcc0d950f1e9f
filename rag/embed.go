package rag

import "context"

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
