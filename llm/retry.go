package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"syscall"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

type attemptKey struct{}

// attempt is the per-request state shared between the retry loop and the
// transport, carried in the request's context.
type attempt struct {
	zeroTemperature bool

	mu         sync.Mutex
	status     int
	retryAfter string
	// delivered is set once a stream has handed text to the caller: from
	// then on a retry would repeat text, so failures are final.
	delivered bool
}

func (a *attempt) record(status int, retryAfter string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.status, a.retryAfter = status, retryAfter
}

func (a *attempt) snapshot() (status int, retryAfter string, delivered bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.status, a.retryAfter, a.delivered
}

func (a *attempt) markDelivered() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.delivered = true
}

// retry runs fn until it succeeds, fails permanently, runs out of retries or
// ctx ends. Each attempt gets its own Timeout-bounded context.
func (c *Client) retry(ctx context.Context, op string, fn func(ctx context.Context, att *attempt) error) error {
	return c.retryWith(ctx, op, false, fn)
}

func (c *Client) retryWith(ctx context.Context, op string, zeroTemp bool, fn func(ctx context.Context, att *attempt) error) error {
	for n := 1; ; n++ {
		att := &attempt{zeroTemperature: zeroTemp}
		actx, cancel := context.WithTimeout(context.WithValue(ctx, attemptKey{}, att), c.cfg.Timeout)
		err := fn(actx, att)
		timedOut := errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
		cancel()
		if err == nil {
			return nil
		}
		status, retryAfter, delivered := att.snapshot()
		if status < 400 {
			status = 0
		}
		if s := apiStatus(err); s != 0 {
			status = s
		}
		switch {
		case ctx.Err() != nil:
			// The caller gave up: report its reason, not the symptom.
			return &Error{Op: op, Status: status, Attempts: n, Err: fmt.Errorf("%w (last: %s)", ctx.Err(), cause(err))}
		case timedOut && delivered:
			err = fmt.Errorf("%w: %w after %s", ErrTruncated, ErrTimeout, c.cfg.Timeout)
		case timedOut:
			err = fmt.Errorf("%w after %s", ErrTimeout, c.cfg.Timeout)
		default:
			err = clean(err)
		}
		e := &Error{Op: op, Status: status, Attempts: n, Err: err}
		if delivered || n > c.cfg.MaxRetries || !retryable(status, err) {
			return e
		}
		wait := c.backoff(n, retryAfter)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			// Waiting would outlast the caller: fail now so it can fall
			// back within its deadline.
			return e
		}
		// Debug, not Warn: the caller logs the final failure once, with
		// its cause (rag's fallback line), so a failure is one line.
		c.log.Debug("llm retry", "op", op, "attempt", n, "status", status, "wait", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return &Error{Op: op, Status: status, Attempts: n, Err: fmt.Errorf("%w (last: %s)", ctx.Err(), cause(err))}
		case <-t.C:
		}
	}
}

// backoff returns the wait before attempt n+1: the server's Retry-After when
// it sent one (capped), else full jitter.
func (c *Client) backoff(n int, retryAfter string) time.Duration {
	if d, ok := parseRetryAfter(retryAfter, time.Now()); ok {
		return min(d, c.cfg.RetryAfterMax)
	}
	ceil := c.cfg.BackoffBase << min(n-1, 30)
	if ceil <= 0 || ceil > c.cfg.BackoffMax {
		ceil = c.cfg.BackoffMax
	}
	return rand.N(ceil + 1)
}

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(s) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// apiStatus extracts the HTTP status of a go-openai error.
func apiStatus(err error) int {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.HTTPStatusCode
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return reqErr.HTTPStatusCode
	}
	return 0
}

// retryable reports whether a failure may succeed when repeated: rate
// limits, server errors, timeouts and transport failures. Other 4xx, bad
// bodies and empty or cut completions are final.
func retryable(status int, err error) bool {
	if status != 0 {
		return status == http.StatusTooManyRequests || status >= 500
	}
	switch {
	case errors.Is(err, ErrTimeout):
		return true
	case errors.Is(err, ErrMalformed), errors.Is(err, ErrEmptyCompletion),
		errors.Is(err, ErrLength), errors.Is(err, ErrFiltered):
		return false
	case errors.Is(err, ErrTruncated), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET):
		return true
	}
	var urlErr *url.Error
	var netErr net.Error
	return errors.As(err, &urlErr) || errors.As(err, &netErr)
}

// clean turns go-openai's errors into short messages and marks undecodable
// bodies as ErrMalformed.
func clean(err error) error {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		if apiErr.Message == "" {
			return errors.New(http.StatusText(apiErr.HTTPStatusCode))
		}
		return errors.New(apiErr.Message)
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		body := truncate(string(reqErr.Body), maxBodyBytes)
		if body == "" {
			body = http.StatusText(reqErr.HTTPStatusCode)
		}
		return errors.New(body)
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.As(err, &syn) || errors.As(err, &typ) || errors.Is(err, openai.ErrTooManyEmptyStreamMessages) {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return err
}

// maxBodyBytes bounds the part of an undecodable error body kept in an
// error message.
const maxBodyBytes = 200

// truncate cuts s to at most n bytes at a rune boundary, marking the cut
// with an ellipsis, so a multibyte character is never split.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return cutUTF8(s, n) + "…"
}

func cause(err error) string {
	return clean(err).Error()
}

// setJSONField sets key to raw in a JSON object.
func setJSONField(body []byte, key string, raw json.RawMessage) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("rewrite request body: %w", err)
	}
	m[key] = raw
	out, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("rewrite request body: %w", err)
	}
	return out, nil
}
