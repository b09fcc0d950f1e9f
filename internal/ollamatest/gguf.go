// Package ollamatest prepares a real Ollama server for integration tests:
// it writes a tiny random-weight llama GGUF (no weights can be downloaded
// here) and registers it with "ollama create". The model talks nonsense;
// tests assert protocol behaviour, never content.
package ollamatest

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
)

// TinyOptions shape the tiny model; zero values mean the defaults noted.
type TinyOptions struct {
	// Embedding width (default 64), layers (default 2), attention heads
	// (default 4), feed-forward width (default 128).
	Embd, Layers, Heads, FF int
	// Words are the vocabulary beyond the 256 byte tokens (default: 100
	// English and Italian words).
	Words []string
	// Seed of the weights (default 1): the same options write the same bytes.
	Seed uint64
	// EOSBoost scales the output row of </s> (default 1: unbiased, so
	// generations practically always run into the token limit). About 4
	// makes greedy decoding end with finish_reason "stop" after a few
	// tokens for many prompts.
	EOSBoost float32
}

// defaultWords is the word vocabulary of the tiny model.
var defaultWords = []string{
	"the", "and", "of", "to", "in", "is", "that", "for", "on", "with",
	"as", "was", "by", "it", "at", "from", "this", "be", "are", "or",
	"Russia", "North", "Korea", "Moscow", "Pyongyang", "Kim", "Putin", "Lavrov", "treaty", "visit",
	"military", "alliance", "war", "Ukraine", "troops", "minister", "foreign", "meeting", "summit", "agreement",
	"il", "la", "di", "che", "e", "un", "una", "per", "con", "del",
	"della", "nel", "sono", "ha", "Russia", "Corea", "Nord", "visita", "ministro", "trattato",
	"guerra", "truppe", "accordo", "alleanza", "incontro", "esteri", "militare", "Mosca", "Seul", "Cina",
	"year", "new", "said", "will", "would", "has", "not", "but", "they", "their",
	"answer", "passage", "question", "yes", "no", "hello", "world", "test", "token", "model",
	"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
}

// GGUF value types (gguf.md in ggml).
const (
	ggufUint32  = 4
	ggufInt32   = 5
	ggufFloat32 = 6
	ggufBool    = 7
	ggufString  = 8
	ggufArray   = 9
)

const ggufAlignment = 32

type kv struct {
	key string
	val any
}

type tensor struct {
	name string
	dims []uint64 // ne0 first (innermost), as GGUF stores them
	data []float32
}

// WriteTiny writes a llama-architecture GGUF v3 with F32 random weights and
// a SentencePiece ("llama") vocabulary: <unk>, <s>, </s>, the 256 byte
// tokens <0x00>…<0xFF> (llama.cpp falls back to them for any text), then
// "▁word" pieces. About 0.5 MB with the defaults.
func WriteTiny(w io.Writer, o TinyOptions) error {
	if o.Embd == 0 {
		o.Embd = 64
	}
	if o.Layers == 0 {
		o.Layers = 2
	}
	if o.Heads == 0 {
		o.Heads = 4
	}
	if o.FF == 0 {
		o.FF = 128
	}
	if o.Words == nil {
		o.Words = defaultWords
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.EOSBoost == 0 {
		o.EOSBoost = 1
	}
	if o.Embd%o.Heads != 0 {
		return fmt.Errorf("embedding width %d not divisible by %d heads", o.Embd, o.Heads)
	}
	headDim := o.Embd / o.Heads

	tokens := []string{"<unk>", "<s>", "</s>"}
	types := []int32{2, 3, 3} // unknown, control, control
	scores := []float32{0, 0, 0}
	for b := range 256 {
		tokens = append(tokens, fmt.Sprintf("<0x%02X>", b))
		types = append(types, 6) // byte
		scores = append(scores, 0)
	}
	seen := map[string]bool{}
	for i, word := range append([]string{""}, o.Words...) {
		piece := "▁" + word
		if seen[piece] {
			continue // duplicate pieces break llama.cpp's token map
		}
		seen[piece] = true
		tokens = append(tokens, piece)
		types = append(types, 1) // normal
		scores = append(scores, -float32(i))
	}
	vocab := uint64(len(tokens))

	kvs := []kv{
		{"general.architecture", "llama"},
		{"general.name", "briefing-tiny"},
		{"general.file_type", uint32(0)}, // all F32
		{"general.alignment", uint32(ggufAlignment)},
		{"llama.context_length", uint32(2048)},
		{"llama.embedding_length", uint32(o.Embd)},
		{"llama.block_count", uint32(o.Layers)},
		{"llama.feed_forward_length", uint32(o.FF)},
		{"llama.attention.head_count", uint32(o.Heads)},
		{"llama.attention.head_count_kv", uint32(o.Heads)},
		{"llama.attention.key_length", uint32(headDim)},
		{"llama.attention.value_length", uint32(headDim)},
		{"llama.rope.dimension_count", uint32(headDim)},
		{"llama.rope.freq_base", float32(10000)},
		{"llama.attention.layer_norm_rms_epsilon", float32(1e-5)},
		{"llama.vocab_size", uint32(vocab)},
		{"tokenizer.ggml.model", "llama"},
		{"tokenizer.ggml.tokens", tokens},
		{"tokenizer.ggml.scores", scores},
		{"tokenizer.ggml.token_type", types},
		{"tokenizer.ggml.unknown_token_id", uint32(0)},
		{"tokenizer.ggml.bos_token_id", uint32(1)},
		{"tokenizer.ggml.eos_token_id", uint32(2)},
		{"tokenizer.ggml.add_bos_token", true},
		{"tokenizer.ggml.add_eos_token", false},
	}

	rng := rand.New(rand.NewPCG(o.Seed, 0x6272696566696e67)) // "briefing"
	random := func(n uint64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64() * 0.08)
		}
		return v
	}
	ones := func(n uint64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = 1
		}
		return v
	}
	e, ff := uint64(o.Embd), uint64(o.FF)
	output := random(e * vocab)
	for i := range e { // row of token 2, </s>
		output[2*e+i] *= o.EOSBoost
	}
	ts := []tensor{
		{"token_embd.weight", []uint64{e, vocab}, random(e * vocab)},
		{"output_norm.weight", []uint64{e}, ones(e)},
		{"output.weight", []uint64{e, vocab}, output},
	}
	for l := range o.Layers {
		p := fmt.Sprintf("blk.%d.", l)
		ts = append(ts,
			tensor{p + "attn_norm.weight", []uint64{e}, ones(e)},
			tensor{p + "attn_q.weight", []uint64{e, e}, random(e * e)},
			tensor{p + "attn_k.weight", []uint64{e, e}, random(e * e)},
			tensor{p + "attn_v.weight", []uint64{e, e}, random(e * e)},
			tensor{p + "attn_output.weight", []uint64{e, e}, random(e * e)},
			tensor{p + "ffn_norm.weight", []uint64{e}, ones(e)},
			tensor{p + "ffn_gate.weight", []uint64{e, ff}, random(e * ff)},
			tensor{p + "ffn_up.weight", []uint64{e, ff}, random(e * ff)},
			tensor{p + "ffn_down.weight", []uint64{ff, e}, random(ff * e)},
		)
	}
	return writeGGUF(w, kvs, ts)
}

// writeGGUF writes header, metadata, tensor infos and aligned tensor data.
func writeGGUF(w io.Writer, kvs []kv, ts []tensor) error {
	cw := &countWriter{w: bufio.NewWriter(w)}
	le := binary.LittleEndian
	put := func(v any) {
		if cw.err == nil {
			cw.err = binary.Write(cw, le, v)
		}
	}
	putString := func(s string) {
		put(uint64(len(s)))
		if cw.err == nil {
			_, cw.err = io.WriteString(cw, s)
		}
	}

	put([]byte("GGUF"))
	put(uint32(3))
	put(uint64(len(ts)))
	put(uint64(len(kvs)))
	for _, kv := range kvs {
		putString(kv.key)
		switch v := kv.val.(type) {
		case string:
			put(uint32(ggufString))
			putString(v)
		case uint32:
			put(uint32(ggufUint32))
			put(v)
		case float32:
			put(uint32(ggufFloat32))
			put(v)
		case bool:
			put(uint32(ggufBool))
			put(v)
		case []string:
			put(uint32(ggufArray))
			put(uint32(ggufString))
			put(uint64(len(v)))
			for _, s := range v {
				putString(s)
			}
		case []float32:
			put(uint32(ggufArray))
			put(uint32(ggufFloat32))
			put(uint64(len(v)))
			put(v)
		case []int32:
			put(uint32(ggufArray))
			put(uint32(ggufInt32))
			put(uint64(len(v)))
			put(v)
		default:
			return fmt.Errorf("gguf: key %s: unsupported type %T", kv.key, v)
		}
	}
	var offset uint64
	for _, t := range ts {
		putString(t.name)
		put(uint32(len(t.dims)))
		put(t.dims)
		put(uint32(0)) // GGML_TYPE_F32
		put(offset)
		offset += align(uint64(len(t.data)) * 4)
	}
	pad := func() {
		if n := align(uint64(cw.n)) - uint64(cw.n); n > 0 && cw.err == nil {
			_, cw.err = cw.Write(make([]byte, n))
		}
	}
	pad()
	for _, t := range ts {
		put(t.data)
		pad()
	}
	if cw.err != nil {
		return fmt.Errorf("gguf: %w", cw.err)
	}
	if err := cw.w.(*bufio.Writer).Flush(); err != nil {
		return fmt.Errorf("gguf: %w", err)
	}
	return nil
}

func align(n uint64) uint64 {
	return (n + ggufAlignment - 1) / ggufAlignment * ggufAlignment
}

// countWriter counts bytes for alignment and keeps the first error.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
