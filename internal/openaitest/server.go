// Package openaitest is a deterministic OpenAI-compatible server on
// 127.0.0.1 for tests: chat completions (JSON and SSE streaming),
// embeddings and the model list, with every request recorded and every reply
// scriptable, including failures (error statuses with Retry-After, delays and
// hangs, streams cut after N chunks, malformed JSON, empty completions,
// unknown models).
//
//	srv := openaitest.New(t)
//	srv.QueueChat(openaitest.RateLimited("1"), openaitest.Text("Pyongyang [1]."))
//	client, _ := llm.New(llm.Config{BaseURL: srv.URL(), Model: "m"})
//	...
//	got := srv.ChatRequests()[1].Messages
//
// Without scripting, chat answers DefaultText and embeddings are hashed
// bags of words (see Vector), so similar texts get similar vectors.
package openaitest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
)

// DefaultText is the chat completion served when no reply is scripted.
const DefaultText = "Test answer [1]."

// DefaultDim is the dimension of the default embedding vectors.
const DefaultDim = 64

// Message is one chat message of a request.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// ChatRequest is a decoded POST /v1/chat/completions.
type ChatRequest struct {
	Model    string    `json:"model"`
	Messages []Message `json:"messages"`
	Stream   bool      `json:"stream"`
	// Temperature is nil when the client omitted it.
	Temperature   *float64 `json:"temperature"`
	MaxTokens     int      `json:"max_tokens"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	// Header holds the HTTP headers (Authorization included, for tests
	// that check the key is sent).
	Header http.Header `json:"-"`
	// Raw is the body as sent.
	Raw json.RawMessage `json:"-"`
}

// System returns the content of the first system message, or "".
func (r ChatRequest) System() string {
	for _, m := range r.Messages {
		if m.Role == "system" {
			return m.Content
		}
	}
	return ""
}

// LastUser returns the content of the last user message, or "".
func (r ChatRequest) LastUser() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == "user" {
			return r.Messages[i].Content
		}
	}
	return ""
}

// EmbeddingsRequest is a decoded POST /v1/embeddings. A single string input
// is recorded as a one-element Input.
type EmbeddingsRequest struct {
	Model  string
	Input  []string
	Header http.Header
	Raw    json.RawMessage
}

// Request is any recorded request, in arrival order.
type Request struct {
	Method, Path string
	Header       http.Header
	Body         []byte
	At           time.Time
}

// Usage is the token usage a reply reports.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Reply scripts one response. The zero Reply is a successful chat
// completion with empty text (an "empty completion").
type Reply struct {
	// Text of the completion.
	Text string
	// Chunks are the stream deltas; nil splits Text before each space.
	Chunks []string
	// FinishReason defaults to "stop".
	FinishReason string
	// Usage defaults to word counts of the prompt and the text.
	Usage *Usage

	// Status, when not 0 or 200, sends an error: ErrorBody if set, else
	// an OpenAI error object with ErrorMessage and ErrorType.
	Status       int
	ErrorBody    string
	ErrorMessage string
	ErrorType    string
	// RetryAfter is sent as the Retry-After header when set.
	RetryAfter string

	// Delay waits before answering (cut short if the client goes away).
	Delay time.Duration
	// Hang waits until the client goes away and sends nothing.
	Hang bool
	// Truncate, for streams, sends TruncateAfter chunks and then drops the
	// connection: no finish_reason, no [DONE].
	Truncate      bool
	TruncateAfter int
	// Malformed sends a 200 with a complete body (or SSE chunk) that is
	// not valid JSON. (A body cut short is a dropped connection: Truncate.)
	Malformed bool

	// Vectors overrides the embeddings (one per input, in order). With
	// Shuffle the data array is sent in reverse order, indices intact.
	Vectors [][]float32
	Shuffle bool
}

// Text is a successful completion of s.
func Text(s string) Reply { return Reply{Text: s} }

// Status is an error reply in OpenAI's error format.
func Status(code int, message string) Reply {
	return Reply{Status: code, ErrorMessage: message}
}

// RateLimited is a 429 with the given Retry-After ("" for none).
func RateLimited(retryAfter string) Reply {
	return Reply{Status: http.StatusTooManyRequests, ErrorMessage: "Rate limit reached", ErrorType: "rate_limit_exceeded", RetryAfter: retryAfter}
}

// UnknownModel is the 404 OpenAI sends for a model that does not exist.
func UnknownModel(model string) Reply {
	return Reply{
		Status:       http.StatusNotFound,
		ErrorMessage: fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", model),
		ErrorType:    "invalid_request_error",
	}
}

// Server is the test server. Its methods are safe for concurrent use.
type Server struct {
	ts *httptest.Server

	mu         sync.Mutex
	requests   []Request
	chats      []ChatRequest
	embeds     []EmbeddingsRequest
	chatQueue  []Reply
	embedQueue []Reply
	onChat     func(ChatRequest) Reply
	onEmbed    func(EmbeddingsRequest) Reply
	models     []string
}

// New starts a server on 127.0.0.1, closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.handleChat)
	mux.HandleFunc("POST /v1/embeddings", s.handleEmbeddings)
	mux.HandleFunc("GET /v1/models", s.handleModels)
	s.ts = httptest.NewServer(mux)
	t.Cleanup(s.ts.Close)
	return s
}

// URL is the API base URL, ending in /v1.
func (s *Server) URL() string { return s.ts.URL + "/v1" }

// Close stops the server early (it also stops when the test ends): clients
// then get connection errors, as when an LLM server is down.
func (s *Server) Close() { s.ts.Close() }

// OnChat sets the function answering chat requests when the queue is empty.
func (s *Server) OnChat(f func(ChatRequest) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onChat = f
}

// QueueChat appends replies served to the next chat requests, one each,
// before OnChat or the default take over.
func (s *Server) QueueChat(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatQueue = append(s.chatQueue, replies...)
}

// OnEmbeddings sets the function answering embeddings requests when the
// queue is empty; the zero Reply (or one without Vectors) serves the
// default hashed vectors.
func (s *Server) OnEmbeddings(f func(EmbeddingsRequest) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onEmbed = f
}

// QueueEmbeddings appends replies served to the next embeddings requests.
func (s *Server) QueueEmbeddings(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.embedQueue = append(s.embedQueue, replies...)
}

// SetModels restricts the known models: GET /v1/models lists them and any
// other model gets UnknownModel. By default every model is accepted and the
// list is empty.
func (s *Server) SetModels(models ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.models = append([]string(nil), models...)
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ChatRequests returns the decoded chat requests so far, in order
// (undecodable bodies are not included; they got a 400).
func (s *Server) ChatRequests() []ChatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ChatRequest(nil), s.chats...)
}

// EmbeddingsRequests returns the decoded embeddings requests so far.
func (s *Server) EmbeddingsRequests() []EmbeddingsRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]EmbeddingsRequest(nil), s.embeds...)
}

func (s *Server) record(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body, At: time.Now()})
	return body, err
}

// knownModel reports whether model is accepted.
func (s *Server) knownModel(model string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.models) == 0 {
		return true
	}
	for _, m := range s.models {
		if m == model {
			return true
		}
	}
	return false
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	body, err := s.record(r)
	var req ChatRequest
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil || len(req.Messages) == 0 {
		writeError(w, Reply{Status: http.StatusBadRequest, ErrorMessage: "invalid request body", ErrorType: "invalid_request_error"})
		return
	}
	req.Header = r.Header.Clone()
	req.Raw = body

	s.mu.Lock()
	s.chats = append(s.chats, req)
	var reply Reply
	switch {
	case len(s.chatQueue) > 0:
		reply = s.chatQueue[0]
		s.chatQueue = s.chatQueue[1:]
	case s.onChat != nil:
		f := s.onChat
		s.mu.Unlock()
		reply = f(req)
		s.mu.Lock()
	default:
		reply = Text(DefaultText)
	}
	s.mu.Unlock()
	if !s.knownModel(req.Model) && reply.Status == 0 {
		reply = UnknownModel(req.Model)
	}
	if !wait(r, reply) {
		return
	}
	if reply.Status != 0 && reply.Status != http.StatusOK {
		writeError(w, reply)
		return
	}
	if reply.FinishReason == "" {
		reply.FinishReason = "stop"
	}
	usage := reply.Usage
	if usage == nil {
		p := 0
		for _, m := range req.Messages {
			p += len(strings.Fields(m.Content))
		}
		c := len(strings.Fields(reply.Text))
		usage = &Usage{PromptTokens: p, CompletionTokens: c, TotalTokens: p + c}
	}
	id := fmt.Sprintf("chatcmpl-%d", len(s.ChatRequests()))
	if req.Stream {
		s.stream(w, req, reply, usage, id)
		return
	}
	if reply.Malformed {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id": "`+id+`", "choices": [{"message": {"content": oops}}]}`)
		return
	}
	writeJSON(w, map[string]any{
		"id": id, "object": "chat.completion", "created": 0, "model": req.Model,
		"choices": []any{map[string]any{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": reply.Text},
			"finish_reason": reply.FinishReason,
		}},
		"usage": usage,
	})
}

func (s *Server) stream(w http.ResponseWriter, req ChatRequest, reply Reply, usage *Usage, id string) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	flusher, _ := w.(http.Flusher)
	send := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		if flusher != nil {
			flusher.Flush()
		}
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{
			"id": id, "object": "chat.completion.chunk", "created": 0, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
		}
	}
	chunks := reply.Chunks
	if chunks == nil {
		chunks = splitWords(reply.Text)
	}
	send(chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	for i, c := range chunks {
		if reply.Truncate && i >= reply.TruncateAfter {
			// Abort the connection mid-stream, like a crashed server or
			// a dropped proxy.
			panic(http.ErrAbortHandler)
		}
		if reply.Malformed && i == len(chunks)/2 {
			_, _ = io.WriteString(w, "data: {\"choices\": [{\"delta\": {\"content\": \"bro\n\n")
			if flusher != nil {
				flusher.Flush()
			}
			return
		}
		send(chunk(map[string]any{"content": c}, nil))
	}
	if reply.Truncate {
		panic(http.ErrAbortHandler)
	}
	send(chunk(map[string]any{}, reply.FinishReason))
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		send(map[string]any{"id": id, "object": "chat.completion.chunk", "created": 0, "model": req.Model,
			"choices": []any{}, "usage": usage})
	}
	_, _ = io.WriteString(w, "data: [DONE]\n\n")
	if flusher != nil {
		flusher.Flush()
	}
}

// splitWords splits s before each space, so the chunks concatenate to s.
func splitWords(s string) []string {
	var out []string
	start := 0
	for i := 1; i < len(s); i++ {
		if s[i] == ' ' {
			out = append(out, s[start:i])
			start = i
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

func (s *Server) handleEmbeddings(w http.ResponseWriter, r *http.Request) {
	body, err := s.record(r)
	var raw struct {
		Model string          `json:"model"`
		Input json.RawMessage `json:"input"`
	}
	if err == nil {
		err = json.Unmarshal(body, &raw)
	}
	var req EmbeddingsRequest
	if err == nil {
		req = EmbeddingsRequest{Model: raw.Model, Header: r.Header.Clone(), Raw: body}
		var one string
		if json.Unmarshal(raw.Input, &one) == nil {
			req.Input = []string{one}
		} else {
			err = json.Unmarshal(raw.Input, &req.Input)
		}
	}
	if err != nil || len(req.Input) == 0 {
		writeError(w, Reply{Status: http.StatusBadRequest, ErrorMessage: "invalid input", ErrorType: "invalid_request_error"})
		return
	}
	s.mu.Lock()
	s.embeds = append(s.embeds, req)
	var reply Reply
	switch {
	case len(s.embedQueue) > 0:
		reply = s.embedQueue[0]
		s.embedQueue = s.embedQueue[1:]
	case s.onEmbed != nil:
		f := s.onEmbed
		s.mu.Unlock()
		reply = f(req)
		s.mu.Lock()
	}
	s.mu.Unlock()
	if !s.knownModel(req.Model) && reply.Status == 0 {
		reply = UnknownModel(req.Model)
	}
	if !wait(r, reply) {
		return
	}
	if reply.Status != 0 && reply.Status != http.StatusOK {
		writeError(w, reply)
		return
	}
	if reply.Malformed {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data": [{"embedding": [0.1, oops]}]}`)
		return
	}
	data := make([]any, len(req.Input))
	for i, text := range req.Input {
		v := Vector(text, DefaultDim)
		if i < len(reply.Vectors) {
			v = reply.Vectors[i]
		}
		j := i
		if reply.Shuffle {
			j = len(req.Input) - 1 - i
		}
		data[j] = map[string]any{"object": "embedding", "index": i, "embedding": v}
	}
	tokens := 0
	for _, t := range req.Input {
		tokens += len(strings.Fields(t))
	}
	writeJSON(w, map[string]any{
		"object": "list", "model": req.Model, "data": data,
		"usage": map[string]int{"prompt_tokens": tokens, "total_tokens": tokens},
	})
}

func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) {
	_, _ = s.record(r) // a GET's body is empty: nothing to report
	s.mu.Lock()
	models := append([]string(nil), s.models...)
	s.mu.Unlock()
	data := make([]any, len(models))
	for i, m := range models {
		data[i] = map[string]any{"id": m, "object": "model", "created": 0, "owned_by": "openaitest"}
	}
	writeJSON(w, map[string]any{"object": "list", "data": data})
}

// Vector is the default embedding of text: lower-cased words (runs of
// letters and digits) hashed into dim buckets, L2-normalised. Texts sharing
// words have a positive cosine; the empty text is the zero vector.
func Vector(text string, dim int) []float32 {
	v := make([]float32, dim)
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for _, w := range words {
		h := fnv.New32a()
		h.Write([]byte(w))
		v[h.Sum32()%uint32(dim)]++
	}
	var n float64
	for _, x := range v {
		n += float64(x * x)
	}
	if n > 0 {
		n = math.Sqrt(n)
		for i := range v {
			v[i] = float32(float64(v[i]) / n)
		}
	}
	return v
}

// wait applies Delay and Hang; it reports false when the client went away.
func wait(r *http.Request, reply Reply) bool {
	if reply.Hang {
		<-r.Context().Done()
		return false
	}
	if reply.Delay > 0 {
		t := time.NewTimer(reply.Delay)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return false
		case <-t.C:
		}
	}
	return true
}

func writeError(w http.ResponseWriter, reply Reply) {
	if reply.RetryAfter != "" {
		w.Header().Set("Retry-After", reply.RetryAfter)
	}
	if reply.ErrorBody != "" {
		w.WriteHeader(reply.Status)
		_, _ = io.WriteString(w, reply.ErrorBody)
		return
	}
	typ := reply.ErrorType
	if typ == "" {
		typ = "server_error"
		if reply.Status < 500 {
			typ = "invalid_request_error"
		}
	}
	msg := reply.ErrorMessage
	if msg == "" {
		msg = http.StatusText(reply.Status)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(reply.Status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": nil}})
}

// writeJSON writes v as the response; a client that went away is the
// client's failure to report, not the server's.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
