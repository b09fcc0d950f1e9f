package bot

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

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
type discordAPIClient interface {
	ApplicationCommandBulkOverwrite(appID, guildID string, cmds []*discordgo.ApplicationCommand, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
	InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, options ...discordgo.RequestOption) error
	InteractionResponseEdit(i *discordgo.Interaction, edit *discordgo.WebhookEdit, options ...discordgo.RequestOption) (*discordgo.Message, error)
	FollowupMessageCreate(i *discordgo.Interaction, wait bool, data *discordgo.WebhookParams, options ...discordgo.RequestOption) (*discordgo.Message, error)
	ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
	MessageThreadStartComplex(channelID, messageID string, data *discordgo.ThreadStart, options ...discordgo.RequestOption) (*discordgo.Channel, error)
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

// gatewayResponder answers an interaction that arrived over the gateway:
// everything goes through REST.
type gatewayResponder struct {
	b *Bot
	i *discordgo.Interaction
}

func (g gatewayResponder) respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	sanitizeResponse(resp)
	return g.b.api.InteractionRespond(g.i, resp, discordgo.WithContext(ctx))
}

func (g gatewayResponder) edit(ctx context.Context, e *discordgo.WebhookEdit) error {
	return restEdit(ctx, g.b.api, g.i, e)
}

func (g gatewayResponder) followup(ctx context.Context, p *discordgo.WebhookParams) error {
	return restFollowup(ctx, g.b.api, g.i, p)
}

func restEdit(ctx context.Context, api discordAPIClient, i *discordgo.Interaction, e *discordgo.WebhookEdit) error {
	e.AllowedMentions = noMentions()
	_, err := api.InteractionResponseEdit(i, e, discordgo.WithContext(ctx))
	return err
}

func restFollowup(ctx context.Context, api discordAPIClient, i *discordgo.Interaction, p *discordgo.WebhookParams) error {
	p.AllowedMentions = noMentions()
	_, err := api.FollowupMessageCreate(i, true, p, discordgo.WithContext(ctx))
	return err
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
// through REST webhooks.
type httpResponder struct {
	b     *Bot
	i     *discordgo.Interaction
	first chan *discordgo.InteractionResponse // buffered 1
	sent  *int32                              // 1 once respond was called
}

func (h httpResponder) respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	if !casSent(h.sent) {
		return errAlreadyResponded
	}
	sanitizeResponse(resp)
	select {
	case h.first <- resp:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h httpResponder) edit(ctx context.Context, e *discordgo.WebhookEdit) error {
	return restEdit(ctx, h.b.api, h.i, e)
}

func (h httpResponder) followup(ctx context.Context, p *discordgo.WebhookParams) error {
	return restFollowup(ctx, h.b.api, h.i, p)
}

// redactErr hides secrets that an error text may carry (a URL with an
// interaction token, the bot token).
func redactErr(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	changed := false
	for _, s := range secrets {
		s = strings.TrimPrefix(s, "Bot ")
		if s != "" && strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, "[redacted]")
			changed = true
		}
	}
	if !changed {
		return err
	}
	return errors.New(msg)
}
