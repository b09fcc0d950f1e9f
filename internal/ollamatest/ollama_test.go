package ollamatest_test

import (
	"bytes"
	"crypto/sha256"
	"testing"

	"github.com/briefing/briefing/internal/ollamatest"
)

func TestWriteTinyDeterministic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    ollamatest.TinyOptions
		minSize int
		maxSize int
	}{
		{"default", ollamatest.TinyOptions{}, 300_000, 800_000},
		{"smaller", ollamatest.TinyOptions{Embd: 32, Layers: 1, Heads: 2, FF: 64, Words: []string{"a", "b"}}, 10_000, 200_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var a, b bytes.Buffer
			if err := ollamatest.WriteTiny(&a, tt.opts); err != nil {
				t.Fatalf("WriteTiny: %v", err)
			}
			if err := ollamatest.WriteTiny(&b, tt.opts); err != nil {
				t.Fatalf("WriteTiny: %v", err)
			}
			if sa, sb := sha256.Sum256(a.Bytes()), sha256.Sum256(b.Bytes()); sa != sb {
				t.Errorf("two writes differ: %x vs %x", sa, sb)
			}
			if n := a.Len(); n < tt.minSize || n > tt.maxSize || n%32 != 0 {
				t.Errorf("size %d, want %d..%d and 32-aligned", n, tt.minSize, tt.maxSize)
			}
			if got := string(a.Bytes()[:4]); got != "GGUF" {
				t.Errorf("magic %q, want GGUF", got)
			}
		})
	}
}
