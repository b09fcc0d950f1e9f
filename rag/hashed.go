package rag

import (
	"context"
	"fmt"
	"math"

	"github.com/briefing/briefing/internal/analysis"
)

// HashedEmbedder is the offline default Embedder: deterministic, no weights.
// A text becomes a bag of features (the Italian and English stems of its
// content words, and the character 3- to 5-grams of each word) hashed into
// Dim signed buckets and L2-normalised. Character n-grams make cognates and
// typos close ("nuclear" ~ "nucleare"); queries add the stems of their
// glossary translations, which is how an English question reaches an
// Italian passage.
type HashedEmbedder struct {
	dim      int
	analyzer *analysis.Analyzer
}

// DefaultDimensions is the vector size of the hashed embedder: 512 float32s
// are 2 KiB a passage, so 100k passages hold in ~200 MiB.
const DefaultDimensions = 512

// NewHashedEmbedder returns a hashed embedder of dim dimensions (0: default)
// expanding queries with a (nil: the built-in glossary).
func NewHashedEmbedder(dim int, a *analysis.Analyzer) *HashedEmbedder {
	if dim <= 0 {
		dim = DefaultDimensions
	}
	if a == nil {
		g, err := analysis.DefaultGlossary()
		if err != nil {
			// The built-in glossary is tested to parse; without it the
			// embedder still works, monolingually.
			g = nil
		}
		a = analysis.New(g)
	}
	return &HashedEmbedder{dim: dim, analyzer: a}
}

// Name identifies the embedder and its settings.
func (h *HashedEmbedder) Name() string { return fmt.Sprintf("hashed-v2/dim=%d", h.dim) }

// EmbedDocuments embeds each text; it never fails unless ctx is done.
func (h *HashedEmbedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("hashed embed: %w", err)
			}
		}
		out[i] = h.document(t)
	}
	return out, nil
}

// EmbedQuery embeds a question with its glossary expansion.
func (h *HashedEmbedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("hashed embed: %w", err)
	}
	return h.query(h.analyzer.Query(text, detectLang(text))), nil
}

// document features: per content word, its stems (weight 1 shared) and its
// n-grams (weight 1 shared), so long words do not dominate.
func (h *HashedEmbedder) document(text string) []float32 {
	v := make([]float32, h.dim)
	stems := map[string][2]string{}
	for _, t := range analysis.Tokenize(text) {
		if analysis.IsStop(t.Text, "") {
			continue
		}
		st, ok := stems[t.Text]
		if !ok {
			st = [2]string{analysis.Stem(t.Text, "it"), analysis.Stem(t.Text, "en")}
			stems[t.Text] = st
		}
		if st[0] == st[1] {
			h.add(v, 's', st[0], 1)
		} else {
			h.add(v, 's', st[0], 0.5)
			h.add(v, 's', st[1], 0.5)
		}
		h.ngrams(v, t.Text, 1)
	}
	normalize(v)
	return v
}

// ngrams adds the character 3- to 5-grams of " w " sharing weight.
func (h *HashedEmbedder) ngrams(v []float32, w string, weight float64) {
	var buf [64]rune
	r := append(buf[:0], ' ')
	for _, c := range w {
		r = append(r, c)
	}
	r = append(r, ' ')
	count := 0
	for n := 3; n <= 5; n++ {
		if len(r) >= n {
			count += len(r) - n + 1
		}
	}
	if count == 0 {
		return
	}
	each := weight / float64(count)
	for n := 3; n <= 5; n++ {
		for i := 0; i+n <= len(r); i++ {
			h.addRunes(v, r[i:i+n], each)
		}
	}
}

// query features: each concept weighs 1, shared among its alternatives.
func (h *HashedEmbedder) query(q analysis.Query) []float32 {
	v := make([]float32, h.dim)
	for _, c := range q.Concepts {
		for _, w := range c.Words {
			h.ngrams(v, w, 0.5/float64(len(c.Words)))
		}
		if len(c.Alts) == 0 {
			continue
		}
		each := 1.0 / float64(len(c.Alts))
		for _, a := range c.Alts {
			for _, t := range a.Terms {
				h.add(v, 's', t, each*a.Weight/float64(len(a.Terms)))
				h.ngrams(v, t, 0.5*each*a.Weight/float64(len(a.Terms)))
			}
		}
	}
	normalize(v)
	return v
}

// FNV-1a, inlined to hash features without allocating.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// add hashes kind+feature into a signed bucket.
func (h *HashedEmbedder) add(v []float32, kind byte, feature string, weight float64) {
	x := uint64(fnvOffset)
	x = (x ^ uint64(kind)) * fnvPrime
	for i := 0; i < len(feature); i++ {
		x = (x ^ uint64(feature[i])) * fnvPrime
	}
	h.bucket(v, x, weight)
}

func (h *HashedEmbedder) addRunes(v []float32, gram []rune, weight float64) {
	x := uint64(fnvOffset)
	x = (x ^ 'g') * fnvPrime
	for _, r := range gram {
		x = (x ^ uint64(r)) * fnvPrime
	}
	h.bucket(v, x, weight)
}

func (h *HashedEmbedder) bucket(v []float32, x uint64, weight float64) {
	// Final avalanche so nearby hashes spread over buckets and signs.
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	i := int(x % uint64(h.dim))
	if x>>63 == 1 {
		weight = -weight
	}
	v[i] += float32(weight)
}

func normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		// chromem-go rejects zero vectors; a text with no content words
		// gets a fixed unit vector that matches nothing in particular.
		v[0] = 1
		return
	}
	n := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= n
	}
}
