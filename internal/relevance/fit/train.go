package fit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/internal/relevance"
	"github.com/briefing/briefing/rag/hashed"
)

// Command is the command that produces the committed model, from the
// repository root (SeedFiles are its default --seed files).
const Command = "go run ./cmd/briefing train --squad ../shared/eval/squadit --out internal/relevance/weights.json"

// Train is Fit with the engine's defaults: the built-in glossary and the
// offline hashed embedder.
func Train(ctx context.Context, sets []Set, opts Options) (*relevance.Model, Report, error) {
	if opts.Analyzer == nil {
		g, err := analysis.DefaultGlossary()
		if err != nil {
			return nil, Report{}, fmt.Errorf("fit: %w", err)
		}
		opts.Analyzer = analysis.New(g)
	}
	if opts.Embedder == nil {
		opts.Embedder = hashed.New(hashed.DefaultDimensions, opts.Analyzer)
	}
	return Fit(ctx, sets, opts)
}

// provenance is what weights.json says of its making.
type provenance struct {
	Command string            `json:"command"`
	Data    map[string]string `json:"data"` // set -> sha256 of its questions and documents
	Report  Report            `json:"cross_validated"`
}

// Encode renders m as the model file, with its provenance.
func Encode(m *relevance.Model, rep Report, sets []Set) ([]byte, error) {
	p := provenance{Command: Command, Data: map[string]string{}, Report: rep}
	for _, s := range sets {
		h := sha256.New()
		ids := make([]string, 0, len(s.Docs))
		bodies := map[string]string{}
		for _, d := range s.Docs {
			ids = append(ids, d.ID)
			bodies[d.ID] = d.Body
		}
		sort.Strings(ids)
		for _, id := range ids {
			fmt.Fprintf(h, "doc %s %d\n%s\n", id, len(bodies[id]), bodies[id])
		}
		for _, q := range s.Questions {
			b, _ := json.Marshal(q)
			h.Write(b)
		}
		p.Data[s.Name] = fmt.Sprintf("%d documents, %d questions, sha256 %s", len(s.Docs), len(s.Questions), hex.EncodeToString(h.Sum(nil))[:16])
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode model: %w", err)
	}
	mm := *m
	mm.Provenance = raw
	out, err := json.MarshalIndent(mm, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode model: %w", err)
	}
	return append(out, '\n'), nil
}
