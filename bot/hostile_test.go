package bot_test

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/bot"
	"github.com/briefing/briefing/internal/discordtest"
)

// The hostile suite against the bot (issue 8): every case drives the real
// discordgo client and the bot's own REST client through the fake Discord.

// forToken returns the recorded requests of one interaction, callback
// included, in order.
func forToken(h *harness, token string) []discordtest.Request {
	var out []discordtest.Request
	for _, r := range h.fake.Requests() {
		if strings.Contains(r.Path, "/"+token) {
			out = append(out, r)
		}
	}
	return out
}

// live reports the first piece of live markup in text: a masked link or a
// mention Discord would render.
func live(text string) string {
	for _, bad := range []string{"](", "@everyone", "@here", "<@&", "<@1", "<@!", "<#"} {
		if strings.Contains(text, bad) {
			return bad
		}
	}
	return ""
}

const (
	phishing = "[il sito ufficiale](https://discord-gift.example.com/login)"
	pings    = "@everyone @here <@&123> <@456>"
)

// hostileEngine hands back what a hostile document and a hostile LLM would
// put in front of users: masked links and mentions in the answer, the
// passage title and text, the search hits and the document list.
func hostileEngine() *fakeEngine {
	p := samplePassage
	p.Title = "Lavrov " + phishing
	p.Text = "Vedi " + phishing + " e " + pings + "."
	p.Source, p.Date = "Outlet "+pings, "2024 "+phishing
	return &fakeEngine{
		AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
			return briefing.Answer{Lang: "it", Generated: true,
				Text:      "Clicca " + phishing + " " + pings + " [1].",
				Citations: []briefing.Citation{{N: 1, Passage: p, Quote: p.Text}}}, nil
		},
		SearchFn: func(context.Context, briefing.SearchRequest) ([]briefing.Hit, error) {
			return []briefing.Hit{{Passage: p, Score: 0.9, Rank: 1}}, nil
		},
		DocumentsFn: func() []briefing.DocumentInfo {
			return []briefing.DocumentInfo{{ID: "evil", Title: "Titolo " + phishing, Source: pings, Passages: 1}}
		},
	}
}

// TestHostileTextIsInertOnDiscord covers hostile cases 2 and 3 on Discord:
// masked links from documents and LLM replies show their real address and
// mention syntax renders as plain text, in /ask, /search, /sources and
// "Show sources".
func TestHostileTextIsInertOnDiscord(t *testing.T) {
	t.Parallel()
	h := startBot(t, hostileEngine(), nil, nil)
	tests := []struct {
		name    string
		command string
		opts    []discordtest.Option
		button  bool // press "Show sources" under the answer
	}{
		{"ask", "ask", []discordtest.Option{{Name: "question", Value: "Chi?"}}, false},
		{"search", "search", []discordtest.Option{{Name: "query", Value: "Chi?"}}, false},
		{"sources", "sources", nil, false},
		{"show sources", "ask", []discordtest.Option{{Name: "question", Value: "Chi?"}}, true},
	}
	for n, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := h.fake.Command(discordtest.Invoker{UserID: "5" + strconv.Itoa(n)}, tt.command, tt.opts...)
			h.dispatch(t, in)
			final := h.final(t, in)
			token := in.Token
			if tt.button {
				id := ""
				for _, row := range final["components"].([]any) {
					for _, c := range row.(map[string]any)["components"].([]any) {
						if cid := c.(map[string]any)["custom_id"].(string); strings.HasPrefix(cid, "src:") {
							id = cid
						}
					}
				}
				click := h.fake.Button(discordtest.Invoker{UserID: "6" + strconv.Itoa(n)}, id)
				h.dispatch(t, click)
				h.callback(t, click)
				token = click.Token
			}
			var all strings.Builder
			for _, r := range forToken(h, token) {
				all.WriteString(allText(r.Body))
			}
			text := all.String()
			if bad := live(text); bad != "" {
				t.Errorf("Discord received live markup %q:\n%s", bad, text)
			}
			if !strings.Contains(text, "(<https://discord-gift.example.com/login>)") {
				t.Errorf("the link's real address is not shown:\n%s", text)
			}
		})
	}
}

// TestQuestionsAreCleanedOnDiscord covers case 11: mention tokens and ANSI
// escapes are removed from /ask questions and mentions before the engine
// sees them.
func TestQuestionsAreCleanedOnDiscord(t *testing.T) {
	t.Parallel()
	const want = "When was the treaty ratified?"
	var mu sync.Mutex
	var got []string
	eng := &fakeEngine{AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
		mu.Lock()
		got = append(got, req.Question)
		mu.Unlock()
		return sampleAnswer(req.Question), nil
	}}
	h := startBot(t, eng, nil, nil)
	tests := []struct{ name, question string }{
		{"role mention", "<@&123> " + want},
		{"user mentions", "<@456> <@!789> " + want},
		{"mass mentions", "@everyone @here " + want},
		{"ansi colour", "\x1b[1;31m" + want + "\x1b[0m"},
	}
	for n, tt := range tests {
		in := h.fake.Command(discordtest.Invoker{UserID: "7" + strconv.Itoa(n)}, "ask", discordtest.Option{Name: "question", Value: tt.question})
		h.dispatch(t, in)
		h.final(t, in)
	}
	msg := h.fake.Message("10", "20", "81", "<@"+h.fake.BotUserID()+"> <@&5> @here "+want, h.fake.BotUserID())
	if err := h.fake.Dispatch(h.ctx(t), "MESSAGE_CREATE", msg); err != nil {
		t.Fatal(err)
	}
	h.wait(t, func(r discordtest.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/messages") && strings.Contains(string(r.Raw), "Lavrov")
	})
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(tests)+1 {
		t.Fatalf("engine asked %d questions, want %d", len(got), len(tests)+1)
	}
	for i, q := range got {
		if q != want {
			t.Errorf("question %d reached the engine as %q, want %q", i, q, want)
		}
	}
}

// TestEmptyQuestionsArePrivate covers case 12: a question of emoji,
// punctuation or mention tokens only is answered with a private hint,
// before any public acknowledgement, and never reaches the engine.
func TestEmptyQuestionsArePrivate(t *testing.T) {
	t.Parallel()
	var asked atomic.Int32
	eng := &fakeEngine{AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
		asked.Add(1)
		return sampleAnswer(req.Question), nil
	}}
	h := startBot(t, eng, nil, nil)
	for n, q := range []string{"🎉🎉🎉", "???", "<@&1> @everyone", "\x1b[31m\x1b[0m 👍"} {
		t.Run(q, func(t *testing.T) {
			in := h.fake.Command(discordtest.Invoker{UserID: "9" + strconv.Itoa(n)}, "ask", discordtest.Option{Name: "question", Value: q})
			h.dispatch(t, in)
			cb := h.callback(t, in)
			if respType(cb) != 4 || respFlags(cb) != int(discordgo.MessageFlagsEphemeral) || !strings.Contains(respContent(cb), "Please write a question") {
				t.Errorf("reply to %q = %v, want a private hint", q, cb)
			}
		})
	}
	if n := asked.Load(); n != 0 {
		t.Errorf("engine asked %d times, want 0", n)
	}
}

// TestHugeReplyIsBounded covers case 5: a 162 KB answer (an LLM server
// ignoring max_tokens) becomes at most one answer message and a few
// follow-ups, each within Discord's limits, with a note that it was cut.
func TestHugeReplyIsBounded(t *testing.T) {
	t.Parallel()
	var cites []briefing.Citation
	for i := 1; i <= 40; i++ {
		p := samplePassage
		p.Text = strings.Repeat("Passaggio lungo e verbatim. ", 60)
		cites = append(cites, briefing.Citation{N: i, Passage: p, Quote: p.Text})
	}
	huge := briefing.Answer{Lang: "en", Generated: true, Citations: cites,
		Text: strings.Repeat("The model goes on and on without an end in sight [1]. ", 3100)}
	if len(huge.Text) < 160<<10 {
		t.Fatalf("test is void: the reply is only %d bytes", len(huge.Text))
	}
	h := startBot(t, &fakeEngine{AnswerFn: func(context.Context, briefing.Request) (briefing.Answer, error) { return huge, nil }}, nil, nil)
	in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Tell me everything"})
	h.dispatch(t, in)
	final := h.final(t, in)
	// The buttons travel on the last message: once they are recorded the
	// reply is complete.
	h.wait(t, func(r discordtest.Request) bool {
		return strings.Contains(r.Path, in.Token) && strings.Contains(string(r.Raw), `"custom_id":"fb:up:`)
	})
	msgs := 0
	var text strings.Builder
	for _, r := range forToken(h, in.Token) {
		if strings.HasSuffix(r.Path, "/callback") {
			continue
		}
		msgs++
		checkLimits(t, r.Raw)
		text.WriteString(allText(r.Body))
	}
	if msgs > 4 {
		t.Errorf("reply sent as %d messages, want at most 4 (the answer and 3 follow-ups)", msgs)
	}
	if !strings.Contains(text.String(), "too long and has been cut") {
		t.Errorf("the cut is not said: %v", final)
	}
}

// TestDocumentListIsBounded: /sources is public and not rate limited, so
// a corpus of a thousand documents must not flood the channel: the list is
// cut to the messages of an answer, and the last says how many are left.
func TestDocumentListIsBounded(t *testing.T) {
	t.Parallel()
	docs := make([]briefing.DocumentInfo, 1000)
	for i := range docs {
		docs[i] = briefing.DocumentInfo{ID: fmt.Sprintf("doc-%04d", i), Title: fmt.Sprintf("Article number %d about the treaty", i),
			Date: "2025-06-01", Source: "ANSA", URL: fmt.Sprintf("https://www.ansa.example/esteri/article-%d", i), Passages: 10}
	}
	h := startBot(t, &fakeEngine{DocumentsFn: func() []briefing.DocumentInfo { return docs }}, nil, nil)
	in := h.fake.Command(discordtest.Invoker{}, "sources")
	h.dispatch(t, in)
	// The note travels on the last message: once it is recorded the reply
	// is complete.
	last, err := h.fake.WaitFor(h.ctx(t), func(r discordtest.Request) bool {
		return strings.Contains(r.Path, in.Token) && strings.Contains(string(r.Raw), "more documents not shown")
	})
	if err != nil {
		t.Fatalf("after %d requests no message of /sources says how many documents are not shown: %v", len(forToken(h, in.Token)), err)
	}
	msgs, shown := 0, 0
	for _, r := range forToken(h, in.Token) {
		if strings.HasSuffix(r.Path, "/callback") || r.Status >= 300 {
			continue
		}
		msgs++
		checkLimits(t, r.Raw)
		for _, e := range embeds(r.Object()) {
			fields, _ := e["fields"].([]any)
			shown += len(fields)
		}
	}
	if msgs > 4 {
		t.Errorf("/sources sent %d messages, want at most 4 (the reply and 3 follow-ups)", msgs)
	}
	if want := fmt.Sprintf("%d more documents not shown", len(docs)-shown); !strings.Contains(string(last.Raw), want) {
		t.Errorf("%d of %d documents shown, the last message does not say %q", shown, len(docs), want)
	}
}

// TestDeliveryFaults covers cases 6 and 7 and the Discord faults of the
// hostile suite: 5xx answers and dropped connections are retried on every
// call the bot makes, an edit that keeps failing falls back to a
// follow-up, one interaction's rate limit never delays another's, and a
// global rate limit never delays an acknowledgement.
func TestDeliveryFaults(t *testing.T) {
	t.Parallel()
	type check func(t *testing.T, h *harness, in discordtest.Interaction)
	statusesOf := func(h *harness, token, method string) []int {
		var out []int
		for _, r := range forToken(h, token) {
			if r.Method == method {
				out = append(out, r.Status)
			}
		}
		return out
	}
	wantFinal := func(t *testing.T, h *harness, in discordtest.Interaction) {
		t.Helper()
		if es := embeds(h.final(t, in)); len(es) == 0 || !strings.Contains(allText(es), "Lavrov arrived") {
			t.Errorf("no answer delivered: %v", es)
		}
	}
	tests := []struct {
		name   string
		inject func(h *harness, in discordtest.Interaction)
		check  check
	}{
		{"500 on the answer edit is retried", func(h *harness, in discordtest.Interaction) {
			h.fake.FailNextStatus(http.MethodPatch, "/webhooks/100/"+in.Token, 2, http.StatusInternalServerError)
		}, func(t *testing.T, h *harness, in discordtest.Interaction) {
			wantFinal(t, h, in)
			if got := statusesOf(h, in.Token, http.MethodPatch); len(got) != 3 || got[0] != 500 || got[2] != 200 {
				t.Errorf("edit statuses = %v, want 500, 500, 200", got)
			}
		}},
		{"dropped connection on the answer edit is retried", func(h *harness, in discordtest.Interaction) {
			h.fake.DropNext(http.MethodPatch, "/webhooks/100/"+in.Token, 2)
		}, func(t *testing.T, h *harness, in discordtest.Interaction) {
			wantFinal(t, h, in)
		}},
		{"502 on the acknowledgement is retried", func(h *harness, in discordtest.Interaction) {
			h.fake.FailNextStatus(http.MethodPost, "/interactions/"+in.ID+"/", 1, http.StatusBadGateway)
		}, func(t *testing.T, h *harness, in discordtest.Interaction) {
			wantFinal(t, h, in)
			if got := statusesOf(h, in.Token, http.MethodPost); len(got) < 2 || got[0] != 502 || got[1] != 204 {
				t.Errorf("callback statuses = %v, want 502 then 204", got)
			}
		}},
		{"short 429 on the acknowledgement is retried", func(h *harness, in discordtest.Interaction) {
			h.fake.FailNext(http.MethodPost, "/interactions/"+in.ID+"/", 1, 50*time.Millisecond)
		}, func(t *testing.T, h *harness, in discordtest.Interaction) {
			wantFinal(t, h, in)
		}},
		{"an edit failing past its retries becomes a follow-up", func(h *harness, in discordtest.Interaction) {
			h.fake.FailNextStatus(http.MethodPatch, "/webhooks/100/"+in.Token, 100, http.StatusServiceUnavailable)
		}, func(t *testing.T, h *harness, in discordtest.Interaction) {
			r := h.wait(t, func(r discordtest.Request) bool {
				return r.Method == http.MethodPost && r.Status == 200 && strings.HasPrefix(r.Path, "/webhooks/100/"+in.Token)
			})
			if !strings.Contains(allText(r.Body), "Lavrov arrived") {
				t.Errorf("follow-up lacks the answer: %s", r.Raw)
			}
		}},
		{"a long 429 on one edit: a follow-up at once, not a 60s wait", func(h *harness, in discordtest.Interaction) {
			h.fake.FailNext(http.MethodPatch, "/webhooks/100/"+in.Token, 1, time.Minute)
		}, func(t *testing.T, h *harness, in discordtest.Interaction) {
			r := h.wait(t, func(r discordtest.Request) bool {
				return r.Method == http.MethodPost && r.Status == 200 && strings.HasPrefix(r.Path, "/webhooks/100/"+in.Token)
			})
			if !strings.Contains(allText(r.Body), "Lavrov arrived") {
				t.Errorf("follow-up lacks the answer: %s", r.Raw)
			}
		}},
	}
	for n, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := startBot(t, &fakeEngine{}, nil, nil)
			in := h.fake.Command(discordtest.Invoker{UserID: "3" + strconv.Itoa(n)}, "ask", discordtest.Option{Name: "question", Value: "Who went?"})
			tt.inject(h, in)
			h.dispatch(t, in)
			tt.check(t, h, in)
		})
	}
}

// TestShowSourcesFollowUpsHaveADeadline: the follow-ups of "Show sources"
// are bounded by the delivery timeout like any reply's, so a 60s
// retry_after fails them at once instead of being slept out.
func TestShowSourcesFollowUpsHaveADeadline(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Il ministro degli Esteri russo è arrivato a Pyongyang. ", 70) // a full embed each
	eng := &fakeEngine{AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
		a := sampleAnswer(req.Question)
		p1, p2 := samplePassage, samplePassage
		p1.Text, p2.Text = long, long
		a.Citations = []briefing.Citation{{N: 1, Passage: p1}, {N: 2, Passage: p2}}
		a.Text = "Lavrov arrived [1] [2]."
		return a, nil
	}}
	h := startBotWith(t, eng, nil, func(o *bot.Options) { o.ShutdownTimeout = time.Second },
		func(b *bot.Bot) { bot.SetDeliveryTimeout(b, 500*time.Millisecond) })
	in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Who went?"})
	h.dispatch(t, in)
	var src string
	for _, row := range h.final(t, in)["components"].([]any) {
		for _, c := range row.(map[string]any)["components"].([]any) {
			if id := c.(map[string]any)["custom_id"].(string); strings.HasPrefix(id, "src:") {
				src = id
			}
		}
	}
	click := h.fake.Button(discordtest.Invoker{}, src)
	h.fake.FailNext(http.MethodPost, "/webhooks/100/"+click.Token, 1, time.Minute)
	h.dispatch(t, click)
	h.callback(t, click)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if _, err := h.logs.waitFor(ctx, "send sources failed"); err != nil {
		t.Errorf("a follow-up of Show sources still waits out a 60s retry_after after 3s (delivery timeout 500ms): %v", err)
	}
}

// TestStartupAndFollowUpFaults covers 500s and drops on the two calls the
// delivery tests above do not reach: command registration at start-up and
// the follow-up messages of a long answer.
func TestStartupAndFollowUpFaults(t *testing.T) {
	t.Parallel()
	t.Run("registration", func(t *testing.T) {
		t.Parallel()
		fake := newFake(t)
		fake.FailNextStatus(http.MethodPut, "/applications/", 1, http.StatusInternalServerError)
		fake.DropNext(http.MethodPut, "/applications/", 1)
		h := startBotOn(t, fake, &fakeEngine{}, nil, nil, nil)
		h.wait(t, func(r discordtest.Request) bool { return r.Method == http.MethodPut && r.Status == 200 })
		in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Who went?"})
		h.dispatch(t, in)
		h.final(t, in)
	})
	t.Run("follow-up", func(t *testing.T) {
		t.Parallel()
		long := sampleAnswer("q")
		long.Text = strings.Repeat("Lavrov arrived in Pyongyang for a visit, and the text goes on [1]. ", 110)
		h := startBot(t, &fakeEngine{AnswerFn: func(context.Context, briefing.Request) (briefing.Answer, error) { return long, nil }}, nil, nil)
		in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Who went?"})
		h.fake.FailNextStatus(http.MethodPost, "/webhooks/100/"+in.Token, 1, http.StatusInternalServerError)
		h.fake.DropNext(http.MethodPost, "/webhooks/100/"+in.Token, 1)
		h.dispatch(t, in)
		h.wait(t, func(r discordtest.Request) bool {
			return r.Method == http.MethodPost && r.Status == 200 && strings.HasPrefix(r.Path, "/webhooks/100/"+in.Token)
		})
	})
}

// TestRejectedReplyBecomesAnError covers a message Discord refuses as
// such (400 Invalid Form Body): sending the same message again would be
// refused again, so a short error with a reference takes its place, the
// edit's or the follow-up's, and the rejection is logged under it.
func TestRejectedReplyBecomesAnError(t *testing.T) {
	t.Parallel()
	long := sampleAnswer("q")
	long.Text = strings.Repeat("Lavrov arrived in Pyongyang for a visit, and the text goes on [1]. ", 110)
	tests := []struct {
		name   string
		method string // of the call Discord rejects
		path   func(in discordtest.Interaction) string
	}{
		{"the answer edit", http.MethodPatch, func(in discordtest.Interaction) string { return "/webhooks/100/" + in.Token + "/messages/@original" }},
		{"a follow-up", http.MethodPost, func(in discordtest.Interaction) string { return "/webhooks/100/" + in.Token }},
	}
	for n, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := startBot(t, &fakeEngine{AnswerFn: func(context.Context, briefing.Request) (briefing.Answer, error) { return long, nil }}, nil, nil)
			in := h.fake.Command(discordtest.Invoker{UserID: "7" + strconv.Itoa(n)}, "ask", discordtest.Option{Name: "question", Value: "Who went?"})
			h.fake.FailNextStatus(tt.method, tt.path(in), 1, http.StatusBadRequest)
			h.dispatch(t, in)
			rejected := h.wait(t, func(r discordtest.Request) bool { return r.Status == http.StatusBadRequest && r.Path == tt.path(in) })
			next := h.wait(t, func(r discordtest.Request) bool {
				return r.Seq > rejected.Seq && r.Status < 300 && strings.HasPrefix(r.Path, "/webhooks/100/"+in.Token)
			})
			if next.Method != tt.method {
				t.Fatalf("after the 400, %s %s, want %s of the internal error (the same message again?)", next.Method, next.Path, tt.method)
			}
			got := respContent(next.Object())
			ref := refIn(got)
			if ref == "" || len(embeds(next.Object())) > 0 {
				t.Fatalf("after the 400, %s sent content %q and %d embeds, want the internal error with a ref", next.Method, got, len(embeds(next.Object())))
			}
			h.waitLog(t, "reply rejected by Discord")
			if l := h.logs.String(); !strings.Contains(l, `"ref":"`+ref+`"`) {
				t.Errorf("ref %s of the reply %q not in the logs:\n%s", ref, got, l)
			}
		})
	}
}

// TestRateLimitsAreIsolated covers case 6: one interaction's 60s 429 on
// its edit does not hold back another user's answer, and a global 429 does
// not delay another user's acknowledgement past Discord's three seconds.
func TestRateLimitsAreIsolated(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		inject func(f *discordtest.Server, a discordtest.Interaction)
	}{
		{"per-interaction 429", func(f *discordtest.Server, a discordtest.Interaction) {
			f.FailNext(http.MethodPatch, "/webhooks/100/"+a.Token, 1, time.Minute)
		}},
		{"global 429", func(f *discordtest.Server, a discordtest.Interaction) {
			f.FailNextGlobal(http.MethodPatch, "/webhooks/100/"+a.Token, 1, time.Minute)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := startBot(t, &fakeEngine{}, nil, nil)
			a := h.fake.Command(discordtest.Invoker{UserID: "41"}, "ask", discordtest.Option{Name: "question", Value: "Who went?"})
			tt.inject(h.fake, a)
			h.dispatch(t, a)
			h.wait(t, func(r discordtest.Request) bool {
				return r.Status == http.StatusTooManyRequests && strings.Contains(r.Path, a.Token)
			})
			b := h.fake.Command(discordtest.Invoker{UserID: "42"}, "ask", discordtest.Option{Name: "question", Value: "Who came?"})
			sent := time.Now()
			h.dispatch(t, b)
			cb := h.wait(t, func(r discordtest.Request) bool {
				return r.Status < 300 && strings.HasSuffix(r.Path, "/"+b.Token+"/callback")
			})
			if d := cb.At.Sub(sent); d > 2*time.Second {
				t.Errorf("acknowledgement of another user took %v behind the rate limit", d)
			}
			final := h.wait(t, func(r discordtest.Request) bool {
				return r.Method == http.MethodPatch && r.Status == 200 && strings.Contains(r.Path, b.Token)
			})
			if d := final.At.Sub(sent); d > 5*time.Second {
				t.Errorf("another user's answer took %v behind the rate limit", d)
			}
		})
	}
}

// TestMentionDeliveryFaults covers 500, drops and 429 on the REST calls of
// a mention (thread creation, the answer message): retried, answered.
func TestMentionDeliveryFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		inject func(f *discordtest.Server)
	}{
		{"500 on thread creation and message", func(f *discordtest.Server) {
			f.FailNextStatus(http.MethodPost, "/channels/", 2, http.StatusInternalServerError)
		}},
		{"dropped connections", func(f *discordtest.Server) { f.DropNext(http.MethodPost, "/channels/", 2) }},
		{"short 429", func(f *discordtest.Server) { f.FailNext(http.MethodPost, "/channels/", 2, 50*time.Millisecond) }},
		// A global 429 longer than the delivery deadline fails the thread
		// (the answer goes in place) and holds back nothing else: discordgo
		// would sleep out the reset before every later request.
		{"global 429 past the deadline", func(f *discordtest.Server) { f.FailNextGlobal(http.MethodPost, "/channels/", 1, time.Minute) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := startBot(t, &fakeEngine{}, nil, nil)
			tt.inject(h.fake)
			msg := h.fake.Message("10", "20", "31", "<@"+h.fake.BotUserID()+"> who went?", h.fake.BotUserID())
			if err := h.fake.Dispatch(h.ctx(t), "MESSAGE_CREATE", msg); err != nil {
				t.Fatal(err)
			}
			h.wait(t, func(r discordtest.Request) bool {
				return r.Method == http.MethodPost && r.Status == 200 && strings.HasSuffix(r.Path, "/messages") && strings.Contains(string(r.Raw), "Lavrov arrived")
			})
		})
	}
}

// TestStreamingShowsOnlyMarkedDrafts covers case 15: while an answer
// streams, the unverified text is marked as a draft; the final edit, the
// verified answer, carries no draft mark and no cursor.
func TestStreamingShowsOnlyMarkedDrafts(t *testing.T) {
	t.Parallel()
	streamed := make(chan struct{})
	var once sync.Once
	eng := &fakeEngine{AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
		req.OnDelta("PWNED, unverified text [1]")
		select { // until the draft is on Discord
		case <-streamed:
		case <-ctx.Done():
			return briefing.Answer{}, ctx.Err()
		}
		return sampleAnswer(req.Question), nil
	}}
	h := startBot(t, eng, nil, nil)
	in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Who?"})
	h.dispatch(t, in)
	draft := h.wait(t, func(r discordtest.Request) bool {
		ok := r.Method == http.MethodPatch && strings.Contains(r.Path, in.Token) && strings.Contains(string(r.Raw), "PWNED")
		if ok {
			once.Do(func() { close(streamed) })
		}
		return ok
	})
	if text := allText(draft.Body); !strings.Contains(text, "Draft") || !strings.Contains(text, "not yet verified") {
		t.Errorf("streamed text is not marked as a draft: %s", text)
	}
	final := allText(h.final(t, in))
	if strings.Contains(final, "Draft") || strings.Contains(final, "▌") || strings.Contains(final, "PWNED") {
		t.Errorf("final edit still shows the draft: %s", final)
	}
}

// TestShutdownTellsUsersInFlight covers case 9: on shutdown, an answer
// waiting on a slow LLM (mid-answer or mid-stream) is cancelled in time for
// its user to get the extractive answer (asked again in haste: an engine
// given a short deadline answers extractively) or, when even that fails,
// the notice that the bot is restarting, within ShutdownTimeout; a
// streamed message is finalised (no cursor left). The question asked again
// keeps the user's filter.
func TestShutdownTellsUsersInFlight(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		stream bool
		// extractive: the engine answers extractively under a short
		// deadline, like rag's; otherwise it fails whatever the deadline.
		extractive bool
	}{
		{"mid-answer, notice", false, false},
		{"mid-stream, notice", true, false},
		{"mid-answer, extractive answer", false, true},
		{"mid-stream, extractive answer", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			entered := make(chan struct{})
			var calls atomic.Int32
			var mu sync.Mutex
			var filters []string // of each request, in order
			eng := &fakeEngine{AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
				mu.Lock()
				filters = append(filters, fmt.Sprintf("%+v", req.Filter))
				mu.Unlock()
				if calls.Add(1) == 1 {
					if tt.stream {
						req.OnDelta("Lavrov arrived")
					}
					close(entered)
				} else if tt.extractive {
					a := sampleAnswer(req.Question)
					a.Generated, a.Fallback = false, true
					return a, nil
				}
				<-ctx.Done() // a slow LLM that honours cancellation
				return briefing.Answer{}, fmt.Errorf("generate: %w", ctx.Err())
			}}
			const deadline = 2 * time.Second
			h := startBot(t, eng, nil, func(o *bot.Options) { o.ShutdownTimeout = deadline })
			in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Who went?"},
				discordtest.Option{Name: "source", Value: "ANSA"})
			h.dispatch(t, in)
			<-entered
			if tt.stream {
				h.wait(t, func(r discordtest.Request) bool {
					return r.Method == http.MethodPatch && strings.Contains(r.Path, in.Token) && strings.Contains(string(r.Raw), "▌")
				})
			}
			start := time.Now()
			if err := h.shutdown(t); err != nil {
				t.Fatalf("Run() = %v", err)
			}
			if took := time.Since(start); took > deadline+2*time.Second { // + discordgo's Close, which sleeps 1s
				t.Errorf("shutdown took %v, deadline %v", took, deadline)
			}
			var last discordtest.Request
			for _, r := range forToken(h, in.Token) {
				if r.Method == http.MethodPatch && r.Status == 200 {
					last = r
				}
			}
			text := allText(last.Body)
			switch {
			case tt.extractive && (!strings.Contains(text, "Lavrov arrived") || !strings.Contains(text, "extractive answer")):
				t.Errorf("last edit = %s, want the extractive answer", last.Raw)
			case !tt.extractive && !strings.Contains(text, "The bot is restarting"):
				t.Errorf("last edit = %s, want the restarting notice", last.Raw)
			}
			if strings.Contains(text, "▌") || strings.Contains(text, "Draft") {
				t.Errorf("streamed message left unfinished: %s", last.Raw)
			}
			mu.Lock()
			defer mu.Unlock()
			if tt.extractive && len(filters) < 2 {
				t.Errorf("engine asked %d times, want 2 (again in haste)", len(filters))
			}
			for i, f := range filters[1:] {
				if f != filters[0] {
					t.Errorf("request %d has filter %s, the user's was %s", i+2, f, filters[0])
				}
			}
		})
	}
}

// httpBot is a bot in HTTP-interactions mode behind a test server.
func httpBot(t *testing.T) (*bot.Bot, *discordtest.Server, ed25519.PrivateKey, *syncBuffer) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	fake := discordtest.New(t, discordtest.Options{Token: "Bot " + testToken})
	logs := &syncBuffer{}
	b, err := bot.New(bot.Options{
		Token: testToken, AppID: fake.AppID(), APIBaseURL: fake.APIBase(),
		HTTPListen: "127.0.0.1:0", PublicKey: hex.EncodeToString(pub), ReplayWindow: time.Minute,
	}, &fakeEngine{}, nil, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return b, fake, priv, logs
}

// TestHTTPModeReplayAndLimits covers case 8: the same signed request
// replayed inside the window is answered 409 and not processed again; an
// oversized body is answered 413; a body trickling in one byte at a time is
// cut off by the read timeout.
func TestHTTPModeReplayAndLimits(t *testing.T) {
	t.Parallel()
	b, fake, priv, _ := httpBot(t)
	srv := httptest.NewUnstartedServer(b.InteractionsHandler())
	srv.Config = bot.NewHTTPServer(b, b.InteractionsHandler(), 300*time.Millisecond)
	srv.Start()
	t.Cleanup(srv.Close)

	ask := fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Who went?"})
	body, _ := json.Marshal(ask.Payload)
	ts := time.Now()
	var statuses []int
	for range 3 {
		req, err := discordtest.SignedRequest(srv.URL, priv, ts, body)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
	}
	if statuses[0] != 200 || statuses[1] != http.StatusConflict || statuses[2] != http.StatusConflict {
		t.Errorf("statuses of one request sent 3 times = %v, want 200, 409, 409", statuses)
	}
	ctx := (&harness{}).ctx(t)
	if _, err := fake.WaitFor(ctx, func(r discordtest.Request) bool {
		return r.Method == http.MethodPatch && strings.Contains(r.Path, ask.Token) && r.Status == 200
	}); err != nil {
		t.Fatal(err)
	}
	edits := 0
	for _, r := range fake.Requests() {
		if r.Method == http.MethodPatch && strings.Contains(r.Path, ask.Token) {
			edits++
		}
	}
	if edits != 1 {
		t.Errorf("the replayed interaction was answered %d times, want once", edits)
	}

	big := append([]byte(`{"type":2,"id":"9","data":"`), make([]byte, 2<<20)...)
	req, err := discordtest.SignedRequest(srv.URL, priv, time.Now(), big)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: status %d, want 413", resp.StatusCode)
	}

	// One byte every 100ms: the 300ms read timeout must end the request
	// long before the 100 bytes it announces have come.
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nX-Signature-Ed25519: 00\r\nX-Signature-Timestamp: 1\r\n\r\n")
	start := time.Now()
	done := make(chan struct{}) // closed when the server answers or hangs up: either lets go
	go func() {
		_, _ = bufio.NewReader(conn).ReadString('\n')
		close(done)
	}()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for sent := 0; ; sent++ {
		select {
		case <-done:
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("slow body held the connection for %v", took)
			}
			return
		case <-tick.C:
			if sent >= 100 {
				t.Fatal("the slow body was read to its end: no read timeout")
			}
			if _, err := conn.Write([]byte("x")); err != nil && !errors.Is(err, net.ErrClosed) {
				return // the server closed the connection
			}
		}
	}
}
