package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefing/briefing/internal/discordtest"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a server.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeAnswersOverTheGateway runs "briefing serve" with the real engine
// on the embedded corpus against the fake Discord: commands are registered,
// an /ask is deferred and edited with the cited answer, and SIGTERM-style
// cancellation ends the command cleanly.
func TestServeAnswersOverTheGateway(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.Options{})
	env := map[string]string{
		"BRIEFING_DISCORD_TOKEN":        strings.TrimPrefix(fake.Token(), "Bot "),
		"BRIEFING_DISCORD_API_BASE_URL": fake.APIBase(),
		"BRIEFING_DISCORD_GUILD_IDS":    "10",
		"BRIEFING_INDEX_DIR":            "memory",
		"BRIEFING_OPS_LISTEN":           "127.0.0.1:0",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(runCtx, []string{"serve"}, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
	}()

	if _, err := fake.WaitFor(ctx, func(r discordtest.Request) bool {
		return r.Method == http.MethodPut && strings.HasSuffix(r.Path, "/guilds/10/commands")
	}); err != nil {
		t.Fatalf("commands not registered: %v\n%s", err, stderr.String())
	}
	in := fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "When did North Korea approve the treaty?"})
	if err := fake.Dispatch(ctx, "INTERACTION_CREATE", in.Payload); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitFor(ctx, func(r discordtest.Request) bool {
		return r.Method == http.MethodPatch && strings.Contains(r.Path, in.Token+"/messages/@original") &&
			strings.Contains(string(r.Raw), "11 novembre")
	}); err != nil {
		t.Fatalf("no answer edited in: %v\n%s", err, stderr.String())
	}
	stop()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("serve exited %d, want 0\n%s", code, stderr.String())
		}
	case <-ctx.Done():
		t.Fatal("serve did not stop after cancellation")
	}
	if strings.Contains(stderr.String(), env["BRIEFING_DISCORD_TOKEN"]) {
		t.Error("the bot token appears in the logs")
	}
	if v := fake.MentionViolations(); len(v) > 0 {
		t.Errorf("%d messages allow mentions", len(v))
	}
}

func TestServeNeedsAToken(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"serve"}, strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
	if code != exitUsage || !strings.Contains(stderr.String(), "BRIEFING_DISCORD_TOKEN") {
		t.Errorf("serve without a token = %d, %q; want exit 2 naming the variable", code, stderr.String())
	}
}
