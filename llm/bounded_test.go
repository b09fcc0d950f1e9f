package llm_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/briefing/briefing/internal/openaitest"
	"github.com/briefing/briefing/llm"
)

// TestRepliesAreBounded covers hostile case 5 at its source: a server that
// ignores max_tokens and sends 162 KB gets its completion cut at
// MaxReplyBytes, reported as ErrLength (so the engine answers
// extractively), streamed or not; a stream stops delivering there.
func TestRepliesAreBounded(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("PWNED è lungo [1]. ", 9000) // about 162 KB, multi-byte runes
	tests := []struct {
		name   string
		stream bool
	}{
		{"chat", false},
		{"stream", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			srv.OnChat(func(openaitest.ChatRequest) openaitest.Reply { return openaitest.Text(huge) })
			const limit = 4096
			c := newClient(t, srv, func(cfg *llm.Config) { cfg.MaxReplyBytes = limit })
			var streamed strings.Builder
			var text string
			var err error
			if tt.stream {
				text, err = c.Stream(context.Background(), msgs, func(d string) { streamed.WriteString(d) })
			} else {
				text, err = c.Generate(context.Background(), msgs)
			}
			if !errors.Is(err, llm.ErrLength) {
				t.Errorf("error = %v, want ErrLength", err)
			}
			if len(text) > limit || len(text) < limit-8 || !strings.HasPrefix(huge, text) {
				t.Errorf("text is %d bytes, want a prefix of the reply of about %d", len(text), limit)
			}
			if tt.stream && streamed.String() != text {
				t.Errorf("streamed %d bytes, want the %d of the text", streamed.Len(), len(text))
			}
		})
	}
}
