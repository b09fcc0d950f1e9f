package bot_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/bot"
	"github.com/briefing/briefing/internal/discordtest"
)

func TestHTTPInteractions(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, otherKey, _ := ed25519.GenerateKey(nil)
	fake := discordtest.New(t, discordtest.Options{Token: "Bot " + testToken})
	logs := &syncBuffer{}
	b, err := bot.New(bot.Options{
		Token: testToken, AppID: fake.AppID(), APIBaseURL: fake.APIBase(),
		HTTPListen: "127.0.0.1:0", PublicKey: hex.EncodeToString(pub), ReplayWindow: time.Minute,
	}, &fakeEngine{}, nil, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(b.InteractionsHandler())
	defer srv.Close()

	ask := fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Who went?"})
	askBody, _ := json.Marshal(ask.Payload)
	ping := []byte(`{"id":"1","application_id":"100","type":1,"token":"t","version":1}`)
	tests := []struct {
		name       string
		key        ed25519.PrivateKey
		ts         time.Time
		body       []byte
		tamper     bool
		wantStatus int
		wantType   float64
	}{
		{"ping", priv, time.Now(), ping, false, http.StatusOK, 1},
		{"ask is deferred", priv, time.Now(), askBody, false, http.StatusOK, 5},
		{"bad signature", otherKey, time.Now(), ping, false, http.StatusUnauthorized, 0},
		{"tampered body", priv, time.Now(), ping, true, http.StatusUnauthorized, 0},
		{"stale timestamp", priv, time.Now().Add(-2 * time.Minute), ping, false, http.StatusUnauthorized, 0},
		{"future timestamp", priv, time.Now().Add(2 * time.Minute), ping, false, http.StatusUnauthorized, 0},
	}
	for _, tt := range tests {
		req, err := discordtest.SignedRequest(srv.URL, tt.key, tt.ts, tt.body)
		if err != nil {
			t.Fatal(err)
		}
		if tt.tamper {
			req.Body = io.NopCloser(strings.NewReader(strings.Replace(string(tt.body), `"t"`, `"x"`, 1)))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.wantStatus {
			t.Errorf("%s: status = %d, want %d (%s)", tt.name, resp.StatusCode, tt.wantStatus, raw)
			continue
		}
		if tt.wantStatus != http.StatusOK {
			continue
		}
		var got map[string]any
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("%s: reply %q: %v", tt.name, raw, err)
		}
		if got["type"] != tt.wantType {
			t.Errorf("%s: response type = %v, want %v", tt.name, got["type"], tt.wantType)
		}
		if tt.wantType == 5 && !strings.Contains(string(raw), `"allowed_mentions":{"parse":[]`) {
			t.Errorf("%s: deferred reply lacks empty allowed mentions: %s", tt.name, raw)
		}
	}
	// The answer of the deferred /ask arrives by REST, like in gateway mode.
	ctx := (&harness{}).ctx(t)
	edit, err := fake.WaitFor(ctx, func(r discordtest.Request) bool {
		return r.Method == http.MethodPatch && strings.Contains(r.Path, ask.Token) && r.Status == http.StatusOK
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(edit.Raw), "Lavrov arrived in Pyongyang") {
		t.Errorf("edit = %s", edit.Raw)
	}
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/callback") {
			t.Errorf("HTTP mode answered through the REST callback too: %s", r.Path)
		}
	}
	if bad := fake.MentionViolations(); len(bad) > 0 {
		t.Errorf("messages without empty allowed mentions: %d", len(bad))
	}
	if l := logs.String(); strings.Contains(l, hex.EncodeToString(pub)) || strings.Contains(l, testToken) {
		t.Errorf("logs contain a secret")
	}
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts bot.Options
		want string
	}{
		{"no token", bot.Options{}, "discord token is empty"},
		{"http without key", bot.Options{Token: "x", HTTPListen: ":0", AppID: "1"}, "public key"},
		{"http without app id", bot.Options{Token: "x", HTTPListen: ":0", PublicKey: strings.Repeat("ab", 32)}, "app id"},
	}
	for _, tt := range tests {
		_, err := bot.New(tt.opts, &fakeEngine{}, nil, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New() = %v, want an error about %q", tt.name, err, tt.want)
		}
	}
}

// blockingWriter is an http.ResponseWriter whose Write waits for release,
// so that a test can hold the HTTP reply while the command's work goes on.
type blockingWriter struct {
	header  http.Header
	entered chan struct{} // closed when Write starts
	release chan struct{}
	body    []byte
}

func (w *blockingWriter) Header() http.Header { return w.header }
func (w *blockingWriter) WriteHeader(int)     {}
func (w *blockingWriter) Flush()              {}
func (w *blockingWriter) Write(p []byte) (int, error) {
	close(w.entered)
	<-w.release
	w.body = append(w.body, p...)
	return len(p), nil
}

// TestHTTPEditFollowsTheReply: in HTTP mode the edit that fills a deferred
// reply goes out only once the HTTP reply deferring it is written: Discord
// refuses an edit of an interaction it has not seen answered.
func TestHTTPEditFollowsTheReply(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	fake := discordtest.New(t, discordtest.Options{Token: "Bot " + testToken})
	listed := make(chan struct{})
	var once sync.Once
	eng := &fakeEngine{DocumentsFn: func() []briefing.DocumentInfo {
		once.Do(func() { close(listed) }) // the command has deferred and edits next
		return sampleDocs
	}}
	b, err := bot.New(bot.Options{
		Token: testToken, AppID: fake.AppID(), APIBaseURL: fake.APIBase(),
		HTTPListen: "127.0.0.1:0", PublicKey: hex.EncodeToString(pub), ReplayWindow: time.Minute,
	}, eng, nil, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	in := fake.Command(discordtest.Invoker{}, "sources")
	body, _ := json.Marshal(in.Payload)
	req, err := discordtest.SignedRequest("http://127.0.0.1/interactions", priv, time.Now(), body)
	if err != nil {
		t.Fatal(err)
	}
	w := &blockingWriter{header: http.Header{}, entered: make(chan struct{}), release: make(chan struct{})}
	served := make(chan struct{})
	go func() {
		defer close(served)
		b.InteractionsHandler().ServeHTTP(w, req)
	}()
	<-w.entered
	<-listed
	isEdit := func(r discordtest.Request) bool {
		return r.Method == http.MethodPatch && strings.Contains(r.Path, in.Token)
	}
	// The reply is held: the edit must not go. (Waiting a moment for a
	// request that must not come is the only way to see it does not.)
	early, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	if r, err := fake.WaitFor(early, isEdit); err == nil {
		t.Errorf("the edit %s went out before the HTTP reply deferring it was written", r.Path)
	}
	cancel()
	close(w.release)
	<-served
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := fake.WaitFor(ctx, isEdit); err != nil {
		t.Fatalf("no edit after the reply was written: %v", err)
	}
	if !strings.Contains(string(w.body), `"type":5`) {
		t.Errorf("HTTP reply = %s, want a deferral", w.body)
	}
}
