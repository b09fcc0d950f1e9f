// Package discordtest is a fake Discord for tests: one httptest server on
// 127.0.0.1 that serves the REST routes a bot uses under /api/v9 and a
// gateway websocket, so the real discordgo client can be driven end to end
// without reaching Discord.
//
// Every REST request and every gateway frame the client sends is recorded as
// a Request; tests wait for the ones they expect with WaitFor. Dispatch pushes
// gateway events (INTERACTION_CREATE, MESSAGE_CREATE) to the connected client.
// FailNext injects 429 responses, DropGateway cuts the websocket so the client
// has to resume.
package discordtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Options configure a fake Discord. Zero values mean the defaults.
type Options struct {
	// Token is the bot token the client must send, verbatim, in the
	// Authorization header and in IDENTIFY ("Bot " prefix included).
	// Default "Bot test-token".
	Token string
	// AppID is the application ID announced in READY; default "100".
	AppID string
	// BotUserID is the bot's user ID announced in READY; default "200".
	BotUserID string
	// HeartbeatInterval announced in HELLO; default 250ms.
	HeartbeatInterval time.Duration
}

// Request is one recorded request: a REST call, or a gateway frame sent by
// the client (Method "GATEWAY", Path the op name: "IDENTIFY", "RESUME",
// "HEARTBEAT").
type Request struct {
	// Seq orders requests as the fake received them, from 1.
	Seq    int
	Method string
	// Path is the URL path without the /api/v9 prefix, e.g.
	// "/interactions/1/tok/callback".
	Path  string
	Query url.Values
	// Authorization header as sent.
	Authorization string
	// Raw is the request body; Body is Raw decoded as JSON (nil when empty).
	Raw  []byte
	Body any
	// Status is the HTTP status the fake answered with.
	Status int
	// At is when the fake received the request.
	At time.Time
}

// Object returns the body as a JSON object, or nil.
func (r Request) Object() map[string]any {
	m, _ := r.Body.(map[string]any)
	return m
}

// Server is a fake Discord. Create it with New; it shuts down with the test.
type Server struct {
	opts Options
	srv  *httptest.Server

	mu       sync.Mutex
	reqs     []Request
	changed  chan struct{} // closed and replaced on every new request
	failures []failure
	conns    map[*gatewayConn]bool
	messages map[string][]map[string]any // channel ID → messages, oldest first
	// attachments by ID, and how often each was downloaded.
	attachments map[string]Attachment
	downloads   map[string]int
	nextID      int64
	seq         int64
}

type failure struct {
	method, prefix string
	left           int
	retryAfter     time.Duration
	drop           bool // close the connection instead of answering 429
	status         int  // answer this status instead of 429 (a 5xx)
	global         bool // a global 429, as Discord sends for the bot-wide limit
}

// New starts a fake Discord on 127.0.0.1 and closes it when tb ends.
func New(tb testing.TB, opts Options) *Server {
	tb.Helper()
	if opts.Token == "" {
		opts.Token = "Bot test-token"
	}
	if opts.AppID == "" {
		opts.AppID = "100"
	}
	if opts.BotUserID == "" {
		opts.BotUserID = "200"
	}
	if opts.HeartbeatInterval <= 0 {
		opts.HeartbeatInterval = 250 * time.Millisecond
	}
	s := &Server{
		opts:     opts,
		changed:  make(chan struct{}),
		conns:    make(map[*gatewayConn]bool),
		messages: make(map[string][]map[string]any),

		attachments: make(map[string]Attachment),
		downloads:   make(map[string]int),
		nextID:      900000,
	}
	s.srv = httptest.NewServer(s.routes())
	tb.Cleanup(s.Close)
	return s
}

// Close drops every gateway connection and stops the server.
func (s *Server) Close() {
	s.DropGateway()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// URL is the server's base URL, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return s.srv.URL }

// APIBase is the REST base URL to configure in the bot:
// URL() + "/api/v9".
func (s *Server) APIBase() string { return s.srv.URL + "/api/v9" }

// AppID is the application ID the fake announces.
func (s *Server) AppID() string { return s.opts.AppID }

// BotUserID is the bot user's ID the fake announces.
func (s *Server) BotUserID() string { return s.opts.BotUserID }

// Token is the token the fake expects.
func (s *Server) Token() string { return s.opts.Token }

// Requests returns a copy of every request recorded so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// WaitFor blocks until a recorded request satisfies match and returns the
// first such request, or returns ctx's error.
func (s *Server) WaitFor(ctx context.Context, match func(Request) bool) (Request, error) {
	for {
		s.mu.Lock()
		for _, r := range s.reqs {
			if match(r) {
				s.mu.Unlock()
				return r, nil
			}
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return Request{}, fmt.Errorf("discordtest: wait for request: %w", ctx.Err())
		case <-ch:
		}
	}
}

// WaitCount blocks until at least n recorded requests satisfy match and
// returns them, or returns ctx's error with those found so far.
func (s *Server) WaitCount(ctx context.Context, n int, match func(Request) bool) ([]Request, error) {
	for {
		var found []Request
		s.mu.Lock()
		for _, r := range s.reqs {
			if match(r) {
				found = append(found, r)
			}
		}
		ch := s.changed
		s.mu.Unlock()
		if len(found) >= n {
			return found, nil
		}
		select {
		case <-ctx.Done():
			return found, fmt.Errorf("discordtest: wait for %d requests (have %d): %w", n, len(found), ctx.Err())
		case <-ch:
		}
	}
}

// FailNext makes the next n requests whose method matches and whose path
// (without /api/v9) starts with prefix answer 429 with retry_after.
func (s *Server) FailNext(method, prefix string, n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{method: method, prefix: prefix, left: n, retryAfter: retryAfter})
}

// FailNextStatus makes the next n requests whose method matches and whose
// path starts with prefix answer status (a 500 or 502, say) with a
// Discord-shaped error body.
func (s *Server) FailNextStatus(method, prefix string, n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{method: method, prefix: prefix, left: n, status: status})
}

// FailNextGlobal is FailNext with a global rate limit: the body says
// "global": true and the X-RateLimit-Global header is set, which makes
// discordgo hold back every request of the session for retryAfter.
func (s *Server) FailNextGlobal(method, prefix string, n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{method: method, prefix: prefix, left: n, retryAfter: retryAfter, global: true})
}

// DropNext makes the next n requests whose method matches and whose path
// (without /api/v9) starts with prefix fail at the network level: the fake
// closes the connection without answering, so the client's HTTP call
// returns an error (which quotes the request URL). They are recorded with
// Status 0.
func (s *Server) DropNext(method, prefix string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{method: method, prefix: prefix, left: n, drop: true})
}

func (s *Server) record(r Request) Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.Seq = len(s.reqs) + 1
	s.reqs = append(s.reqs, r)
	close(s.changed)
	s.changed = make(chan struct{})
	return r
}

func (s *Server) newID() string {
	return strconv.FormatInt(atomic.AddInt64(&s.nextID, 1), 10)
}

// MentionViolations returns every recorded request that carries a message
// (interaction callbacks of type 4, 5 and 7, webhook edits and executions,
// channel messages) without allowed_mentions {"parse": []}: each could ping
// @everyone, roles or users named in its text.
func (s *Server) MentionViolations() []Request {
	var bad []Request
	for _, r := range s.Requests() {
		if r.Method == "GATEWAY" || r.Status == http.StatusTooManyRequests {
			continue
		}
		msg := messageBody(r)
		if msg == nil {
			continue
		}
		if !allowsNoMentions(msg) {
			bad = append(bad, r)
		}
	}
	return bad
}

// messageBody returns the message object a request sends, or nil when the
// request sends none.
func messageBody(r Request) map[string]any {
	obj := r.Object()
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/callback"):
		t, _ := obj["type"].(float64)
		if t != 4 && t != 5 && t != 7 {
			return nil
		}
		data, _ := obj["data"].(map[string]any)
		if data == nil {
			return map[string]any{}
		}
		return data
	case strings.HasPrefix(r.Path, "/webhooks/") && (r.Method == http.MethodPost || r.Method == http.MethodPatch):
		return nonNil(obj)
	case strings.HasPrefix(r.Path, "/channels/") && strings.Contains(r.Path, "/messages") &&
		!strings.HasSuffix(r.Path, "/threads") && (r.Method == http.MethodPost || r.Method == http.MethodPatch):
		return nonNil(obj)
	}
	return nil
}

func nonNil(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func allowsNoMentions(msg map[string]any) bool {
	am, ok := msg["allowed_mentions"].(map[string]any)
	if !ok {
		return false
	}
	parse, ok := am["parse"].([]any)
	if !ok || len(parse) != 0 {
		return false
	}
	if roles, _ := am["roles"].([]any); len(roles) > 0 {
		return false
	}
	if users, _ := am["users"].([]any); len(users) > 0 {
		return false
	}
	return am["replied_user"] != true
}

// errorJSON answers like Discord does for an error.
func errorJSON(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"message": msg, "code": 0})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// routes serves the REST API under /api/v9 and the gateway under /gateway.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /gateway", s.serveGateway)
	mux.HandleFunc("GET /gateway/", s.serveGateway) // discordgo adds a slash
	api := http.NewServeMux()
	api.HandleFunc("GET /gateway", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"url": "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/gateway"})
	})
	api.HandleFunc("GET /gateway/bot", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"url": "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/gateway", "shards": 1})
	})
	api.HandleFunc("PUT /applications/{app}/commands", s.bulkOverwrite)
	api.HandleFunc("PUT /applications/{app}/guilds/{guild}/commands", s.bulkOverwrite)
	api.HandleFunc("POST /interactions/{id}/{token}/callback", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	api.HandleFunc("PATCH /webhooks/{app}/{token}/messages/{mid}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("mid")
		if id == "@original" {
			id = s.newID()
		}
		writeJSON(w, http.StatusOK, s.message(id, "", r))
	})
	api.HandleFunc("POST /webhooks/{app}/{token}", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("wait") != "true" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, http.StatusOK, s.message(s.newID(), "", r))
	})
	api.HandleFunc("POST /channels/{ch}/messages", func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(w, r) {
			return
		}
		msg := s.message(s.newID(), r.PathValue("ch"), r)
		s.mu.Lock()
		s.messages[r.PathValue("ch")] = append(s.messages[r.PathValue("ch")], msg)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, msg)
	})
	api.HandleFunc("PATCH /channels/{ch}/messages/{mid}", func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(w, r) {
			return
		}
		writeJSON(w, http.StatusOK, s.message(r.PathValue("mid"), r.PathValue("ch"), r))
	})
	api.HandleFunc("GET /channels/{ch}/messages", func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(w, r) {
			return
		}
		s.mu.Lock()
		msgs := s.messages[r.PathValue("ch")]
		out := make([]map[string]any, 0, len(msgs))
		for i := len(msgs) - 1; i >= 0; i-- { // newest first, like Discord
			out = append(out, msgs[i])
		}
		s.mu.Unlock()
		if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n < len(out) {
			out = out[:n]
		}
		writeJSON(w, http.StatusOK, out)
	})
	api.HandleFunc("POST /channels/{ch}/messages/{mid}/threads", func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(w, r) {
			return
		}
		var body struct {
			Name string `json:"name"`
		}
		_ = json.Unmarshal(bodyOf(r), &body)
		writeJSON(w, http.StatusCreated, map[string]any{
			"id": s.newID(), "type": 11, "parent_id": r.PathValue("ch"), "name": body.Name,
			"owner_id": s.opts.BotUserID, "guild_id": "",
		})
	})

	mux.Handle("/api/v9/", http.StripPrefix("/api/v9", s.recording(api)))
	// The CDN: attachments, at the URL their interaction names.
	mux.HandleFunc("GET /attachments/{id}/{name}", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		a, ok := s.attachments[r.PathValue("id")]
		if ok {
			s.downloads[a.ID]++
		}
		s.mu.Unlock()
		if !ok || a.Filename != r.PathValue("name") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", a.ContentType)
		_, _ = w.Write(a.data)
	})
	return mux
}

// Attachment is a file a user attached to a command, served by the fake at
// URL as Discord's CDN would.
type Attachment struct {
	ID, Filename, ContentType, URL string
	// Size is what the interaction declares: len(data).
	Size int
	data []byte
}

// Attach stores data as an attachment and returns it; pass it to Command
// with an Option of Type OptAttachment whose Value is its ID.
func (s *Server) Attach(filename, contentType string, data []byte) Attachment {
	id := s.newID()
	a := Attachment{ID: id, Filename: filename, ContentType: contentType, Size: len(data),
		URL: s.srv.URL + "/attachments/" + id + "/" + filename, data: data}
	s.mu.Lock()
	s.attachments[id] = a
	s.mu.Unlock()
	return a
}

// Downloads returns how many times the attachment was downloaded.
func (s *Server) Downloads(a Attachment) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.downloads[a.ID]
}

type bodyKey struct{}

func bodyOf(r *http.Request) []byte {
	b, _ := r.Context().Value(bodyKey{}).([]byte)
	return b
}

// recording records every REST request and applies injected failures.
func (s *Server) recording(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		req := Request{
			Method:        r.Method,
			Path:          r.URL.Path,
			Query:         r.URL.Query(),
			Authorization: r.Header.Get("Authorization"),
			Raw:           raw,
			At:            time.Now(),
		}
		if len(raw) > 0 {
			_ = json.Unmarshal(raw, &req.Body)
		}
		if f, ok := s.takeFailure(r.Method, r.URL.Path); ok && f.drop {
			s.record(req)
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler) // closes the connection too
		} else if ok && f.status != 0 {
			req.Status = f.status
			s.record(req)
			errorJSON(w, f.status, http.StatusText(f.status))
			return
		} else if ok {
			ra := f.retryAfter
			req.Status = http.StatusTooManyRequests
			s.record(req)
			if f.global {
				w.Header().Set("X-RateLimit-Global", "true")
				w.Header().Set("X-RateLimit-Scope", "global")
				w.Header().Set("X-RateLimit-Reset-After", strconv.FormatFloat(ra.Seconds(), 'f', -1, 64))
			}
			w.Header().Set("Retry-After", strconv.FormatFloat(ra.Seconds(), 'f', -1, 64))
			writeJSON(w, http.StatusTooManyRequests, map[string]any{
				"message": "You are being rate limited.", "retry_after": ra.Seconds(), "global": f.global,
			})
			return
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), bodyKey{}, raw)))
		req.Status = rec.status
		s.record(req)
	})
}

func (s *Server) takeFailure(method, path string) (failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.failures {
		f := &s.failures[i]
		if f.left > 0 && f.method == method && strings.HasPrefix(path, f.prefix) {
			f.left--
			return *f, true
		}
	}
	return failure{}, false
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// authorized checks the bot token on routes that need it.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("Authorization") != s.opts.Token {
		errorJSON(w, http.StatusUnauthorized, "401: Unauthorized")
		return false
	}
	return true
}

func (s *Server) bulkOverwrite(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	if r.PathValue("app") != s.opts.AppID {
		errorJSON(w, http.StatusNotFound, "Unknown Application")
		return
	}
	var cmds []map[string]any
	if err := json.Unmarshal(bodyOf(r), &cmds); err != nil {
		errorJSON(w, http.StatusBadRequest, "Invalid Form Body")
		return
	}
	for _, c := range cmds {
		c["id"] = s.newID()
		c["application_id"] = s.opts.AppID
		c["version"] = s.newID()
		if g := r.PathValue("guild"); g != "" {
			c["guild_id"] = g
		}
	}
	writeJSON(w, http.StatusOK, cmds)
}

// message builds the message object Discord returns for a sent message.
func (s *Server) message(id, channelID string, r *http.Request) map[string]any {
	var body map[string]any
	_ = json.Unmarshal(bodyOf(r), &body)
	msg := map[string]any{
		"id":         id,
		"channel_id": channelID,
		"type":       0,
		"content":    body["content"],
		"timestamp":  time.Now().UTC().Format(time.RFC3339),
		"author": map[string]any{
			"id": s.opts.BotUserID, "username": "briefing", "bot": true,
		},
		"mentions": []any{},
	}
	if msg["content"] == nil {
		msg["content"] = ""
	}
	if e, ok := body["embeds"]; ok && e != nil {
		msg["embeds"] = e
	}
	if c, ok := body["components"]; ok && c != nil {
		msg["components"] = c
	}
	return msg
}

// errNoGateway is returned by Dispatch when no client is connected.
var errNoGateway = errors.New("discordtest: no gateway connection")

// Upgrader accepts any origin: the client is a bot, not a browser.
var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
