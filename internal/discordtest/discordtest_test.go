package discordtest_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/briefing/briefing/internal/discordtest"
)

// rewrite sends discordgo's https://discord.com requests to the fake.
type rewrite struct{ base string }

func (rw rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	const prefix = "https://discord.com/api/v9"
	u := r.URL.String()
	if strings.HasPrefix(u, prefix) {
		nr := r.Clone(r.Context())
		var err error
		nr.URL, err = nr.URL.Parse(rw.base + strings.TrimPrefix(u, prefix))
		if err != nil {
			return nil, err
		}
		nr.Host = nr.URL.Host
		r = nr
	}
	return http.DefaultTransport.RoundTrip(r)
}

func openSession(t *testing.T, fake *discordtest.Server) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New(fake.Token())
	if err != nil {
		t.Fatal(err)
	}
	s.Client = &http.Client{Transport: rewrite{fake.APIBase()}, Timeout: 5 * time.Second}
	s.ShouldReconnectOnError = true
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages
	done := make(chan error, 1)
	go func() { done <- s.Open() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Open() = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Open() timed out")
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestFakeGatewayAndREST(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.Options{})
	s := openSession(t, fake)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	id, err := fake.WaitFor(ctx, func(r discordtest.Request) bool { return r.Path == "IDENTIFY" })
	if err != nil {
		t.Fatal(err)
	}
	if got, want := id.Object()["intents"], float64(discordgo.IntentsGuilds|discordgo.IntentsGuildMessages); got != want {
		t.Errorf("IDENTIFY intents = %v, want %v", got, want)
	}

	got := make(chan *discordgo.Interaction, 1)
	s.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) { got <- ic.Interaction })
	in := fake.Command(discordtest.Invoker{Permissions: discordgo.PermissionManageGuild, Roles: []string{"7"}}, "ask",
		discordtest.Option{Name: "question", Value: "hi"})
	if err := fake.Dispatch(ctx, "INTERACTION_CREATE", in.Payload); err != nil {
		t.Fatal(err)
	}
	var i *discordgo.Interaction
	select {
	case i = <-got:
	case <-ctx.Done():
		t.Fatal("no interaction")
	}
	if i.Member == nil || i.Member.Permissions != discordgo.PermissionManageGuild || i.ApplicationCommandData().Options[0].StringValue() != "hi" {
		t.Fatalf("decoded interaction = %+v", i)
	}

	// A 429 is retried; the edit without allowed mentions is reported.
	fake.FailNext(http.MethodPost, "/interactions/", 1, 20*time.Millisecond)
	if err := s.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}},
	}); err != nil {
		t.Fatalf("InteractionRespond() = %v", err)
	}
	content := "hello @everyone"
	if _, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &content}); err != nil {
		t.Fatalf("InteractionResponseEdit() = %v", err)
	}
	bad := fake.MentionViolations()
	if len(bad) != 1 || bad[0].Method != http.MethodPatch {
		t.Errorf("MentionViolations() = %+v, want the PATCH only", bad)
	}
	callbacks := 0
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/callback") {
			callbacks++
		}
	}
	if callbacks != 2 {
		t.Errorf("callback requests = %d, want 2 (429 then retry)", callbacks)
	}

	// Dropping the socket makes the client resume.
	fake.DropGateway()
	if _, err := fake.WaitFor(ctx, func(r discordtest.Request) bool { return r.Path == "RESUME" }); err != nil {
		t.Fatal(err)
	}
	if err := fake.Dispatch(ctx, "INTERACTION_CREATE", fake.Command(discordtest.Invoker{}, "help").Payload); err != nil {
		t.Fatal(err)
	}
	select {
	case <-got:
	case <-ctx.Done():
		t.Fatal("no interaction after resume")
	}
}

func TestDropNextFailsAtTheNetworkLevel(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.Options{})
	fake.DropNext(http.MethodPatch, "/webhooks/", 1)
	client := &http.Client{Timeout: 5 * time.Second}
	tests := []struct {
		name    string
		wantErr bool
	}{
		{"first request is dropped", true},
		{"second is answered", false},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(http.MethodPatch, fake.APIBase()+"/webhooks/100/tok/messages/@original", strings.NewReader(`{"content":"x","allowed_mentions":{"parse":[]}}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", fake.Token())
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if resp != nil {
			resp.Body.Close()
		}
		if gotErr := err != nil; gotErr != tt.wantErr {
			t.Errorf("%s: Do() error = %v, want error %v", tt.name, err, tt.wantErr)
		}
	}
	reqs := fake.Requests()
	if len(reqs) != 2 || reqs[0].Status != 0 || reqs[1].Status != http.StatusOK {
		t.Errorf("recorded %d requests, statuses %v", len(reqs), statuses(reqs))
	}
}

func statuses(reqs []discordtest.Request) []int {
	var out []int
	for _, r := range reqs {
		out = append(out, r.Status)
	}
	return out
}

func TestAttachmentsAreResolvedAndServed(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.Options{})
	a := fake.Attach("nota.md", "text/markdown", []byte("Testo."))
	in := fake.Command(discordtest.Invoker{}, "corpus", discordtest.Option{Name: "add", Type: discordtest.OptSubcommand,
		Options: []discordtest.Option{{Name: "file", Type: discordtest.OptAttachment, Value: a.ID}}})
	data := in.Payload["data"].(map[string]any)
	sub := data["options"].([]any)[0].(map[string]any)
	if sub["name"] != "add" || sub["type"] != discordtest.OptSubcommand {
		t.Fatalf("subcommand option = %v", sub)
	}
	res := data["resolved"].(map[string]any)["attachments"].(map[string]any)[a.ID].(map[string]any)
	if res["url"] != a.URL || res["filename"] != "nota.md" || res["size"] != 6 {
		t.Errorf("resolved attachment = %v", res)
	}
	resp, err := http.Get(a.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "Testo." || fake.Downloads(a) != 1 {
		t.Errorf("GET attachment = %d %q, downloads %d; want 200 \"Testo.\", 1", resp.StatusCode, body, fake.Downloads(a))
	}
}
