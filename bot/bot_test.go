package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/bot"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/discordtest"
)

// fakeEngine is a bot.Engine whose methods are func fields.
type fakeEngine struct {
	AnswerFn    func(ctx context.Context, req briefing.Request) (briefing.Answer, error)
	SearchFn    func(ctx context.Context, req briefing.SearchRequest) ([]briefing.Hit, error)
	SummarizeFn func(ctx context.Context, req briefing.SummaryRequest) (briefing.Answer, error)
	DocumentsFn func() []briefing.DocumentInfo
}

func (f *fakeEngine) Answer(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
	if f.AnswerFn == nil {
		return sampleAnswer(req.Question), nil
	}
	return f.AnswerFn(ctx, req)
}

func (f *fakeEngine) Find(ctx context.Context, req briefing.SearchRequest) ([]briefing.Hit, error) {
	if f.SearchFn == nil {
		return []briefing.Hit{{Passage: samplePassage, Score: 0.87, Rank: 1}}, nil
	}
	return f.SearchFn(ctx, req)
}

func (f *fakeEngine) Summarize(ctx context.Context, req briefing.SummaryRequest) (briefing.Answer, error) {
	if f.SummarizeFn == nil {
		return sampleAnswer("summary " + req.DocID + " " + req.Topic), nil
	}
	return f.SummarizeFn(ctx, req)
}

func (f *fakeEngine) Documents() []briefing.DocumentInfo {
	if f.DocumentsFn == nil {
		return sampleDocs
	}
	return f.DocumentsFn()
}

var _ bot.Engine = (*fakeEngine)(nil)

var samplePassage = corpus.Passage{
	ID: "p1", DocID: "lavrov-pyongyang-visit", Title: "Lavrov a Pyongyang", Paragraph: 2,
	Text: "Il ministro degli Esteri russo Sergej Lavrov è arrivato a Pyongyang per una visita di due giorni.",
}

var sampleDocs = []briefing.DocumentInfo{
	{ID: "lavrov-pyongyang-visit", Title: "Lavrov a Pyongyang", Lang: "it", Date: "2024-11-29", Passages: 12},
	{ID: "russia-north-korea-alliance", Title: "L'alleanza tra Russia e Corea del Nord", Lang: "it", Date: "2024-06-19", Passages: 18},
}

func sampleAnswer(q string) briefing.Answer {
	return briefing.Answer{
		Question: q, Lang: "en",
		Text:      "Lavrov arrived in Pyongyang for a two-day visit [1].",
		Citations: []briefing.Citation{{N: 1, Passage: samplePassage, Quote: samplePassage.Text}},
		Generated: true,
	}
}

// syncBuffer is a log sink safe for concurrent writes, which tests can wait
// on: every write wakes the waiters.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.buf.Write(p)
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	return n, err
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// waitFor blocks until the logs contain one of subs and returns the one
// found first, or returns ctx's error.
func (s *syncBuffer) waitFor(ctx context.Context, subs ...string) (string, error) {
	for {
		s.mu.Lock()
		l := s.buf.String()
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		ch := s.changed
		s.mu.Unlock()
		for _, sub := range subs {
			if strings.Contains(l, sub) {
				return sub, nil
			}
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("logs never contained any of %q: %w", subs, ctx.Err())
		case <-ch:
		}
	}
}

// harness is a bot running in gateway mode against a fake Discord.
type harness struct {
	fake *discordtest.Server
	bot  *bot.Bot
	logs *syncBuffer

	cancel   context.CancelFunc // cancels Run's ctx
	done     chan error         // Run's result
	stopOnce sync.Once
	runErr   error
}

// shutdown cancels Run's ctx and waits (at most 15s) for Run to return; it
// returns Run's error. Later calls return the same.
func (h *harness) shutdown(t *testing.T) error {
	t.Helper()
	h.stopOnce.Do(func() {
		h.cancel()
		select {
		case h.runErr = <-h.done:
		case <-time.After(15 * time.Second):
			h.runErr = errors.New("Run() did not return after cancel")
		}
	})
	return h.runErr
}

const (
	adminRole = "77"
	adminUser = "88"
	testToken = "test-token-SECRET"
)

// startBot runs a bot against a new fake until the test ends; opts may
// adjust the options. It waits for the commands to be registered.
func startBot(t *testing.T, eng bot.Engine, reload bot.ReloadFunc, opts func(*bot.Options)) *harness {
	t.Helper()
	return startBotWith(t, eng, reload, opts, nil)
}

// startBotWith is startBot calling setup (when not nil) on the bot before
// it runs, for the test hooks of export_test.go.
func startBotWith(t *testing.T, eng bot.Engine, reload bot.ReloadFunc, opts func(*bot.Options), setup func(*bot.Bot)) *harness {
	t.Helper()
	return startBotOn(t, newFake(t), eng, reload, opts, setup)
}

// newFake is the fake Discord startBot uses.
func newFake(t *testing.T) *discordtest.Server {
	return discordtest.New(t, discordtest.Options{Token: "Bot " + testToken, HeartbeatInterval: time.Second})
}

// startBotOn is startBotWith on a fake made with newFake, so that a test
// can inject failures before the bot starts.
func startBotOn(t *testing.T, fake *discordtest.Server, eng bot.Engine, reload bot.ReloadFunc, opts func(*bot.Options), setup func(*bot.Bot)) *harness {
	t.Helper()
	logs := &syncBuffer{}
	o := bot.Options{
		Token:                testToken,
		APIBaseURL:           fake.APIBase(),
		GuildIDs:             []string{"10"},
		MentionChannels:      []string{"20"},
		AdminRoleIDs:         []string{adminRole},
		AdminUserIDs:         []string{adminUser},
		MessageContentIntent: true,
		StreamEditInterval:   20 * time.Millisecond,
		ShutdownTimeout:      5 * time.Second,
	}
	if opts != nil {
		opts(&o)
	}
	b, err := bot.New(o, eng, reload, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatalf("bot.New() = %v", err)
	}
	if setup != nil {
		setup(b)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{fake: fake, bot: b, logs: logs, cancel: cancel, done: make(chan error, 1)}
	go func() { h.done <- b.Run(ctx) }()
	t.Cleanup(func() {
		if err := h.shutdown(t); err != nil {
			t.Errorf("Run() = %v", err)
		}
		if bad := fake.MentionViolations(); len(bad) > 0 {
			for _, r := range bad {
				t.Errorf("%s %s sent without allowed_mentions {parse: []}: %s", r.Method, r.Path, r.Raw)
			}
		}
		if l := logs.String(); strings.Contains(l, testToken) {
			t.Errorf("logs contain the bot token")
		}
	})
	h.wait(t, func(r discordtest.Request) bool {
		return r.Method == http.MethodPut && strings.HasSuffix(r.Path, "/commands")
	})
	return h
}

func (h *harness) ctx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func (h *harness) wait(t *testing.T, match func(discordtest.Request) bool) discordtest.Request {
	t.Helper()
	r, err := h.fake.WaitFor(h.ctx(t), match)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (h *harness) dispatch(t *testing.T, in discordtest.Interaction) {
	t.Helper()
	if err := h.fake.Dispatch(h.ctx(t), "INTERACTION_CREATE", in.Payload); err != nil {
		t.Fatal(err)
	}
}

// callback waits for the interaction's initial response.
func (h *harness) callback(t *testing.T, in discordtest.Interaction) map[string]any {
	t.Helper()
	return h.wait(t, func(r discordtest.Request) bool {
		return r.Status < 300 && r.Path == "/interactions/"+in.ID+"/"+in.Token+"/callback"
	}).Object()
}

// final waits for the last edit of the original response that carries
// content or embeds with a footer or buttons (not a streaming edit).
func (h *harness) final(t *testing.T, in discordtest.Interaction) map[string]any {
	t.Helper()
	return h.wait(t, func(r discordtest.Request) bool {
		if r.Status >= 300 || r.Method != http.MethodPatch || !strings.Contains(r.Path, "/"+in.Token+"/messages/@original") {
			return false
		}
		o := r.Object()
		_, hasContent := o["content"]
		return hasContent
	}).Object()
}

func respType(m map[string]any) int {
	f, _ := m["type"].(float64)
	return int(f)
}

func respFlags(m map[string]any) int {
	d, _ := m["data"].(map[string]any)
	f, _ := d["flags"].(float64)
	return int(f)
}

func respContent(m map[string]any) string {
	if d, ok := m["data"].(map[string]any); ok {
		m = d
	}
	s, _ := m["content"].(string)
	return s
}

func embeds(m map[string]any) []map[string]any {
	if d, ok := m["data"].(map[string]any); ok {
		m = d
	}
	list, _ := m["embeds"].([]any)
	var out []map[string]any
	for _, e := range list {
		if em, ok := e.(map[string]any); ok {
			out = append(out, em)
		}
	}
	return out
}

// allText joins every string in a JSON value.
func allText(v any) string {
	var sb strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			sb.WriteString(x)
			sb.WriteString("\n")
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case []map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return sb.String()
}

var errBoom = errors.New("boom: index directory unreadable")
