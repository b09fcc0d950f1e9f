package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefing/briefing/internal/discordtest"
	"github.com/briefing/briefing/internal/openaitest"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a server,
// which tests can wait on: every write wakes the waiters.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.b.Write(p)
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	return n, err
}

// waitFor blocks until the buffer contains sub, or returns ctx's error.
func (s *syncBuffer) waitFor(ctx context.Context, sub string) error {
	for {
		s.mu.Lock()
		found := strings.Contains(s.b.String(), sub)
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		ch := s.changed
		s.mu.Unlock()
		if found {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("output never contained %q: %w", sub, ctx.Err())
		case <-ch:
		}
	}
}

// stopServe cancels a serve of startServe, as SIGTERM does, and fails t
// unless it exits 0 before ctx ends.
func stopServe(ctx context.Context, t *testing.T, stop context.CancelFunc, done <-chan int, stderr *syncBuffer) {
	t.Helper()
	stop()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("serve exited %d, want 0\n%s", code, stderr.String())
		}
	case <-ctx.Done():
		t.Fatal("serve did not stop after cancellation")
	}
}

// gatewayEnv is the environment of a "briefing serve" on the embedded
// corpus, in memory, against fake over the gateway, registering its
// commands in guild 10.
func gatewayEnv(fake *discordtest.Server) map[string]string {
	return map[string]string{
		"BRIEFING_DISCORD_TOKEN":        strings.TrimPrefix(fake.Token(), "Bot "),
		"BRIEFING_DISCORD_API_BASE_URL": fake.APIBase(),
		"BRIEFING_DISCORD_GUILD_IDS":    "10",
		"BRIEFING_INDEX_DIR":            "memory",
		"BRIEFING_OPS_LISTEN":           "127.0.0.1:0",
	}
}

// startServe runs "briefing serve" with env in the background until stop
// or ctx ends; done receives its exit code, stderr collects its log.
func startServe(ctx context.Context, env map[string]string) (stderr *syncBuffer, stop context.CancelFunc, done <-chan int) {
	runCtx, stop := context.WithCancel(ctx)
	stderr = &syncBuffer{}
	exit := make(chan int, 1)
	go func() {
		var stdout syncBuffer
		exit <- run(runCtx, []string{"serve"}, strings.NewReader(""), &stdout, stderr, func(k string) string { return env[k] })
	}()
	return stderr, stop, exit
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
	env := gatewayEnv(fake)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stderr, stop, done := startServe(ctx, env)

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
	stopServe(ctx, t, stop, done, stderr)
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

// freeAddr returns a loopback address nothing listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestServeHTTPInteractions runs "briefing serve" in HTTP-interactions mode
// with the real engine: a signed PING is answered, a signed /ask is
// deferred in the HTTP reply and its answer edited in over REST, a bad
// signature gets 401, and /healthz reports ready.
func TestServeHTTPInteractions(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.Options{})
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	listen, ops := freeAddr(t), freeAddr(t)
	env := map[string]string{
		"BRIEFING_DISCORD_TOKEN":        strings.TrimPrefix(fake.Token(), "Bot "),
		"BRIEFING_DISCORD_API_BASE_URL": fake.APIBase(),
		"BRIEFING_DISCORD_APP_ID":       fake.AppID(),
		"BRIEFING_DISCORD_HTTP_LISTEN":  listen,
		"BRIEFING_DISCORD_PUBLIC_KEY":   hex.EncodeToString(pub),
		"BRIEFING_INDEX_DIR":            "memory",
		"BRIEFING_OPS_LISTEN":           ops,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stderr, stop, done := startServe(ctx, env)

	// The endpoint takes connections once its listener is open, which the
	// bot logs before serving.
	if err := stderr.waitFor(ctx, `"msg":"listening","server":"interactions"`); err != nil {
		t.Fatalf("interactions endpoint never listened: %v\n%s", err, stderr.String())
	}
	post := func(body string, key ed25519.PrivateKey) *http.Response {
		t.Helper()
		req, err := discordtest.SignedRequest("http://"+listen+"/interactions", key, time.Now(), []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req.WithContext(ctx))
		if err != nil {
			t.Fatalf("interactions endpoint: %v\n%s", err, stderr.String())
		}
		return resp
	}
	resp := post(`{"type":1,"id":"1","application_id":"`+fake.AppID()+`","token":"t"}`, priv)
	var pong struct{ Type int }
	if err := json.NewDecoder(resp.Body).Decode(&pong); err != nil {
		t.Fatalf("PING: decode the reply: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || pong.Type != 1 {
		t.Fatalf("PING = %d type %d, want 200 PONG", resp.StatusCode, pong.Type)
	}

	_, otherKey, _ := ed25519.GenerateKey(nil)
	resp = post(`{"type":1,"id":"1","application_id":"`+fake.AppID()+`","token":"t"}`, otherKey)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("badly signed PING = %d, want 401", resp.StatusCode)
	}

	in := fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Quando il parlamento russo ha ratificato il trattato?"})
	body, _ := json.Marshal(in.Payload)
	resp = post(string(body), priv)
	var deferred struct{ Type int }
	if err := json.NewDecoder(resp.Body).Decode(&deferred); err != nil {
		t.Fatalf("/ask over HTTP: decode the reply: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || deferred.Type != 5 {
		t.Fatalf("/ask over HTTP = %d type %d, want 200 and a deferred reply (5)", resp.StatusCode, deferred.Type)
	}
	if _, err := fake.WaitFor(ctx, func(r discordtest.Request) bool {
		return r.Method == http.MethodPatch && strings.Contains(r.Path, in.Token+"/messages/@original") &&
			strings.Contains(string(r.Raw), "6 novembre")
	}); err != nil {
		t.Fatalf("answer not edited in over REST: %v\n%s", err, stderr.String())
	}

	health, err := http.Get("http://" + ops + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	health.Body.Close()
	if health.StatusCode != http.StatusOK {
		t.Errorf("/healthz = %d, want 200", health.StatusCode)
	}

	stopServe(ctx, t, stop, done, stderr)
	if strings.Contains(stderr.String(), env["BRIEFING_DISCORD_PUBLIC_KEY"]) || strings.Contains(stderr.String(), env["BRIEFING_DISCORD_TOKEN"]) {
		t.Error("a secret appears in the logs")
	}
}

// TestServeReloadUnderItsDeadline: discord.reload_timeout reaches the bot,
// and the real reload (corpus read and index) stops at it, leaving the
// previous index serving.
func TestServeReloadUnderItsDeadline(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.Options{})
	env := map[string]string{
		"BRIEFING_DISCORD_TOKEN":          strings.TrimPrefix(fake.Token(), "Bot "),
		"BRIEFING_DISCORD_API_BASE_URL":   fake.APIBase(),
		"BRIEFING_DISCORD_GUILD_IDS":      "10",
		"BRIEFING_DISCORD_ADMIN_USER_IDS": "88",
		"BRIEFING_DISCORD_RELOAD_TIMEOUT": "1ns", // expired before the reload starts
		"BRIEFING_INDEX_DIR":              "memory",
		"BRIEFING_OPS_LISTEN":             "",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stderr, stop, done := startServe(ctx, env)
	if _, err := fake.WaitFor(ctx, func(r discordtest.Request) bool {
		return r.Method == http.MethodPut && strings.HasSuffix(r.Path, "/guilds/10/commands")
	}); err != nil {
		t.Fatalf("commands not registered: %v\n%s", err, stderr.String())
	}
	steps := []struct {
		in   discordtest.Interaction
		want string // in the edited reply
	}{
		{fake.Command(discordtest.Invoker{UserID: "88"}, "reload"), "Reload stopped after 1ns"},
		// The previous index still answers.
		{fake.Command(discordtest.Invoker{UserID: "31"}, "ask", discordtest.Option{Name: "question", Value: "When did North Korea approve the treaty?"}), "11 novembre"},
	}
	for _, st := range steps {
		if err := fake.Dispatch(ctx, "INTERACTION_CREATE", st.in.Payload); err != nil {
			t.Fatal(err)
		}
		if _, err := fake.WaitFor(ctx, func(r discordtest.Request) bool {
			return r.Method == http.MethodPatch && strings.Contains(r.Path, st.in.Token+"/messages/@original") && strings.Contains(string(r.Raw), st.want)
		}); err != nil {
			t.Fatalf("no reply containing %q: %v\n%s", st.want, err, stderr.String())
		}
	}
	stopServe(ctx, t, stop, done, stderr)
}

// TestServeShutdownGivesTheExtractiveAnswer covers case 9 with the real
// engine: SIGTERM while an /ask waits on an LLM that never answers; before
// serve exits, the user gets the extractive answer, flagged, not nothing.
func TestServeShutdownGivesTheExtractiveAnswer(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.Options{})
	llmSrv := openaitest.New(t)
	asked := make(chan struct{}, 8)
	llmSrv.OnChat(func(openaitest.ChatRequest) openaitest.Reply {
		asked <- struct{}{}
		return openaitest.Reply{Hang: true}
	})
	env := map[string]string{
		"BRIEFING_DISCORD_TOKEN":        strings.TrimPrefix(fake.Token(), "Bot "),
		"BRIEFING_DISCORD_API_BASE_URL": fake.APIBase(),
		"BRIEFING_DISCORD_GUILD_IDS":    "10",
		"BRIEFING_INDEX_DIR":            "memory",
		"BRIEFING_LLM_BASE_URL":         llmSrv.URL(),
		"BRIEFING_LLM_MODEL":            "m",
		"BRIEFING_LLM_TIMEOUT":          "60s",
		"BRIEFING_OPS_LISTEN":           "127.0.0.1:0",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	stderr, stop, done := startServe(ctx, env)
	if _, err := fake.WaitFor(ctx, func(r discordtest.Request) bool {
		return r.Method == http.MethodPut && strings.HasSuffix(r.Path, "/guilds/10/commands")
	}); err != nil {
		t.Fatalf("commands not registered: %v\n%s", err, stderr.String())
	}
	in := fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Quando la Corea del Nord ha approvato il trattato?"})
	if err := fake.Dispatch(ctx, "INTERACTION_CREATE", in.Payload); err != nil {
		t.Fatal(err)
	}
	select {
	case <-asked:
	case <-ctx.Done():
		t.Fatalf("the LLM was never asked\n%s", stderr.String())
	}
	stopServe(ctx, t, stop, done, stderr) // SIGTERM
	var last discordtest.Request
	for _, r := range fake.Requests() {
		if r.Method == http.MethodPatch && r.Status == 200 && strings.Contains(r.Path, in.Token+"/messages/@original") {
			last = r
		}
	}
	if !strings.Contains(string(last.Raw), "11 novembre") || !strings.Contains(string(last.Raw), "risposta estrattiva") {
		t.Errorf("last edit before exit = %s, want the extractive answer\n%s", last.Raw, stderr.String())
	}
}

// TestServeStartsTheQuestionTranslator: serve starts the question
// translator in the background, before any question, and leaves the quote
// translator to its first English reader.
func TestServeStartsTheQuestionTranslator(t *testing.T) {
	t.Parallel()
	requireApertium(t)
	fake := discordtest.New(t, discordtest.Options{})
	env := gatewayEnv(fake)
	env["BRIEFING_LOG_LEVEL"] = "debug"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stderr, stop, done := startServe(ctx, env)
	if err := stderr.waitFor(ctx, "apertium pipeline started"); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	stopServe(ctx, t, stop, done, stderr)
	if n := strings.Count(stderr.String(), "apertium pipeline started"); n != 1 {
		t.Errorf("%d pipelines started, want the question translator's alone:\n%s", n, stderr.String())
	}
}
