package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestRedactErr(t *testing.T) {
	t.Parallel()
	const botToken = "MTAx.bot-SECRET"
	tests := []struct {
		name string
		err  error
		want string
	}{
		{
			"webhook edit URL",
			&url.Error{Op: "Patch", URL: "https://discord.com/api/v9/webhooks/100/aW50ZXJhY3Rpb24.tok_en-1/messages/@original", Err: errors.New("EOF")},
			`Patch "https://discord.com/api/v9/webhooks/100/[redacted]/messages/@original": EOF`,
		},
		{
			"follow-up URL with query",
			&url.Error{Op: "Post", URL: "https://discord.com/api/v9/webhooks/100/itok-9?wait=true", Err: errors.New("connection reset")},
			`Post "https://discord.com/api/v9/webhooks/100/[redacted]?wait=true": connection reset`,
		},
		{
			"interaction callback URL",
			fmt.Errorf("respond: %w", &url.Error{Op: "Post", URL: "http://127.0.0.1:4000/api/v9/interactions/55/itok-55/callback", Err: errors.New("EOF")}),
			`respond: Post "http://127.0.0.1:4000/api/v9/interactions/55/[redacted]/callback": EOF`,
		},
		{"bot token", errors.New("identify with Bot " + botToken + " failed"), "identify with Bot [redacted] failed"},
		{"nothing secret", errors.New("HTTP 500 Internal Server Error"), "HTTP 500 Internal Server Error"},
		{"channel messages keep their IDs", errors.New("POST /channels/20/messages: 403"), "POST /channels/20/messages: 403"},
	}
	for _, tt := range tests {
		got := redactErr(tt.err, "Bot "+botToken).Error()
		if got != tt.want {
			t.Errorf("%s: redactErr() = %q, want %q", tt.name, got, tt.want)
		}
	}
	if redactErr(nil) != nil {
		t.Errorf("redactErr(nil) != nil")
	}
}

// TestHTTPEditWaitsForTheResponse: in HTTP mode an edit or a follow-up
// waits until the handler has written the first response (Discord refuses
// them for an interaction it has not seen answered), and after an
// abandoned interaction they fail at once.
func TestHTTPEditWaitsForTheResponse(t *testing.T) {
	t.Parallel()
	h := newHTTPResponder(&Bot{}, &discordgo.Interaction{ID: "1", Token: "tok"})
	if err := h.respond(context.Background(), &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
		t.Fatal(err)
	}
	// Not yet written: with a done context both give up without any REST
	// call (the Bot has no REST client: a call would panic).
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if err := h.edit(done, &discordgo.WebhookEdit{}); !errors.Is(err, context.Canceled) {
		t.Errorf("edit before the response is written = %v, want it to wait (context.Canceled)", err)
	}
	if err := h.followup(done, &discordgo.WebhookParams{}); !errors.Is(err, context.Canceled) {
		t.Errorf("follow-up before the response is written = %v, want it to wait (context.Canceled)", err)
	}

	a := newHTTPResponder(&Bot{}, &discordgo.Interaction{ID: "2", Token: "tok"})
	if !a.abandon() {
		t.Fatal("abandon before any response = false")
	}
	a.settle()
	if err := a.edit(context.Background(), &discordgo.WebhookEdit{}); !errors.Is(err, errAbandoned) {
		t.Errorf("edit of an abandoned interaction = %v, want errAbandoned", err)
	}
}
