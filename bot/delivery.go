package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Delivery of replies. The calls tied to one interaction (the callback that
// acknowledges it, edits of the original response, follow-ups) go through
// interactionREST rather than discordgo's REST client, for three reasons:
//
//   - discordgo puts every interaction's webhook edits in one rate-limit
//     bucket, so one user's 429 (retry_after 60s) held back everyone's
//     answers; here each call stands alone, and a 429 delays only the
//     interaction it was for;
//   - discordgo honours a global 429 on every request, acknowledgements
//     included, though Discord does not apply the global limit to
//     interaction callbacks: an acknowledgement that waits past three
//     seconds is lost ("Unknown interaction");
//   - discordgo sleeps out a retry_after without looking at the caller's
//     context, and does not retry a 500 or a dropped connection.
//
// interactionREST retries 5xx answers and network errors with exponential
// backoff, and 429s after their retry_after, but only while the caller's
// deadline leaves room for the wait: it never sleeps past it.

// Retry policy of interactionREST.
const (
	maxDeliveryAttempts = 6
	firstBackoff        = 100 * time.Millisecond
	maxBackoff          = 2 * time.Second
	// ackTimeout bounds an acknowledgement: Discord forgets an
	// interaction not acknowledged within three seconds.
	ackTimeout = 3 * time.Second
	// defaultDeliveryTimeout bounds delivering one reply: the edit with
	// its retries, then the follow-up sent as a last resort.
	defaultDeliveryTimeout = 30 * time.Second
	// maxResponseBody bounds what is read of a response.
	maxResponseBody = 1 << 20
)

// interactionREST sends the REST calls of interactions: they are
// authenticated by the interaction token in the URL, not by the bot token,
// which therefore is not sent. With auth set (the bot token, "Bot …") it
// sends the channel calls of mentions the same way, for the same reasons:
// discordgo sleeps out a global 429 before a request, holding the
// bucket's lock, whatever the caller's context says.
type interactionREST struct {
	client *http.Client
	base   string // the API base URL, without a trailing slash
	auth   string // Authorization header; "" for interaction calls
}

// restStatusError is a non-2xx answer. Its text names the method, the
// route's shape and the status, never the URL (which holds the token).
type restStatusError struct {
	method, route string
	status        int
	retryAfter    time.Duration // for a 429
	body          string
}

func (e *restStatusError) Error() string {
	msg := fmt.Sprintf("%s %s: status %d", e.method, e.route, e.status)
	if e.retryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.retryAfter)
	}
	if e.body != "" {
		msg += ": " + e.body
	}
	return msg
}

// errNoTimeToRetry wraps the last error when the wait before the next
// attempt would end past the caller's deadline.
var errNoTimeToRetry = errors.New("no time left to retry before the deadline")

func (c *interactionREST) callback(ctx context.Context, i *discordgo.Interaction, resp *discordgo.InteractionResponse) error {
	ctx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	return c.do(ctx, http.MethodPost, "/interactions/"+url.PathEscape(i.ID)+"/"+url.PathEscape(i.Token)+"/callback",
		"interaction callback", resp, nil)
}

func (c *interactionREST) editOriginal(ctx context.Context, i *discordgo.Interaction, e *discordgo.WebhookEdit) error {
	return c.do(ctx, http.MethodPatch, "/webhooks/"+url.PathEscape(i.AppID)+"/"+url.PathEscape(i.Token)+"/messages/@original",
		"edit original response", e, nil)
}

func (c *interactionREST) followup(ctx context.Context, i *discordgo.Interaction, p *discordgo.WebhookParams) error {
	return c.do(ctx, http.MethodPost, "/webhooks/"+url.PathEscape(i.AppID)+"/"+url.PathEscape(i.Token)+"?wait=true",
		"follow-up message", p, nil)
}

// channelMessage posts a message to a channel (bot token required).
func (c *interactionREST) channelMessage(ctx context.Context, channelID string, m *discordgo.MessageSend) error {
	return c.do(ctx, http.MethodPost, "/channels/"+url.PathEscape(channelID)+"/messages", "channel message", m, nil)
}

// startThread starts a thread from a channel's message (bot token
// required) and returns it.
func (c *interactionREST) startThread(ctx context.Context, channelID, messageID string, ts *discordgo.ThreadStart) (*discordgo.Channel, error) {
	var th discordgo.Channel
	err := c.do(ctx, http.MethodPost, "/channels/"+url.PathEscape(channelID)+"/messages/"+url.PathEscape(messageID)+"/threads",
		"start thread", ts, &th)
	if err != nil {
		return nil, err
	}
	if th.ID == "" {
		return nil, errors.New("start thread: the reply names no thread")
	}
	return &th, nil
}

// do sends body as JSON and retries as described above; a 2xx reply is
// decoded into out when out is not nil. Every attempt and every wait ends
// with ctx.
func (c *interactionREST) do(ctx context.Context, method, path, route string, body, out any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("%s: encode: %w", route, err)
	}
	var last error
	for attempt := 0; attempt < maxDeliveryAttempts; attempt++ {
		var wait time.Duration
		var raw []byte
		wait, raw, last = c.once(ctx, method, path, route, data)
		if last == nil {
			if out != nil {
				if err := json.Unmarshal(raw, out); err != nil {
					return fmt.Errorf("%s: decode the reply: %w", route, err)
				}
			}
			return nil
		}
		if wait < 0 || ctx.Err() != nil {
			break // not retryable, or the caller gave up
		}
		if err := waitToRetry(ctx, attempt, wait, last); err != nil {
			return err
		}
	}
	return last
}

// once makes one attempt, returning the reply's body. wait is how long to
// wait before retrying: -1 for an error not worth retrying, 0 for the
// backoff's choice, else the server's retry_after.
func (c *interactionREST) once(ctx context.Context, method, path, route string, data []byte) (wait time.Duration, raw []byte, err error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(data))
	if err != nil {
		return -1, nil, fmt.Errorf("%s: %w", route, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "DiscordBot (https://github.com/briefing/briefing, 1)")
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		// A dropped connection or a refused one: worth another try.
		return 0, nil, fmt.Errorf("%s: %w", route, err)
	}
	defer resp.Body.Close()
	raw, _ = io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	switch {
	case resp.StatusCode < 300:
		return 0, raw, nil
	case resp.StatusCode == http.StatusTooManyRequests:
		ra := retryAfter(resp, raw)
		return max(ra, time.Millisecond), nil, &restStatusError{method: method, route: route, status: resp.StatusCode, retryAfter: ra}
	case resp.StatusCode >= 500:
		return 0, nil, &restStatusError{method: method, route: route, status: resp.StatusCode}
	}
	return -1, nil, &restStatusError{method: method, route: route, status: resp.StatusCode, body: trimText(string(raw), 200)}
}

// retryAfter reads a 429's wait from its JSON body (seconds, fractional) or
// its Retry-After header; one second when neither says.
func retryAfter(resp *http.Response, raw []byte) time.Duration {
	var body struct {
		RetryAfter float64 `json:"retry_after"`
	}
	if json.Unmarshal(raw, &body) == nil && body.RetryAfter > 0 {
		return time.Duration(body.RetryAfter * float64(time.Second))
	}
	if s, err := strconv.ParseFloat(resp.Header.Get("Retry-After"), 64); err == nil && s > 0 {
		return time.Duration(s * float64(time.Second))
	}
	return time.Second
}

// retryDiscordgo runs call, a REST call made through discordgo (the
// registration of commands at start-up), retrying 5xx answers, network
// errors and 429s like interactionREST does, within ctx's deadline. call
// must pass discordgo.WithRetryOnRatelimit(false), so that discordgo
// reports a 429 instead of sleeping it out.
func retryDiscordgo(ctx context.Context, call func() error) error {
	var last error
	for attempt := 0; attempt < maxDeliveryAttempts; attempt++ {
		last = call()
		if last == nil || ctx.Err() != nil {
			return last
		}
		var wait time.Duration
		var rl *discordgo.RateLimitError
		var rest *discordgo.RESTError
		switch {
		case errors.As(last, &rl):
			wait = max(rl.RetryAfter, time.Millisecond)
		case errors.As(last, &rest) && rest.Response != nil:
			if rest.Response.StatusCode < 500 {
				return last
			}
		case errors.Is(last, discordgo.ErrJSONUnmarshal):
			return last
		}
		if err := waitToRetry(ctx, attempt, wait, last); err != nil {
			return err
		}
	}
	return last
}

// waitToRetry waits before attempt+1 of a call that failed with last:
// wait, or the exponential backoff when wait is 0. It returns an error
// wrapping last instead when the wait would overrun ctx's deadline or ctx
// ends while waiting.
func waitToRetry(ctx context.Context, attempt int, wait time.Duration, last error) error {
	if wait == 0 {
		wait = min(firstBackoff<<attempt, maxBackoff)
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		return fmt.Errorf("%w (wait %s): %w", errNoTimeToRetry, wait.Round(time.Millisecond), last)
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ctx.Err(), last)
	case <-timer.C:
		return nil
	}
}
