package rag

import (
	"context"
	"fmt"
	"math/rand"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/rag/hashed"
	"github.com/briefing/briefing/rag/lexical"
)

// Benchmarks run on the embedded corpus and on synthetic corpora of 1k, 10k
// and 100k passages made, with a fixed seed, of sentences recombined from
// the seed articles' words, so term statistics stay those of news text.
//
//	go test ./rag -run '^$' -bench . -benchtime 2s

func seedDocs(tb testing.TB) []corpus.Document {
	tb.Helper()
	docs, _, err := corpus.Load(context.Background(), corpus.Default())
	if err != nil {
		tb.Fatal(err)
	}
	return docs
}

// syntheticDocs makes n passages' worth of documents (about 5 passages of
// ~700 characters each per document).
func syntheticDocs(tb testing.TB, n int) []corpus.Document {
	tb.Helper()
	var words []string
	for _, d := range seedDocs(tb) {
		words = append(words, strings.Fields(d.Body)...)
	}
	rng := rand.New(rand.NewSource(42))
	sentence := func() string {
		k := 12 + rng.Intn(18)
		var b strings.Builder
		for i := 0; i < k; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			w := strings.Trim(words[rng.Intn(len(words))], ".,:;“”\"")
			if i == 0 && w != "" {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			b.WriteString(w)
		}
		b.WriteByte('.')
		return b.String()
	}
	const perDoc = 5
	var docs []corpus.Document
	for i := 0; i*perDoc < n; i++ {
		var paras []string
		for p := 0; p < perDoc && i*perDoc+p < n; p++ {
			var para strings.Builder
			for para.Len() < 600 {
				if para.Len() > 0 {
					para.WriteByte(' ')
				}
				para.WriteString(sentence())
			}
			paras = append(paras, para.String())
		}
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("doc-%06d", i), Title: fmt.Sprintf("Documento %d", i), Lang: "it", Body: strings.Join(paras, "\n\n")})
	}
	return docs
}

var (
	benchMu      sync.Mutex
	benchEngines = map[int]*Engine{}
	benchBytes   = map[int]float64{}
)

// benchEngine indexes a synthetic corpus of n passages once per process and
// records the heap it added per passage.
func benchEngine(b *testing.B, n int) (*Engine, float64) {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	if e, ok := benchEngines[n]; ok {
		return e, benchBytes[n]
	}
	docs := syntheticDocs(b, n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	e, err := New(context.Background(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.Index(context.Background(), docs, nil); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / float64(len(e.cur.Load().passages))
	benchEngines[n], benchBytes[n] = e, per
	return e, per
}

var benchQuestions = []string{
	"Quando il parlamento russo ha ratificato il trattato?",
	"How many North Korean soldiers were killed in Kursk?",
	"tecnologia missilistica sottomarini",
	"Which drone platforms did North Korea receive?",
}

var sinkHits []briefing.Hit

// BenchmarkEmbed measures analysis + hashed embedding throughput.
func BenchmarkEmbed(b *testing.B) {
	var texts []string
	for _, d := range syntheticDocs(b, 1000) {
		for _, p := range corpus.Chunk(d, corpus.ChunkOptions{}) {
			texts = append(texts, p.Text)
		}
	}
	h := hashed.New(0, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := h.EmbedDocuments(context.Background(), texts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(texts)*b.N)/b.Elapsed().Seconds(), "passages/s")
}

// BenchmarkQuerySeed is the latency of a search and of a whole extractive
// answer on the embedded corpus.
func BenchmarkQuerySeed(b *testing.B) {
	e, err := New(context.Background(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.Index(context.Background(), seedDocs(b), nil); err != nil {
		b.Fatal(err)
	}
	b.Run("search", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			hits, err := e.Search(context.Background(), benchQuestions[i%len(benchQuestions)], 5)
			if err != nil {
				b.Fatal(err)
			}
			sinkHits = hits
		}
	})
	b.Run("answer", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			a, err := e.Answer(context.Background(), briefing.Request{Question: benchQuestions[i%len(benchQuestions)]})
			if err != nil {
				b.Fatal(err)
			}
			sinkHits = a.Hits
		}
	})
}

// BenchmarkQueryScale compares, at 1k, 10k and 100k passages, the engine's
// hybrid search with chromem-go's query over the same vectors and with a
// plain brute-force dot-product loop (the lower bound of exact search).
func BenchmarkQueryScale(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		if testing.Short() && n > 10000 {
			continue
		}
		e, perPassage := benchEngine(b, n)
		s := e.cur.Load()
		qv, err := e.embedder.EmbedQuery(context.Background(), benchQuestions[0])
		if err != nil {
			b.Fatal(err)
		}
		vecs := make([][]float32, len(s.passages))
		for i, p := range s.passages {
			v, _ := s.vec.Vector(context.Background(), p.ID)
			vecs[i] = v
		}
		b.Run(fmt.Sprintf("n=%d/hybrid", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				hits, err := e.Search(context.Background(), benchQuestions[i%len(benchQuestions)], 5)
				if err != nil {
					b.Fatal(err)
				}
				sinkHits = hits
			}
			b.ReportMetric(perPassage, "heap-B/passage")
		})
		b.Run(fmt.Sprintf("n=%d/chromem", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := s.vec.Query(context.Background(), qv, 20); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/bruteforce", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				sinkTop = bruteForce(vecs, qv, 20)
			}
		})
	}
}

var sinkTop []lexical.Scored

// bruteForce is the exact nearest-neighbour lower bound: one dot product per
// vector and a partial sort.
func bruteForce(vecs [][]float32, q []float32, k int) []lexical.Scored {
	out := make([]lexical.Scored, 0, k+1)
	for i, v := range vecs {
		var s float32
		for j := range v {
			s += v[j] * q[j]
		}
		if len(out) < k || float64(s) > out[len(out)-1].Score {
			out = append(out, lexical.Scored{Passage: i, Score: float64(s)})
			sort.Slice(out, func(a, b int) bool { return out[a].Score > out[b].Score })
			if len(out) > k {
				out = out[:k]
			}
		}
	}
	return out
}

// BenchmarkIndex100k reports the time to index (chunk, analyse, embed, store)
// 10k passages in memory.
func BenchmarkIndex10k(b *testing.B) {
	docs := syntheticDocs(b, 10000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e, err := New(context.Background(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		rep, err := e.Index(context.Background(), docs, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.Passages)/time.Since(start).Seconds(), "passages/s")
	}
}
