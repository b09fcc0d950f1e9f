package llm

import (
	"context"
	"errors"
	"fmt"

	openai "github.com/sashabaranov/go-openai"

	"github.com/briefing/briefing"
)

// Embed returns one vector per text, in the order of texts, sending
// Config.BatchSize texts per request to /embeddings with
// Config.EmbeddingModel. Each batch is retried like a chat call. Every
// vector has the same dimension or Embed fails with ErrMalformed.
func (c *Client) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if c.cfg.EmbeddingModel == "" {
		return nil, &Error{Op: "embed", Err: errors.New("no embedding model configured")}
	}
	out := make([][]float32, len(texts))
	dim := 0
	for lo := 0; lo < len(texts); lo += c.cfg.BatchSize {
		hi := min(lo+c.cfg.BatchSize, len(texts))
		batch := texts[lo:hi]
		attempts := 0
		err := c.retry(ctx, "embed", func(ctx context.Context, _ *attempt) error {
			attempts++
			resp, err := c.api.CreateEmbeddings(ctx, openai.EmbeddingRequest{
				Input: batch,
				Model: openai.EmbeddingModel(c.cfg.EmbeddingModel),
			})
			if err != nil {
				return err
			}
			return place(out[lo:hi], resp.Data, &dim)
		})
		if err != nil {
			return nil, err
		}
		c.log.Debug("llm embed batch", "from", lo, "to", hi, "attempts", attempts)
	}
	return out, nil
}

// place puts each embedding at its response index, checking that the batch
// is complete and the dimension consistent.
func place(dst [][]float32, data []openai.Embedding, dim *int) error {
	if len(data) != len(dst) {
		return fmt.Errorf("%w: %d embeddings for %d inputs", ErrMalformed, len(data), len(dst))
	}
	seen := make([]bool, len(dst))
	for _, e := range data {
		if e.Index < 0 || e.Index >= len(dst) || seen[e.Index] {
			return fmt.Errorf("%w: embedding index %d out of range or repeated", ErrMalformed, e.Index)
		}
		if len(e.Embedding) == 0 {
			return fmt.Errorf("%w: empty embedding at index %d", ErrMalformed, e.Index)
		}
		if *dim == 0 {
			*dim = len(e.Embedding)
		}
		if len(e.Embedding) != *dim {
			return fmt.Errorf("%w: embedding dimension %d, want %d", ErrMalformed, len(e.Embedding), *dim)
		}
		seen[e.Index] = true
		dst[e.Index] = e.Embedding
	}
	return nil
}

// Embedder adapts a Client to briefing.Embedder.
type Embedder struct {
	c *Client
}

var _ briefing.Embedder = (*Embedder)(nil)

// NewEmbedder returns a briefing.Embedder that embeds documents and queries alike
// with c's EmbeddingModel.
func NewEmbedder(c *Client) *Embedder { return &Embedder{c: c} }

// Name is "openai:<model>@<host>": a change of model or server triggers a
// re-index, a change of key does not (and the key never appears).
func (e *Embedder) Name() string {
	return "openai:" + e.c.cfg.EmbeddingModel + "@" + e.c.host
}

// EmbedDocuments embeds passages in batches.
func (e *Embedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	return e.c.Embed(ctx, texts)
}

// EmbedQuery embeds one question.
func (e *Embedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	v, err := e.c.Embed(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	return v[0], nil
}
