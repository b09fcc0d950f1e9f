package bot_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	found, err := logs.waitFor(ctx, subs...)
	if err != nil {
		t.Fatalf("%v:\n%s", err, logs.String())
	}
	return found
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
	var started atomic.Pointer[harness] // set before any command is dispatched
	eng := &fakeEngine{
		AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
			if strings.Contains(req.Question, "boom") {
				panic(panicText)
			}
			return sampleAnswer(req.Question), nil
		},
		SummarizeFn: func(ctx context.Context, req briefing.SummaryRequest) (briefing.Answer, error) {
			req.OnDelta("partial text")
			// Panic only once the partial text has been edited in, so the
			// panic strikes while the streamer is running.
			if _, err := started.Load().fake.WaitFor(ctx, func(r discordtest.Request) bool {
				return r.Method == http.MethodPatch && strings.HasPrefix(r.Path, "/webhooks/") && strings.Contains(string(r.Raw), "partial text")
			}); err != nil {
				return briefing.Answer{}, err
			}
			panic(panicText)
		},
	}
	h := startBot(t, eng, nil, nil)
	started.Store(h)
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
	var running atomic.Pointer[harness] // set before any command is dispatched
	streaming := func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
		req.OnDelta("Lavrov arrived")
		// Answer only once the streaming edit has been tried (and dropped),
		// so that the dropped request is the streaming edit.
		if _, err := running.Load().logs.waitFor(ctx, `"msg":"stream edit failed"`); err != nil {
			return briefing.Answer{}, err
		}
		return sampleAnswer(req.Question), nil
	}
	tests := []struct {
		name    string
		answer  func(ctx context.Context, req briefing.Request) (briefing.Answer, error)
		method  string
		prefix  func(in discordtest.Interaction) string
		drops   int // enough to outlast the retries
		wantLog string
	}{
		{"deferral", nil, http.MethodPost, func(in discordtest.Interaction) string { return "/interactions/" + in.ID + "/" }, 6, `"msg":"defer failed"`},
		{"final edit", nil, http.MethodPatch, func(in discordtest.Interaction) string { return "/webhooks/" }, 6, `"msg":"edit failed; sending the reply as a follow-up"`},
		{"streaming edit", streaming, http.MethodPatch, func(in discordtest.Interaction) string { return "/webhooks/" }, 4, `"msg":"stream edit failed"`},
	}
	// One bot, cases in turn: each drops a request of its own interaction.
	var answer atomic.Value // func(context.Context, briefing.Request) (briefing.Answer, error)
	h := startBot(t, &fakeEngine{AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
		if f, _ := answer.Load().(func(context.Context, briefing.Request) (briefing.Answer, error)); f != nil {
			return f(ctx, req)
		}
		return sampleAnswer(req.Question), nil
	}}, nil, nil)
	running.Store(h)
	for n, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.answer != nil {
				answer.Store(tt.answer)
			}
			in := h.fake.Command(discordtest.Invoker{UserID: "4" + strconv.Itoa(n)}, "ask", discordtest.Option{Name: "question", Value: "Who went?"})
			h.fake.DropNext(tt.method, tt.prefix(in), tt.drops)
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

// TestSecondReloadIsRefusedAtOnce: while a reload runs, another admin's
// /reload is answered at once, privately, "already reloading" (not queued
// behind the first), and once the first is done a new reload runs again.
func TestSecondReloadIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	var calls atomic.Int32
	reload := func(ctx context.Context) (briefing.CorpusChange, error) {
		if calls.Add(1) == 1 {
			entered <- struct{}{}
			select {
			case <-release:
			case <-ctx.Done():
				return briefing.CorpusChange{}, ctx.Err()
			}
		}
		return briefing.CorpusChange{Index: briefing.IndexReport{Added: 1, Passages: 4, Duration: time.Second}}, nil
	}
	h := startBot(t, &fakeEngine{}, reload, nil)
	t.Cleanup(func() { // before the harness's cleanup, should the test stop early
		select {
		case <-release:
		default:
			close(release)
		}
	})
	first := h.fake.Command(discordtest.Invoker{UserID: adminUser}, "reload")
	h.dispatch(t, first)
	if cb := h.callback(t, first); respType(cb) != 5 || respFlags(cb) != int(discordgo.MessageFlagsEphemeral) {
		t.Errorf("first reload's response = type %d flags %d, want an ephemeral deferral (5, 64)", respType(cb), respFlags(cb))
	}
	select {
	case <-entered:
	case <-h.ctx(t).Done():
		t.Fatal("the first reload never started")
	}

	// The first reload is held until the second has its answer: a second
	// /reload that waited for it would never get one.
	tests := []struct {
		locale, want string
	}{
		{"en-US", "Already reloading"},
		{"it", "Ricarica già in corso"},
	}
	for n, tt := range tests {
		in := h.fake.Command(discordtest.Invoker{UserID: "7" + strconv.Itoa(n), Roles: []string{adminRole}, Locale: tt.locale}, "reload")
		h.dispatch(t, in)
		cb := h.callback(t, in)
		if respType(cb) != 4 || respFlags(cb) != int(discordgo.MessageFlagsEphemeral) || !strings.HasPrefix(respContent(cb), tt.want) {
			t.Errorf("reload during a reload (%s) = type %d flags %d %q, want an immediate ephemeral %q", tt.locale, respType(cb), respFlags(cb), respContent(cb), tt.want)
		}
	}
	close(release)
	if got := respContent(h.final(t, first)); !strings.HasPrefix(got, "Corpus reloaded in 1s: 1 added") {
		t.Errorf("first reload's report = %q", got)
	}

	// The first is done: the next reload runs.
	third := h.fake.Command(discordtest.Invoker{UserID: adminUser}, "reload")
	h.dispatch(t, third)
	if got := respContent(h.final(t, third)); !strings.HasPrefix(got, "Corpus reloaded in 1s: 1 added") {
		t.Errorf("reload after the first = %q, want its report", got)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("reload ran %d times, want 2 (the refused ones never run)", n)
	}
}

// TestReloadTimeout: a reload runs under discord.reload_timeout; one that
// outlasts it is cut off and the admin told so, privately, with a
// reference, and the next reload is not blocked by it.
func TestReloadTimeout(t *testing.T) {
	t.Parallel()
	const timeout = 50 * time.Millisecond
	var calls atomic.Int32
	reload := func(ctx context.Context) (briefing.CorpusChange, error) {
		if _, ok := ctx.Deadline(); !ok {
			return briefing.CorpusChange{}, errors.New("reload has no deadline")
		}
		if calls.Add(1) == 1 {
			<-ctx.Done() // an embedder that never answers
			return briefing.CorpusChange{}, fmt.Errorf("embed passages: %w", ctx.Err())
		}
		return briefing.CorpusChange{Index: briefing.IndexReport{Added: 1, Passages: 4, Duration: time.Second}}, nil
	}
	h := startBot(t, &fakeEngine{}, reload, func(o *bot.Options) { o.ReloadTimeout = timeout })
	in := h.fake.Command(discordtest.Invoker{UserID: adminUser, Locale: "it"}, "reload")
	h.dispatch(t, in)
	h.callback(t, in)
	got := respContent(h.final(t, in))
	want := "Ricarica interrotta dopo 50ms, il suo limite di tempo (rif. "
	if !strings.HasPrefix(got, want) {
		t.Fatalf("timed-out reload = %q, want it to start %q", got, want)
	}
	ref := refIn(strings.Replace(got, "(rif. ", "(ref ", 1))
	if ref == "" || !strings.Contains(h.logs.String(), `"ref":"`+ref+`"`) {
		t.Errorf("the timeout is not logged under the ref %q:\n%s", ref, h.logs.String())
	}
	next := h.fake.Command(discordtest.Invoker{UserID: adminUser}, "reload")
	h.dispatch(t, next)
	if got := respContent(h.final(t, next)); !strings.HasPrefix(got, "Corpus reloaded in 1s: 1 added") {
		t.Errorf("reload after a timed-out one = %q, want its report", got)
	}
}

// TestReloadPanicFreesTheNextReload: a reload that panics is answered with
// the internal-error reply and does not leave the bot "already reloading".
func TestReloadPanicFreesTheNextReload(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	reload := func(ctx context.Context) (briefing.CorpusChange, error) {
		if calls.Add(1) == 1 {
			panic(panicText)
		}
		return briefing.CorpusChange{Index: briefing.IndexReport{Added: 1, Passages: 4, Duration: time.Second}}, nil
	}
	h := startBot(t, &fakeEngine{}, reload, nil)
	first := h.fake.Command(discordtest.Invoker{UserID: adminUser}, "reload")
	h.dispatch(t, first)
	if got := respContent(h.final(t, first)); !strings.HasPrefix(got, "Something went wrong (ref ") {
		t.Errorf("panicking reload = %q, want the internal-error reply", got)
	}
	next := h.fake.Command(discordtest.Invoker{UserID: adminUser}, "reload")
	h.dispatch(t, next)
	if got := respContent(h.final(t, next)); !strings.HasPrefix(got, "Corpus reloaded in 1s: 1 added") {
		t.Errorf("reload after a panicking one = %q, want its report", got)
	}
}

func removeDoc(id string) discordtest.Option {
	return discordtest.Option{Name: "remove", Type: discordtest.OptSubcommand, Options: []discordtest.Option{{Name: "id", Value: id}}}
}

// TestCorpusChangeDuringReloadIsRefusedAtOnce: a /corpus change and a
// reload exclude each other the same way two reloads do: the later one is
// answered at once, privately, and never reaches the corpus.
func TestCorpusChangeDuringReloadIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	reload := func(ctx context.Context) (briefing.CorpusChange, error) {
		entered <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
			return briefing.CorpusChange{}, ctx.Err()
		}
		return briefing.CorpusChange{Index: briefing.IndexReport{Added: 1, Passages: 4, Duration: time.Second}}, nil
	}
	admin := &fakeAdmin{}
	h := startBot(t, &fakeEngine{}, reload, func(o *bot.Options) { o.CorpusAdmin = admin })
	t.Cleanup(func() { // before the harness's cleanup, should the test stop early
		select {
		case <-release:
		default:
			close(release)
		}
	})
	first := h.fake.Command(discordtest.Invoker{UserID: adminUser}, "reload")
	h.dispatch(t, first)
	select {
	case <-entered:
	case <-h.ctx(t).Done():
		t.Fatal("the reload never started")
	}
	in := h.fake.Command(discordtest.Invoker{UserID: adminUser}, "corpus", removeDoc("nota"))
	h.dispatch(t, in)
	cb := h.callback(t, in)
	if respType(cb) != 4 || respFlags(cb) != int(discordgo.MessageFlagsEphemeral) || !strings.HasPrefix(respContent(cb), "Already reloading") {
		t.Errorf("/corpus during a reload = type %d flags %d %q, want an immediate ephemeral \"Already reloading\"", respType(cb), respFlags(cb), respContent(cb))
	}
	close(release)
	h.final(t, first)
	if got := admin.got(); len(got) != 0 {
		t.Errorf("admin calls = %v, want none while the reload ran", got)
	}
	again := h.fake.Command(discordtest.Invoker{UserID: adminUser}, "corpus", removeDoc("nota"))
	h.dispatch(t, again)
	if got := respContent(h.final(t, again)); !strings.Contains(got, "Removed: `nota`") {
		t.Errorf("/corpus after the reload = %q, want the removal", got)
	}
}

// TestCorpusChangeUnderTheReloadDeadline: a /corpus change runs under
// discord.reload_timeout too, and one cut off changes nothing and frees the
// next.
func TestCorpusChangeUnderTheReloadDeadline(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	h := startBot(t, &fakeEngine{}, nil, func(o *bot.Options) {
		o.ReloadTimeout = 50 * time.Millisecond
		o.CorpusAdmin = adminFunc(func(ctx context.Context, id string) (briefing.CorpusChange, error) {
			if calls.Add(1) == 1 {
				<-ctx.Done() // an indexing that never ends
				return briefing.CorpusChange{}, fmt.Errorf("remove %s: %w", id, ctx.Err())
			}
			return briefing.CorpusChange{Index: briefing.IndexReport{Removed: 1, RemovedIDs: []string{id}}}, nil
		})
	})
	in := h.fake.Command(discordtest.Invoker{UserID: adminUser}, "corpus", removeDoc("nota"))
	h.dispatch(t, in)
	if got := respContent(h.final(t, in)); !strings.HasPrefix(got, "Nothing changed: ") || !strings.Contains(got, "deadline exceeded") {
		t.Errorf("/corpus past the deadline = %q, want nothing changed, naming the deadline", got)
	}
	again := h.fake.Command(discordtest.Invoker{UserID: adminUser}, "corpus", removeDoc("nota"))
	h.dispatch(t, again)
	if got := respContent(h.final(t, again)); !strings.Contains(got, "Removed: `nota`") {
		t.Errorf("/corpus after a timed-out one = %q, want the removal", got)
	}
}

// adminFunc is a CorpusAdmin whose Remove is the function; it adds nothing.
type adminFunc func(ctx context.Context, id string) (briefing.CorpusChange, error)

func (f adminFunc) AddFile(context.Context, string, []byte) (briefing.CorpusChange, error) {
	return briefing.CorpusChange{}, errors.New("not in this test")
}
func (f adminFunc) AddURL(context.Context, string) (briefing.CorpusChange, error) {
	return briefing.CorpusChange{}, errors.New("not in this test")
}
func (f adminFunc) Remove(ctx context.Context, id string) (briefing.CorpusChange, error) {
	return f(ctx, id)
}
