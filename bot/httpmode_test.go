package bot_test

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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
