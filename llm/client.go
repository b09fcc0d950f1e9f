package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Defaults applied by New to zero fields of Config.
const (
	DefaultTimeout       = 30 * time.Second
	DefaultMaxRetries    = 3
	DefaultBatchSize     = 64
	DefaultBackoffBase   = 500 * time.Millisecond
	DefaultBackoffMax    = 8 * time.Second
	DefaultRetryAfterMax = 30 * time.Second
	// DefaultMaxReplyBytes bounds a completion's text: far above any
	// grounded answer (max_tokens is usually a few hundred), low enough
	// that a server ignoring max_tokens cannot flood a terminal or a
	// channel.
	DefaultMaxReplyBytes = 32 << 10
)

// maxResponseBytes bounds what is read of any response body, embeddings
// batches included; a longer body fails to decode instead of filling
// memory.
const maxResponseBytes = 32 << 20

// Config configures a Client. Zero values mean the defaults above.
type Config struct {
	// BaseURL of the OpenAI-compatible API, including its version prefix:
	// "https://api.openai.com/v1", "http://127.0.0.1:11434/v1". Required.
	BaseURL string
	// Model for chat completions: "gpt-4o-mini", "llama3.2". Required.
	Model string
	// APIKey is sent as "Authorization: Bearer <key>"; empty sends no
	// header (Ollama, a local vLLM). It is never logged.
	APIKey string
	// Temperature of chat completions. Zero is sent as an explicit 0
	// (greedy), not left to the server's default.
	Temperature float32
	// MaxTokens caps each completion (sent as max_tokens, which every
	// compatible server understands); 0 leaves it to the server.
	MaxTokens int
	// Timeout bounds each attempt (a whole stream counts as one attempt);
	// default 30s. The caller's ctx bounds the call with its retries.
	Timeout time.Duration
	// MaxRetries is how many times a failed attempt is retried; 0 means 3,
	// a negative value disables retries.
	MaxRetries int
	// Logger receives retries and requests at Debug (the caller logs the
	// final failure); nil discards.
	Logger *slog.Logger
	// HTTPClient is used for every request (its Transport is wrapped, its
	// Timeout should be zero since Timeout applies per attempt); nil uses a
	// client on http.DefaultTransport.
	HTTPClient *http.Client
	// EmbeddingModel is the model of Embed; Embed fails when it is empty.
	EmbeddingModel string
	// BatchSize is the number of texts per embeddings request; default 64.
	BatchSize int
	// BackoffBase and BackoffMax shape the retry delay: attempt n waits a
	// uniformly random time in [0, min(BackoffMax, BackoffBase·2ⁿ)] ("full
	// jitter"). Defaults 500ms and 8s; tests set them to a millisecond.
	BackoffBase, BackoffMax time.Duration
	// RetryAfterMax caps the wait a server may ask for with Retry-After;
	// default 30s. A wait past the caller's deadline is not attempted.
	RetryAfterMax time.Duration
	// MaxReplyBytes caps the text of a completion, whatever max_tokens the
	// server honours: a longer one is cut there and fails with ErrLength
	// (the engine then answers extractively); a stream stops reading.
	// Default DefaultMaxReplyBytes.
	MaxReplyBytes int
	// DisableStreamUsage stops Stream from asking for token usage
	// (stream_options.include_usage), for servers that reject the field.
	DisableStreamUsage bool
}

// LogValue redacts the API key so that logging a Config is safe.
func (c Config) LogValue() slog.Value {
	key := "none"
	if c.APIKey != "" {
		key = "set"
	}
	return slog.GroupValue(
		slog.String("base_url", redactURL(c.BaseURL)),
		slog.String("model", c.Model),
		slog.String("api_key", key),
		slog.String("embedding_model", c.EmbeddingModel),
		slog.Duration("timeout", c.Timeout),
		slog.Int("max_retries", c.MaxRetries),
	)
}

// redactURL hides the userinfo of a URL ("user:password@"), which is a
// secret, before it is logged or quoted in an error.
func redactURL(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	auth := rest
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		auth = rest[:end]
	}
	at := strings.LastIndex(auth, "@")
	if at < 0 {
		return s
	}
	return scheme + "://redacted@" + rest[at+1:]
}

// Client is an OpenAI-compatible client with retries. It is safe for
// concurrent use.
type Client struct {
	cfg  Config
	api  *openai.Client
	host string
	log  *slog.Logger
}

// New validates cfg, applies defaults and returns a Client. It does not
// contact the server; use ListModels for a start-up check.
func New(cfg Config) (*Client, error) {
	var errs []error
	u, err := url.Parse(cfg.BaseURL)
	switch {
	case cfg.BaseURL == "":
		errs = append(errs, errors.New("base URL is empty"))
	case err != nil:
		// url's error quotes the whole URL, password included.
		errs = append(errs, fmt.Errorf("base URL %q does not parse", redactURL(cfg.BaseURL)))
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		errs = append(errs, fmt.Errorf("base URL %q: want http(s)://host[:port]/path", redactURL(cfg.BaseURL)))
	}
	if strings.TrimSpace(cfg.Model) == "" {
		errs = append(errs, errors.New("model is empty"))
	}
	if cfg.Temperature < 0 || cfg.Temperature > 2 {
		errs = append(errs, fmt.Errorf("temperature %v: want 0..2", cfg.Temperature))
	}
	if cfg.MaxTokens < 0 {
		errs = append(errs, fmt.Errorf("max tokens %d: want >= 0", cfg.MaxTokens))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("llm: config: %w", err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.BackoffBase <= 0 {
		cfg.BackoffBase = DefaultBackoffBase
	}
	if cfg.BackoffMax <= 0 {
		cfg.BackoffMax = DefaultBackoffMax
	}
	if cfg.RetryAfterMax <= 0 {
		cfg.RetryAfterMax = DefaultRetryAfterMax
	}
	if cfg.MaxReplyBytes <= 0 {
		cfg.MaxReplyBytes = DefaultMaxReplyBytes
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		hc = &copied
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = &transport{base: base}

	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	oc.HTTPClient = hc
	return &Client{
		cfg:  cfg,
		api:  openai.NewClientWithConfig(oc),
		host: u.Host,
		log:  logger.With("llm_host", u.Host),
	}, nil
}

// Model returns the chat model.
func (c *Client) Model() string { return c.cfg.Model }

// ListModels returns the IDs of the models the server offers, for a start-up
// check that the configured model exists. It retries like every call.
func (c *Client) ListModels(ctx context.Context) ([]string, error) {
	var ids []string
	err := c.retry(ctx, "models", func(ctx context.Context, _ *attempt) error {
		list, err := c.api.ListModels(ctx)
		if err != nil {
			return err
		}
		ids = ids[:0]
		for _, m := range list.Models {
			ids = append(ids, m.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// transport records the status and Retry-After header of each response in
// the attempt carried by the request's context, because go-openai's errors
// drop the headers; and it writes an explicit "temperature": 0, which
// go-openai's omitempty field cannot express.
type transport struct {
	base http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	att, _ := req.Context().Value(attemptKey{}).(*attempt)
	if att != nil && att.zeroTemperature && req.Body != nil && req.Method == http.MethodPost {
		r, err := withZeroTemperature(req)
		if err != nil {
			return nil, err
		}
		req = r
	}
	resp, err := t.base.RoundTrip(req)
	if att != nil && resp != nil {
		att.record(resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if resp != nil && resp.Body != nil {
		resp.Body = &limitedBody{r: io.LimitReader(resp.Body, maxResponseBytes+1), c: resp.Body}
	}
	return resp, err
}

// limitedBody fails a response body longer than maxResponseBytes.
type limitedBody struct {
	r    io.Reader
	c    io.Closer
	read int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read += int64(n)
	if b.read > maxResponseBytes {
		return n, fmt.Errorf("%w: response body over %d bytes", ErrMalformed, maxResponseBytes)
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.c.Close() }

// withZeroTemperature returns a copy of req whose JSON body has
// "temperature": 0.
func withZeroTemperature(req *http.Request) (*http.Request, error) {
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	body, err = setJSONField(body, "temperature", []byte("0"))
	if err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	r.ContentLength = int64(len(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(string(body))), nil }
	return r, nil
}
