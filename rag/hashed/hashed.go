// Package hashed is the offline default embedder: deterministic hashed
// feature vectors, no weights, no network. It imports internal/analysis
// only.
package hashed

import (
	"context"
	"fmt"
	"math"

	"github.com/briefing/briefing/internal/analysis"
)

// Embedder is the offline default briefing.Embedder: deterministic, no weights.
// A text becomes a bag of features (the Italian and English stems of its
// content words, and the character 3- to 5-grams of each word) hashed into
// Dim signed buckets and L2-normalised. Character n-grams make cognates and
// typos close ("nuclear" ~ "nucleare"); queries add the stems of their
// glossary translations, which is how an English question reaches an
// Italian passage.
type Embedder struct {
	dim      int
	analyzer *analysis.Analyzer
}

// DefaultDimensions is the vector size of the hashed embedder: 512 float32s
// are 2 KiB a passage, so 100k passages hold in ~200 MiB.
const DefaultDimensions = 512

// New returns a hashed embedder of dim dimensions (0: default)
// expanding queries with a (nil: the built-in glossary).
func New(dim int, a *analysis.Analyzer) *Embedder {
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
	return &Embedder{dim: dim, analyzer: a}
}

// Name identifies the embedder and its settings.
func (h *Embedder) Name() string { return fmt.Sprintf("hashed-v2/dim=%d", h.dim) }

// EmbedDocuments embeds each text; it never fails unless ctx is done.
func (h *Embedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
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
func (h *Embedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("hashed embed: %w", err)
	}
	return h.query(h.analyzer.Query(text, analysis.DetectLang(text))), nil
}

// Dim is the vector size.
func (h *Embedder) Dim() int { return h.dim }

// Document is the vector of text as a document (no glossary expansion):
// what EmbedDocuments computes, without a context, for callers comparing
// sentences locally (extractive summaries).
func (h *Embedder) Document(text string) []float32 { return h.document(text) }

// document features: per content word, its stems (weight 1 shared) and its
// n-grams (weight 1 shared), so long words do not dominate.
func (h *Embedder) document(text string) []float32 {
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
	Normalize(v)
	return v
}

// ngrams adds the character 3- to 5-grams of " w " sharing weight.
func (h *Embedder) ngrams(v []float32, w string, weight float64) {
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
func (h *Embedder) query(q analysis.Query) []float32 {
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
	Normalize(v)
	return v
}

// FNV-1a, inlined to hash features without allocating.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// add hashes kind+feature into a signed bucket.
func (h *Embedder) add(v []float32, kind byte, feature string, weight float64) {
	x := uint64(fnvOffset)
	x = (x ^ uint64(kind)) * fnvPrime
	for i := 0; i < len(feature); i++ {
		x = (x ^ uint64(feature[i])) * fnvPrime
	}
	h.bucket(v, x, weight)
}

func (h *Embedder) addRunes(v []float32, gram []rune, weight float64) {
	x := uint64(fnvOffset)
	x = (x ^ 'g') * fnvPrime
	for _, r := range gram {
		x = (x ^ uint64(r)) * fnvPrime
	}
	h.bucket(v, x, weight)
}

func (h *Embedder) bucket(v []float32, x uint64, weight float64) {
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

// Normalize scales v to unit length in place; the zero vector becomes a
// fixed unit vector.
func Normalize(v []float32) {
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

// Dot is the dot product of two vectors of one length (their cosine when
// both are normalised).
func Dot(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
