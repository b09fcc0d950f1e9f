package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bwmarrin/discordgo"
)

// discordAPI is Discord's REST base, the one discordgo's Endpoint* values
// are built from.
const discordAPI = "https://discord.com/api/v9"

// rewriteTransport sends discordgo's requests for discordAPI to base (a REST
// proxy or a fake) without touching discordgo's package-level endpoints.
type rewriteTransport struct {
	base string
	next http.RoundTripper // nil: http.DefaultTransport
}

// RoundTrip rewrites the URL and forwards the request.
func (t *rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	u := r.URL.String()
	if t.base == discordAPI || !strings.HasPrefix(u, discordAPI) {
		return next.RoundTrip(r)
	}
	nu, err := url.Parse(t.base + strings.TrimPrefix(u, discordAPI))
	if err != nil {
		return nil, err
	}
	nr := r.Clone(r.Context())
	nr.URL = nu
	nr.Host = nu.Host
	return next.RoundTrip(nr)
}

// discordAPIClient is the part of *discordgo.Session the bot calls over REST.
// Interaction callbacks, edits and follow-ups, and the channel messages and
// threads of mentions, go through interactionREST instead (see delivery.go).
type discordAPIClient interface {
	ApplicationCommandBulkOverwrite(appID, guildID string, cmds []*discordgo.ApplicationCommand, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
}

var _ discordAPIClient = (*discordgo.Session)(nil)

// noMentions allows no mention of any kind. Parse must be an empty, non-nil
// slice so that it encodes as "parse": [].
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// responder sends the replies to one interaction. The gateway and HTTP modes
// differ only in how the first response travels; command code uses this
// interface and never knows which mode it runs in. Every method forces
// allowed mentions to none.
type responder interface {
	// respond sends the initial response (at most once).
	respond(ctx context.Context, resp *discordgo.InteractionResponse) error
	// edit replaces the original response.
	edit(ctx context.Context, e *discordgo.WebhookEdit) error
	// followup sends another message (ephemeral when flags say so).
	followup(ctx context.Context, p *discordgo.WebhookParams) error
}

// errAlreadyResponded is returned by a second respond in HTTP mode.
var errAlreadyResponded = errors.New("interaction already responded to")

// errAbandoned is returned by every method of an HTTP-mode responder once
// the HTTP request ended without a first response: Discord never saw the
// interaction acknowledged, so nothing may be sent for it any more.
var errAbandoned = errors.New("interaction abandoned: no first response within the deadline")

// gatewayResponder answers an interaction that arrived over the gateway:
// everything goes through REST.
type gatewayResponder struct {
	b *Bot
	i *discordgo.Interaction
}

func (g gatewayResponder) respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	sanitizeResponse(resp)
	return g.b.rest.callback(ctx, g.i, resp)
}

func (g gatewayResponder) edit(ctx context.Context, e *discordgo.WebhookEdit) error {
	return restEdit(ctx, g.b.rest, g.i, e)
}

func (g gatewayResponder) followup(ctx context.Context, p *discordgo.WebhookParams) error {
	return restFollowup(ctx, g.b.rest, g.i, p)
}

func restEdit(ctx context.Context, rest *interactionREST, i *discordgo.Interaction, e *discordgo.WebhookEdit) error {
	e.AllowedMentions = noMentions()
	return rest.editOriginal(ctx, i, e)
}

func restFollowup(ctx context.Context, rest *interactionREST, i *discordgo.Interaction, p *discordgo.WebhookParams) error {
	p.AllowedMentions = noMentions()
	return rest.followup(ctx, i, p)
}

// sanitizeResponse forces allowed mentions to none on responses that carry
// a message.
func sanitizeResponse(resp *discordgo.InteractionResponse) {
	switch resp.Type {
	case discordgo.InteractionResponseChannelMessageWithSource,
		discordgo.InteractionResponseDeferredChannelMessageWithSource,
		discordgo.InteractionResponseUpdateMessage:
		if resp.Data == nil {
			resp.Data = &discordgo.InteractionResponseData{}
		}
		resp.Data.AllowedMentions = noMentions()
	}
}

// httpResponder answers an interaction that arrived as an HTTP POST: the
// initial response is the HTTP reply itself, later edits and follow-ups go
// through REST webhooks. When the HTTP handler gives up waiting (abandon),
// every later call fails with errAbandoned.
type httpResponder struct {
	b     *Bot
	i     *discordgo.Interaction
	first chan *discordgo.InteractionResponse // buffered 1
	st    *httpState
}

// httpState is shared by the HTTP handler and the work answering the
// interaction.
type httpState struct {
	mu        sync.Mutex
	sent      bool // respond was called: a response is in first
	abandoned bool // the handler stopped waiting before one was
	// settled is closed once the handler has written (and flushed) the
	// first response or abandoned the interaction: Discord refuses an
	// edit or a follow-up of an interaction it has not yet seen answered.
	settled chan struct{}
	once    sync.Once
}

func newHTTPResponder(b *Bot, i *discordgo.Interaction) httpResponder {
	return httpResponder{b: b, i: i, first: make(chan *discordgo.InteractionResponse, 1), st: &httpState{settled: make(chan struct{})}}
}

// settle marks the HTTP reply written or given up (see httpState.settled).
func (h httpResponder) settle() { h.st.once.Do(func() { close(h.st.settled) }) }

// ready waits until the first response is on the wire (or abandoned), then
// reports whether the interaction can still be answered.
func (h httpResponder) ready(ctx context.Context) error {
	select {
	case <-h.st.settled:
	case <-ctx.Done():
		return fmt.Errorf("wait for the interaction response to be sent: %w", ctx.Err())
	}
	return h.live()
}

// abandon marks the interaction abandoned unless a first response is
// already waiting in first; it reports whether it did.
func (h httpResponder) abandon() bool {
	h.st.mu.Lock()
	defer h.st.mu.Unlock()
	if h.st.sent {
		return false
	}
	h.st.abandoned = true
	return true
}

func (h httpResponder) live() error {
	h.st.mu.Lock()
	defer h.st.mu.Unlock()
	if h.st.abandoned {
		return errAbandoned
	}
	return nil
}

func (h httpResponder) respond(_ context.Context, resp *discordgo.InteractionResponse) error {
	h.st.mu.Lock()
	defer h.st.mu.Unlock()
	switch {
	case h.st.abandoned:
		return errAbandoned
	case h.st.sent:
		return errAlreadyResponded
	}
	h.st.sent = true
	sanitizeResponse(resp)
	h.first <- resp // buffered and sent at most once: never blocks
	return nil
}

func (h httpResponder) edit(ctx context.Context, e *discordgo.WebhookEdit) error {
	if err := h.ready(ctx); err != nil {
		return err
	}
	return restEdit(ctx, h.b.rest, h.i, e)
}

func (h httpResponder) followup(ctx context.Context, p *discordgo.WebhookParams) error {
	if err := h.ready(ctx); err != nil {
		return err
	}
	return restFollowup(ctx, h.b.rest, h.i, p)
}

// trackedResponder remembers whether the first response went out, so that
// a panic can still be answered: by a response if none was sent, by an edit
// of it otherwise.
type trackedResponder struct {
	responder
	responded atomic.Bool
}

func (t *trackedResponder) respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	err := t.responder.respond(ctx, resp)
	if err == nil {
		t.responded.Store(true)
	}
	return err
}

// tokenPath matches the path segments of Discord URLs that carry an
// interaction token: /webhooks/{application_id}/{token} (edits and
// follow-ups) and /interactions/{interaction_id}/{token} (callbacks). A
// network-level error from net/http quotes the whole URL, so without this an
// interaction token would reach the logs.
var tokenPath = regexp.MustCompile(`(/(?:webhooks|interactions)/[^/\s"'?#]+/)[^/\s"'?#]+`)

// redactErr hides the secrets an error text may carry before it is logged:
// interaction tokens in webhook and interaction URLs, and each of secrets
// (the bot token, with or without its "Bot " prefix).
func redactErr(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if red := redactText(msg, secrets...); red != msg {
		return errors.New(red)
	}
	return err
}

// redactText is redactErr for a plain string.
func redactText(msg string, secrets ...string) string {
	for _, s := range secrets {
		s = strings.TrimPrefix(s, "Bot ")
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "[redacted]")
		}
	}
	return tokenPath.ReplaceAllString(msg, "${1}[redacted]")
}
