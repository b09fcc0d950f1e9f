package bot_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/bot"
	"github.com/briefing/briefing/internal/discordtest"
)

// waitLog waits (at most 10s) until the logs contain one of subs and
// returns the one found first.
func (h *harness) waitLog(t *testing.T, subs ...string) string {
	t.Helper()
	return waitLogs(t, h.logs, subs...)
}

func waitLogs(t *testing.T, logs *syncBuffer, subs ...string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		l := logs.String()
		for _, s := range subs {
			if strings.Contains(l, s) {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("logs never contained any of %q:\n%s", subs, l)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// refIn returns the reference in an internal-error reply, "" if none.
func refIn(text string) string {
	_, after, ok := strings.Cut(text, "(ref ")
	if !ok {
		return ""
	}
	ref, _, _ := strings.Cut(after, ")")
	return ref
}

const panicText = "engine exploded"

func TestPanicIsAnsweredAndBotKeepsServing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// trigger makes the bot call the panicking engine and returns the
		// user-visible reply.
		trigger func(t *testing.T, h *harness) string
	}{
		{"ask", func(t *testing.T, h *harness) string {
			in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "boom?"})
			h.dispatch(t, in)
			return respContent(h.final(t, in))
		}},
		{"summary while streaming", func(t *testing.T, h *harness) string {
			in := h.fake.Command(discordtest.Invoker{}, "summary", discordtest.Option{Name: "topic", Value: "boom"})
			h.dispatch(t, in)
			return respContent(h.final(t, in))
		}},
		{"mention", func(t *testing.T, h *harness) string {
			bot := h.fake.BotUserID()
			msg := h.fake.Message("10", "20", "31", "<@"+bot+"> boom?", bot)
			if err := h.fake.Dispatch(h.ctx(t), "MESSAGE_CREATE", msg); err != nil {
				t.Fatal(err)
			}
			reply := h.wait(t, func(r discordtest.Request) bool {
				return r.Method == http.MethodPost && r.Path == "/channels/20/messages"
			})
			return respContent(reply.Object())
		}},
	}
	// One bot for all cases (each subtest starting its own would cost a
	// second of discordgo's Close): it must survive every panic anyway.
	eng := &fakeEngine{
		AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
			if strings.Contains(req.Question, "boom") {
				panic(panicText)
			}
			return sampleAnswer(req.Question), nil
		},
		SummarizeFn: func(ctx context.Context, req briefing.SummaryRequest) (briefing.Answer, error) {
			req.OnDelta("partial text")
			time.Sleep(50 * time.Millisecond) // a streaming edit or two
			panic(panicText)
		},
	}
	h := startBot(t, eng, nil, nil)
	for n, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.trigger(t, h)
			ref := refIn(text)
			if ref == "" || !strings.HasPrefix(text, "Something went wrong (ref ") {
				t.Fatalf("reply = %q, want the internal-error message with a ref", text)
			}
			if strings.Contains(text, panicText) {
				t.Errorf("user sees the panic: %q", text)
			}
			logs := h.logs.String()
			for _, want := range []string{`"msg":"panic"`, `"ref":"` + ref + `"`, `"panic":"` + panicText + `"`, `"stack":"goroutine `} {
				if !strings.Contains(logs, want) {
					t.Errorf("logs lack %s:\n%s", want, logs)
				}
			}
			// The bot survived and still answers.
			next := h.fake.Command(discordtest.Invoker{UserID: "4" + strconv.Itoa(n)}, "ask", discordtest.Option{Name: "question", Value: "Who went?"})
			h.dispatch(t, next)
			if es := embeds(h.final(t, next)); len(es) == 0 {
				t.Errorf("no answer after the panic")
			}
		})
	}
}

func TestAutocompleteIgnoresNonStringFocusedOption(t *testing.T) {
	t.Parallel()
	h := startBot(t, &fakeEngine{}, nil, nil)
	tests := []struct {
		name string
		opt  discordtest.Option
		want int // choices
	}{
		{"integer", discordtest.Option{Name: "document", Value: 3, Type: int(discordgo.ApplicationCommandOptionInteger), Focused: true}, len(sampleDocs)},
		{"boolean", discordtest.Option{Name: "document", Value: true, Type: int(discordgo.ApplicationCommandOptionBoolean), Focused: true}, len(sampleDocs)},
		{"string", discordtest.Option{Name: "document", Value: "lavrov", Focused: true}, 1},
	}
	for _, tt := range tests {
		in := h.fake.Autocomplete(discordtest.Invoker{}, "summary", tt.opt)
		h.dispatch(t, in)
		cb := h.callback(t, in)
		choices, _ := cb["data"].(map[string]any)["choices"].([]any)
		if len(choices) != tt.want {
			t.Errorf("%s: %d choices, want %d: %v", tt.name, len(choices), tt.want, cb)
		}
	}
	if strings.Contains(h.logs.String(), `"msg":"panic"`) {
		t.Errorf("autocomplete panicked:\n%s", h.logs.String())
	}
}

func TestInteractionTokenNeverLogged(t *testing.T) {
	t.Parallel()
	streaming := func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
		req.OnDelta("Lavrov arrived")
		time.Sleep(80 * time.Millisecond) // past StreamEditInterval: one streaming edit
		return sampleAnswer(req.Question), nil
	}
	tests := []struct {
		name    string
		answer  func(ctx context.Context, req briefing.Request) (briefing.Answer, error)
		method  string
		prefix  func(in discordtest.Interaction) string
		wantLog string
	}{
		{"deferral", nil, http.MethodPost, func(in discordtest.Interaction) string { return "/interactions/" + in.ID + "/" }, `"msg":"defer failed"`},
		{"final edit", nil, http.MethodPatch, func(in discordtest.Interaction) string { return "/webhooks/" }, `"msg":"send reply failed"`},
		{"streaming edit", streaming, http.MethodPatch, func(in discordtest.Interaction) string { return "/webhooks/" }, `"msg":"stream edit failed"`},
	}
	// One bot, cases in turn: each drops a request of its own interaction.
	var answer atomic.Value // func(context.Context, briefing.Request) (briefing.Answer, error)
	h := startBot(t, &fakeEngine{AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
		if f, _ := answer.Load().(func(context.Context, briefing.Request) (briefing.Answer, error)); f != nil {
			return f(ctx, req)
		}
		return sampleAnswer(req.Question), nil
	}}, nil, nil)
	for n, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.answer != nil {
				answer.Store(tt.answer)
			}
			in := h.fake.Command(discordtest.Invoker{UserID: "4" + strconv.Itoa(n)}, "ask", discordtest.Option{Name: "question", Value: "Who went?"})
			h.fake.DropNext(tt.method, tt.prefix(in), 1)
			h.dispatch(t, in)
			h.waitLog(t, tt.wantLog)
			logs := h.logs.String()
			if strings.Contains(logs, in.Token) {
				t.Errorf("logs contain the interaction token %s:\n%s", in.Token, logs)
			}
			if !strings.Contains(logs, "[redacted]") {
				t.Errorf("logs lack the redacted URL:\n%s", logs)
			}
		})
	}
}

func TestHTTPAbandonedInteractionSendsNothing(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	fake := discordtest.New(t, discordtest.Options{Token: "Bot " + testToken})
	logs := &syncBuffer{}
	var answers atomic.Int32
	eng := &fakeEngine{AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
		answers.Add(1)
		return sampleAnswer(req.Question), nil
	}}
	b, err := bot.New(bot.Options{
		Token: testToken, AppID: fake.AppID(), APIBaseURL: fake.APIBase(),
		HTTPListen: "127.0.0.1:0", PublicKey: hex.EncodeToString(pub),
	}, eng, nil, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	// The work stalls before the command code (as a starved goroutine
	// would) until its context is cancelled, or 3s.
	cancelled := make(chan struct{}, 1)
	bot.SetHTTPTestHooks(b, 100*time.Millisecond, func(ctx context.Context) {
		select {
		case <-ctx.Done():
			cancelled <- struct{}{}
		case <-time.After(3 * time.Second):
		}
	})
	srv := httptest.NewServer(b.InteractionsHandler())
	defer srv.Close()

	ask := fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Who went?"})
	body, _ := json.Marshal(ask.Payload)
	req, err := discordtest.SignedRequest(srv.URL, priv, time.Now(), body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", resp.StatusCode)
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Errorf("the work's context was not cancelled after the 503")
	}
	// The command code still runs, and must send nothing.
	if got := waitLogs(t, logs, `"msg":"reply dropped: interaction abandoned"`, `"msg":"answered"`); got != `"msg":"reply dropped: interaction abandoned"` {
		t.Errorf("abandoned interaction was answered (log %s)", got)
	}
	if n := answers.Load(); n != 0 {
		t.Errorf("engine asked %d times for an abandoned interaction, want 0", n)
	}
	for _, r := range fake.Requests() {
		if strings.Contains(r.Path, ask.Token) {
			t.Errorf("sent %s %s for an abandoned interaction", r.Method, r.Path)
		}
	}
	if !strings.Contains(logs.String(), `"msg":"interaction abandoned: no first response within the deadline"`) {
		t.Errorf("abandonment not logged:\n%s", logs.String())
	}
}

func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		shutdownTimeout time.Duration
		releaseAnswer   bool // the in-flight answer completes within the deadline
	}{
		{"in-flight reply completes", 5 * time.Second, true},
		{"in-flight reply outlasts the deadline", time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			entered := make(chan struct{}, 4)
			release := make(chan struct{})
			t.Cleanup(func() { close(release) }) // runs before the harness's cleanup
			var answers atomic.Int32
			eng := &fakeEngine{AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
				answers.Add(1)
				entered <- struct{}{}
				<-release
				return sampleAnswer(req.Question), nil
			}}
			h := startBot(t, eng, nil, func(o *bot.Options) { o.ShutdownTimeout = tt.shutdownTimeout })
			in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Who went?"})
			h.dispatch(t, in)
			h.callback(t, in)
			select {
			case <-entered:
			case <-time.After(10 * time.Second):
				t.Fatal("the answer never started")
			}

			type result struct {
				err error
				at  time.Time
			}
			ran := make(chan result, 1)
			go func() {
				err := h.shutdown(t)
				ran <- result{err, time.Now()}
			}()
			h.waitLog(t, `"msg":"shutting down"`) // logged once new work is refused

			late := h.fake.Command(discordtest.Invoker{UserID: "32"}, "ask", discordtest.Option{Name: "question", Value: "Too late?"})
			h.dispatch(t, late)
			cb := h.callback(t, late)
			if !strings.Contains(respContent(cb), "The bot is restarting") || respFlags(cb) != int(discordgo.MessageFlagsEphemeral) {
				t.Errorf("reply after shutdown began = %v, want an ephemeral restarting notice", cb)
			}
			if tt.releaseAnswer {
				select {
				case r := <-ran:
					t.Fatalf("Run() = %v before the in-flight reply was done", r.err)
				default:
				}
				release <- struct{}{}
			}
			var r result
			select {
			case r = <-ran:
			case <-time.After(15 * time.Second):
				t.Fatal("Run() did not return")
			}
			if r.err != nil {
				t.Errorf("Run() = %v", r.err)
			}
			if n := answers.Load(); n != 1 {
				t.Errorf("engine asked %d times, want 1 (no work started after shutdown began)", n)
			}
			if !tt.releaseAnswer {
				if !strings.Contains(h.logs.String(), "shutdown deadline passed with replies in flight") {
					t.Errorf("deadline not logged")
				}
				return
			}
			final := h.final(t, in)
			if len(embeds(final)) == 0 {
				t.Errorf("in-flight reply not completed: %v", final)
			}
			for _, req := range h.fake.Requests() {
				if req.Method == http.MethodPatch && strings.Contains(req.Path, in.Token) && req.At.After(r.at) {
					t.Errorf("reply edited after Run returned")
				}
			}
		})
	}
}

func TestConcurrentReloadsAreSerialised(t *testing.T) {
	t.Parallel()
	var inside, most, calls atomic.Int32
	secondDeferred := make(chan struct{})
	reload := func(ctx context.Context) (bot.Change, error) {
		n := inside.Add(1)
		defer inside.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		if calls.Add(1) == 1 {
			// Hold the first reload until the second is under way, and a
			// little longer, so an unserialised second would overlap it.
			select {
			case <-secondDeferred:
			case <-time.After(5 * time.Second):
			}
			time.Sleep(100 * time.Millisecond)
		}
		return bot.Change{Index: briefing.IndexReport{Added: 1, Passages: 4, Duration: time.Second}}, nil
	}
	h := startBot(t, &fakeEngine{}, reload, nil)
	first := h.fake.Command(discordtest.Invoker{UserID: adminUser}, "reload")
	second := h.fake.Command(discordtest.Invoker{UserID: "7", Roles: []string{adminRole}}, "reload")
	h.dispatch(t, first)
	h.callback(t, first)
	h.dispatch(t, second)
	h.callback(t, second)
	close(secondDeferred)
	for _, in := range []discordtest.Interaction{first, second} {
		if got := respContent(h.final(t, in)); !strings.HasPrefix(got, "Corpus reloaded in 1s: 1 added") {
			t.Errorf("reload report = %q", got)
		}
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("reload ran %d times, want 2", n)
	}
	if n := most.Load(); n != 1 {
		t.Errorf("reloads running at once = %d, want 1", n)
	}
}
