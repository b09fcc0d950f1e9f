package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/bot"
	"github.com/briefing/briefing/internal/discordtest"
)

func TestRegistersCommandsAndIntents(t *testing.T) {
	t.Parallel()
	h := startBot(t, &fakeEngine{}, nil, nil)
	put := h.wait(t, func(r discordtest.Request) bool { return r.Method == http.MethodPut })
	if want := "/applications/" + h.fake.AppID() + "/guilds/10/commands"; put.Path != want {
		t.Errorf("bulk overwrite path = %q, want %q", put.Path, want)
	}
	var names []string
	for _, c := range put.Body.([]any) {
		cmd := c.(map[string]any)
		names = append(names, cmd["name"].(string))
		if loc, _ := cmd["name_localizations"].(map[string]any); loc["it"] == nil {
			t.Errorf("command %v has no Italian name", cmd["name"])
		}
		if (cmd["name"] == "reload" || cmd["name"] == "corpus") && cmd["default_member_permissions"] != fmt.Sprint(discordgo.PermissionManageGuild) {
			t.Errorf("reload default_member_permissions = %v, want Manage Server", cmd["default_member_permissions"])
		}
	}
	if diff := cmp.Diff([]string{"ask", "search", "summary", "sources", "reload", "corpus", "help"}, names); diff != "" {
		t.Errorf("registered commands (-want +got):\n%s", diff)
	}
	id := h.wait(t, func(r discordtest.Request) bool { return r.Path == "IDENTIFY" })
	want := float64(discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsMessageContent)
	if got := id.Object()["intents"]; got != want {
		t.Errorf("IDENTIFY intents = %v, want %v", got, want)
	}
	if id.Object()["token"] != "Bot "+testToken {
		t.Errorf("IDENTIFY token is not the configured one")
	}
}

func TestMinimalIntentsWithoutMentions(t *testing.T) {
	t.Parallel()
	h := startBot(t, &fakeEngine{}, nil, func(o *bot.Options) { o.MentionChannels = nil; o.GuildIDs = nil })
	id := h.wait(t, func(r discordtest.Request) bool { return r.Path == "IDENTIFY" })
	if got, want := id.Object()["intents"], float64(discordgo.IntentsGuilds); got != want {
		t.Errorf("IDENTIFY intents = %v, want %v (guilds only)", got, want)
	}
	put := h.wait(t, func(r discordtest.Request) bool { return r.Method == http.MethodPut })
	if want := "/applications/" + h.fake.AppID() + "/commands"; put.Path != want {
		t.Errorf("global bulk overwrite path = %q, want %q", put.Path, want)
	}
}

func TestAsk(t *testing.T) {
	t.Parallel()
	var got atomic.Value
	var glossAsked atomic.Bool
	gloss := "The Russian foreign minister Sergej Lavrov has arrived to Pyongyang for a visit of two days."
	eng := &fakeEngine{AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
		got.Store(req.Question)
		glossAsked.Store(req.Gloss)
		a := sampleAnswer(req.Question)
		a.Citations[0].Gloss = gloss
		return a, nil
	}}
	h := startBot(t, eng, nil, nil)
	in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Who went to Pyongyang?"})
	h.dispatch(t, in)
	cb := h.callback(t, in)
	if respType(cb) != 5 || respFlags(cb) != 0 {
		t.Errorf("initial response = type %d flags %d, want public deferred (5, 0)", respType(cb), respFlags(cb))
	}
	final := h.final(t, in)
	es := embeds(final)
	if len(es) != 2 {
		t.Fatalf("final edit has %d embeds, want answer + sources: %v", len(es), final)
	}
	if es[0]["title"] != "Who went to Pyongyang?" || !strings.Contains(es[0]["description"].(string), "[1]") {
		t.Errorf("answer embed = %v", es[0])
	}
	if es[1]["title"] != "Sources" || !strings.Contains(allText(es[1]["fields"]), samplePassage.Text) {
		t.Errorf("sources embed = %v", es[1])
	}
	// The quote's machine translation shows labelled under it.
	if f := allText(es[1]["fields"]); !strings.Contains(f, "*machine translation, rough:* "+gloss) {
		t.Errorf("sources embed lacks the labelled gloss: %s", f)
	}
	if q, _ := got.Load().(string); q != "Who went to Pyongyang?" {
		t.Errorf("engine question = %q", q)
	}
	if !glossAsked.Load() {
		t.Errorf("the bot did not ask the engine for glosses (Request.Gloss)")
	}
	if !strings.Contains(allText(final["components"]), "src:") {
		t.Errorf("no Show sources button: %v", final["components"])
	}
}

func TestAskItalianRefusalAndFallback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		answer    briefing.Answer
		wantTitle string
		wantText  string
	}{
		{"refusal", briefing.Answer{Lang: "it", Refused: true, Text: "Gli articoli non parlano di questo."}, "❔ Non coperto dagli articoli", ""},
		{"fallback", briefing.Answer{Lang: "it", Fallback: true, Text: "Lavrov è arrivato [1].",
			Citations: []briefing.Citation{{N: 1, Passage: samplePassage, Quote: "Lavrov"}}}, "", "Modello linguistico non disponibile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := startBot(t, &fakeEngine{AnswerFn: func(context.Context, briefing.Request) (briefing.Answer, error) { return tt.answer, nil }}, nil, nil)
			in := h.fake.Command(discordtest.Invoker{Locale: "it"}, "ask", discordtest.Option{Name: "question", Value: "Chi è andato a Pyongyang?"})
			h.dispatch(t, in)
			es := embeds(h.final(t, in))
			if tt.wantTitle != "" && es[0]["title"] != tt.wantTitle {
				t.Errorf("title = %v, want %q", es[0]["title"], tt.wantTitle)
			}
			if tt.wantText != "" && !strings.Contains(allText(es), tt.wantText) {
				t.Errorf("embeds lack %q: %v", tt.wantText, es)
			}
			if tt.name == "fallback" && !strings.Contains(allText(es), "Fonti") {
				t.Errorf("Italian answer lacks the Fonti heading: %v", es)
			}
		})
	}
}

func TestAskErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		question  string
		err       error
		ephemeral bool
		want      string
	}{
		{"too long", strings.Repeat("why ", 40), nil, true, "too long (159 characters; the limit is 100)"},
		{"punctuation only is private", "???", nil, true, "Please write a question"},
		{"engine says empty", "the of and", briefing.ErrEmptyQuestion, false, "Please write a question"},
		{"no index", "What happened?", briefing.ErrNoIndex, false, "not indexed yet"},
		{"filter leaves nothing", "What happened?", fmt.Errorf("rag: %w (since 2030-01-01)", briefing.ErrNoMatch), false, "No document matches those dates or outlets"},
		{"internal error has a ref", "What happened?", errBoom, false, "Something went wrong (ref "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			eng := &fakeEngine{AnswerFn: func(context.Context, briefing.Request) (briefing.Answer, error) { return briefing.Answer{}, tt.err }}
			h := startBot(t, eng, nil, func(o *bot.Options) { o.MaxQuestionChars = 100 })
			in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: tt.question})
			h.dispatch(t, in)
			var text string
			if tt.ephemeral {
				cb := h.callback(t, in)
				if respFlags(cb) != int(discordgo.MessageFlagsEphemeral) {
					t.Errorf("response flags = %d, want ephemeral", respFlags(cb))
				}
				text = respContent(cb)
			} else {
				text = respContent(h.final(t, in))
			}
			if !strings.Contains(text, tt.want) {
				t.Errorf("reply = %q, want it to contain %q", text, tt.want)
			}
			if tt.err == errBoom {
				ref := strings.TrimSuffix(strings.SplitN(text, "(ref ", 2)[1], ").")
				logs := h.logs.String()
				if !strings.Contains(logs, `"ref":"`+ref+`"`) || !strings.Contains(logs, errBoom.Error()) {
					t.Errorf("logs lack the full error under ref %s:\n%s", ref, logs)
				}
				if strings.Contains(text, "boom") {
					t.Errorf("user sees the internal error: %q", text)
				}
			}
		})
	}
}

// TestStreamingEdits drives the streamer's clock: deltas that arrive
// between two ticks make one edit, a tick with nothing new makes none, and
// the final answer is edited in after every streaming edit.
func TestStreamingEdits(t *testing.T) {
	t.Parallel()
	words := make(chan string)
	delivered := make(chan struct{})
	eng := &fakeEngine{AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
		for w := range words {
			req.OnDelta(w)
			delivered <- struct{}{}
		}
		return sampleAnswer(req.Question), nil
	}}
	ticks := make(chan time.Time)
	h := startBotWith(t, eng, nil, nil, func(b *bot.Bot) { bot.SetStreamClock(b, ticks) })
	in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Who?"})
	h.dispatch(t, in)
	h.callback(t, in)

	say := func(w string) {
		t.Helper()
		select {
		case words <- w:
		case <-h.ctx(t).Done():
			t.Fatalf("the engine never took %q", w)
		}
		<-delivered
	}
	// tick returns once the streamer has taken the tick: it handles one at
	// a time, so it has also finished with the tick before.
	tick := func() {
		t.Helper()
		select {
		case ticks <- time.Now():
		case <-h.ctx(t).Done():
			t.Fatal("the streamer never took a tick")
		}
	}
	isPartial := func(r discordtest.Request) bool {
		_, final := r.Object()["content"]
		return r.Method == http.MethodPatch && strings.Contains(r.Path, in.Token) && !final
	}
	edited := func(text string) {
		t.Helper()
		h.wait(t, func(r discordtest.Request) bool { return isPartial(r) && strings.Contains(string(r.Raw), text+" ▌") })
	}

	say("Lavrov ")
	say("arrived ")
	say("in")
	tick()
	edited("Lavrov arrived in")
	tick() // nothing new
	say(" Pyongyang.")
	tick()
	edited("Lavrov arrived in Pyongyang.")
	close(words)
	h.final(t, in)

	var partial []string
	finalSeen := false
	for _, r := range h.fake.Requests() {
		if r.Method != http.MethodPatch || !strings.Contains(r.Path, in.Token) {
			continue
		}
		if !isPartial(r) {
			finalSeen = true
			continue
		}
		if finalSeen {
			t.Errorf("streaming edit after the final edit: %s", r.Raw)
		}
		for _, e := range embeds(r.Object()) {
			d, _ := e["description"].(string)
			partial = append(partial, d)
		}
	}
	if diff := cmp.Diff([]string{"Lavrov arrived in ▌", "Lavrov arrived in Pyongyang. ▌"}, partial); diff != "" {
		t.Errorf("streaming edits (-want +got):\n%s", diff)
	}
}

func TestSearchSummarySourcesHelp(t *testing.T) {
	t.Parallel()
	var summaryReq, searchReq atomic.Value
	eng := &fakeEngine{SummarizeFn: func(ctx context.Context, req briefing.SummaryRequest) (briefing.Answer, error) {
		summaryReq.Store(req)
		return sampleAnswer("s"), nil
	}, SearchFn: func(ctx context.Context, req briefing.SearchRequest) ([]briefing.Hit, error) {
		searchReq.Store(req)
		return []briefing.Hit{{Passage: samplePassage, Score: 0.87, Rank: 1}}, nil
	}}
	h := startBot(t, eng, nil, nil)
	tests := []struct {
		name      string
		in        discordtest.Interaction
		deferred  bool
		ephemeral bool
		want      []string
	}{
		{"search", h.fake.Command(discordtest.Invoker{UserID: "501"}, "search", discordtest.Option{Name: "query", Value: "Lavrov visit"}),
			true, false, []string{"Passages for “Lavrov visit”", "score 0.87", "Lavrov a Pyongyang"}},
		{"summary", h.fake.Command(discordtest.Invoker{UserID: "502"}, "summary", discordtest.Option{Name: "document", Value: "lavrov-pyongyang-visit"}),
			true, false, []string{"Summary: Lavrov a Pyongyang", "[1]", "Sources"}},
		{"sources", h.fake.Command(discordtest.Invoker{Locale: "it"}, "sources"),
			true, false, []string{"Documenti", "`russia-north-korea-alliance`", "18 passaggi", "2024-06-19"}},
		{"help", h.fake.Command(discordtest.Invoker{}, "help"),
			false, true, []string{"/ask question:", "Show sources"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.dispatch(t, tt.in)
			cb := h.callback(t, tt.in)
			reply := cb
			if tt.deferred {
				if respType(cb) != 5 {
					t.Errorf("response type = %d, want deferred", respType(cb))
				}
				reply = h.final(t, tt.in)
			}
			if got := respFlags(cb) == int(discordgo.MessageFlagsEphemeral); got != tt.ephemeral {
				t.Errorf("ephemeral = %v, want %v", got, tt.ephemeral)
			}
			text := allText(reply)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("reply lacks %q:\n%s", w, text)
				}
			}
		})
	}
	// Without a topic the summary is in the user's language (the
	// invoker's locale is English) and its Italian quotes glossed.
	if req, _ := summaryReq.Load().(briefing.SummaryRequest); req.DocID != "lavrov-pyongyang-visit" || !req.Gloss || req.Lang != "en" {
		t.Errorf("summary request = %+v", req)
	}
	if req, _ := searchReq.Load().(briefing.SearchRequest); req.Query != "Lavrov visit" || req.K != 5 || !req.Gloss {
		t.Errorf("search request = %+v, want the query, 5 passages and glosses", req)
	}
}

func TestAutocompleteDocuments(t *testing.T) {
	t.Parallel()
	h := startBot(t, &fakeEngine{}, nil, nil)
	in := h.fake.Autocomplete(discordtest.Invoker{}, "summary", discordtest.Option{Name: "document", Value: "allean", Focused: true})
	h.dispatch(t, in)
	cb := h.callback(t, in)
	if respType(cb) != 8 {
		t.Fatalf("response type = %d, want 8 (autocomplete result)", respType(cb))
	}
	got := cb["data"].(map[string]any)["choices"]
	want := []any{map[string]any{"name": "L'alleanza tra Russia e Corea del Nord", "value": "russia-north-korea-alliance"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("choices (-want +got):\n%s", diff)
	}
}

func TestButtons(t *testing.T) {
	t.Parallel()
	h := startBot(t, &fakeEngine{}, nil, nil)
	in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Who went?"})
	h.dispatch(t, in)
	final := h.final(t, in)
	var ids []string
	for _, row := range final["components"].([]any) {
		for _, c := range row.(map[string]any)["components"].([]any) {
			ids = append(ids, c.(map[string]any)["custom_id"].(string))
		}
	}
	if len(ids) != 3 {
		t.Fatalf("buttons = %v, want sources, up, down", ids)
	}
	tests := []struct {
		customID string
		want     string
	}{
		{ids[0], samplePassage.Text},
		{ids[1], "Thanks for the feedback"},
		{"src:00000000", "no longer in memory"},
	}
	for _, tt := range tests {
		click := h.fake.Button(discordtest.Invoker{}, tt.customID)
		h.dispatch(t, click)
		cb := h.callback(t, click)
		if respType(cb) != 4 || respFlags(cb) != int(discordgo.MessageFlagsEphemeral) {
			t.Errorf("%s: response type %d flags %d, want ephemeral message", tt.customID, respType(cb), respFlags(cb))
		}
		if !strings.Contains(allText(cb), tt.want) {
			t.Errorf("%s: response lacks %q: %v", tt.customID, tt.want, cb)
		}
	}
	qid := strings.TrimPrefix(ids[1], "fb:up:")
	if !strings.Contains(h.logs.String(), `"msg":"feedback","interaction_id"`) || !strings.Contains(h.logs.String(), `"question_id":"`+qid+`","vote":"up"`) {
		t.Errorf("feedback not logged with question id %s", qid)
	}
}

func TestReloadAdminChecks(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	reload := func(ctx context.Context) (briefing.CorpusChange, error) {
		calls.Add(1)
		return briefing.CorpusChange{Index: briefing.IndexReport{Added: 1, Changed: 2, Removed: 0, Unchanged: 3, Passages: 40, Embedded: 9, Duration: 1500 * time.Millisecond}}, nil
	}
	h := startBot(t, &fakeEngine{}, reload, nil)
	tests := []struct {
		name    string
		inv     discordtest.Invoker
		allowed bool
	}{
		{"manage server claimed but no admin role", discordtest.Invoker{UserID: "5", Permissions: discordgo.PermissionManageGuild | discordgo.PermissionAdministrator}, false},
		{"plain member", discordtest.Invoker{UserID: "6"}, false},
		{"admin role", discordtest.Invoker{UserID: "7", Roles: []string{"1", adminRole}}, true},
		{"admin user", discordtest.Invoker{UserID: adminUser}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := calls.Load()
			in := h.fake.Command(tt.inv, "reload")
			h.dispatch(t, in)
			cb := h.callback(t, in)
			if respFlags(cb) != int(discordgo.MessageFlagsEphemeral) {
				t.Errorf("reload response is not ephemeral: %v", cb)
			}
			if !tt.allowed {
				if !strings.Contains(respContent(cb), "Only the bot's admins") {
					t.Errorf("denied reply = %q", respContent(cb))
				}
				if calls.Load() != before {
					t.Errorf("reload ran for a non-admin")
				}
				return
			}
			final := h.final(t, in)
			if want := "Corpus reloaded in 1.5s: 1 added, 2 changed, 0 removed, 3 unchanged; 40 passages (9 embedded)."; respContent(final) != want {
				t.Errorf("reload report = %q, want %q", respContent(final), want)
			}
		})
	}
}

func TestReloadFailureKeepsAnswering(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	reload := func(ctx context.Context) (briefing.CorpusChange, error) {
		<-release
		return briefing.CorpusChange{}, fmt.Errorf("load corpus: %w", errBoom)
	}
	h := startBot(t, &fakeEngine{}, reload, nil)
	in := h.fake.Command(discordtest.Invoker{UserID: adminUser}, "reload")
	h.dispatch(t, in)
	h.callback(t, in)
	// While the reload runs, questions are still answered.
	ask := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Who went?"})
	h.dispatch(t, ask)
	if es := embeds(h.final(t, ask)); len(es) == 0 {
		t.Errorf("no answer during reload")
	}
	close(release)
	final := h.final(t, in)
	if !strings.Contains(respContent(final), "Reload failed (ref ") || !strings.Contains(respContent(final), errBoom.Error()) {
		t.Errorf("failure reply = %q", respContent(final))
	}
	// The edit is of the ephemeral deferred response: only the admin sees it.
	if cb := h.callback(t, in); respFlags(cb) != int(discordgo.MessageFlagsEphemeral) {
		t.Errorf("reload deferral is not ephemeral")
	}
	// And the old index still answers afterwards.
	again := h.fake.Command(discordtest.Invoker{UserID: "31"}, "ask", discordtest.Option{Name: "question", Value: "And then?"})
	h.dispatch(t, again)
	if es := embeds(h.final(t, again)); len(es) == 0 {
		t.Errorf("no answer after failed reload")
	}
}

func TestMentionInjectionNeverPings(t *testing.T) {
	t.Parallel()
	evil := "@everyone @here <@&999> <@123> ping!"
	eng := &fakeEngine{AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
		p := samplePassage
		p.Text = "Document says " + evil
		return briefing.Answer{Lang: "en", Text: req.Question + " [1]", Citations: []briefing.Citation{{N: 1, Passage: p, Quote: p.Text}}}, nil
	}}
	h := startBot(t, eng, nil, nil)
	in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "What about " + evil})
	h.dispatch(t, in)
	final := h.final(t, in)
	if !strings.Contains(allText(final), "@\u200beveryone") {
		t.Fatalf("test is void: the reply does not contain the injected text, neutralised")
	}
	if strings.Contains(allText(final), "@everyone") || strings.Contains(allText(final), "<@&999>") {
		t.Errorf("the reply shows live mention syntax: %s", allText(final))
	}
	msg := h.fake.Message("10", "20", "31", "<@"+h.fake.BotUserID()+"> tell me "+evil, h.fake.BotUserID())
	if err := h.fake.Dispatch(h.ctx(t), "MESSAGE_CREATE", msg); err != nil {
		t.Fatal(err)
	}
	h.wait(t, func(r discordtest.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/messages") && strings.Contains(allText(r.Object()), "@\u200beveryone")
	})
	if bad := h.fake.MentionViolations(); len(bad) > 0 {
		t.Errorf("%d messages could ping: first %s %s", len(bad), bad[0].Method, bad[0].Path)
	}
}

func TestMentionThreadAndFollowUp(t *testing.T) {
	t.Parallel()
	var history atomic.Value
	var unglossed atomic.Int32
	eng := &fakeEngine{AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
		history.Store(req.History)
		if !req.Gloss {
			unglossed.Add(1)
		}
		return sampleAnswer(req.Question), nil
	}}
	h := startBot(t, eng, nil, func(o *bot.Options) { o.ThreadHistory = 2 })
	bot := h.fake.BotUserID()
	ctx := h.ctx(t)

	// A mention in a channel not allowed is ignored: the bot says so in
	// its log and sends nothing for it (checked at the end).
	ignored := h.fake.Message("10", "21", "31", "<@"+bot+"> ignored?", bot)
	if err := h.fake.Dispatch(ctx, "MESSAGE_CREATE", ignored); err != nil {
		t.Fatal(err)
	}
	h.waitLog(t, `"msg":"mention ignored: channel not allowed","message_id":"`+ignored["id"].(string)+`"`)
	msg := h.fake.Message("10", "20", "31", "<@"+bot+"> Who went to Pyongyang?", bot)
	if err := h.fake.Dispatch(ctx, "MESSAGE_CREATE", msg); err != nil {
		t.Fatal(err)
	}
	thread := h.wait(t, func(r discordtest.Request) bool { return strings.HasSuffix(r.Path, "/threads") })
	if want := "/channels/20/messages/" + msg["id"].(string) + "/threads"; thread.Path != want {
		t.Errorf("thread created at %s, want %s", thread.Path, want)
	}
	if thread.Object()["name"] != "Who went to Pyongyang?" {
		t.Errorf("thread name = %v", thread.Object()["name"])
	}
	posted := h.wait(t, func(r discordtest.Request) bool {
		return r.Method == http.MethodPost && strings.HasPrefix(r.Path, "/channels/") && strings.HasSuffix(r.Path, "/messages")
	})
	threadID := strings.Split(posted.Path, "/")[2]
	if threadID == "20" {
		t.Fatalf("answer posted in the channel, not in a thread")
	}
	// Follow-ups in the thread, no mention needed, carry bounded history.
	for n, q := range []string{"And then?", "Why?", "When?"} {
		if err := h.fake.Dispatch(ctx, "MESSAGE_CREATE", h.fake.Message("10", threadID, "32", q)); err != nil {
			t.Fatal(err)
		}
		if _, err := h.fake.WaitCount(ctx, n+2, func(r discordtest.Request) bool {
			return r.Method == http.MethodPost && r.Path == "/channels/"+threadID+"/messages"
		}); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := history.Load().([]briefing.Turn)
	want := []briefing.Turn{{Question: "And then?", Answer: sampleAnswer("").Text}, {Question: "Why?", Answer: sampleAnswer("").Text}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("history of the third follow-up (-want +got):\n%s", diff)
	}
	if n := unglossed.Load(); n != 0 {
		t.Errorf("%d mention answers asked for no glosses (Request.Gloss)", n)
	}
	for _, r := range h.fake.Requests() {
		if r.Path == "/channels/21/messages" || strings.HasPrefix(r.Path, "/channels/21/") {
			t.Errorf("bot answered in a channel that is not allowed: %s", r.Path)
		}
	}
}

// TestMentionWithoutThreadIsAnsweredInPlace: when the thread cannot be
// created (the channel is a thread already, or the bot lacks Create Public
// Threads: a 400 or 403), the answer is a reply to the mention, which pings
// no one, its author included.
func TestMentionWithoutThreadIsAnsweredInPlace(t *testing.T) {
	t.Parallel()
	h := startBot(t, &fakeEngine{}, nil, nil)
	h.fake.FailNextStatus(http.MethodPost, "/channels/20/messages/", 1, http.StatusBadRequest)
	msg := h.fake.Message("10", "20", "31", "<@"+h.fake.BotUserID()+"> who went to Pyongyang?", h.fake.BotUserID())
	if err := h.fake.Dispatch(h.ctx(t), "MESSAGE_CREATE", msg); err != nil {
		t.Fatal(err)
	}
	h.waitLog(t, "create thread failed")
	posted, err := h.fake.WaitFor(h.ctx(t), func(r discordtest.Request) bool {
		return r.Method == http.MethodPost && r.Status == http.StatusOK && r.Path == "/channels/20/messages"
	})
	if err != nil {
		t.Fatalf("no answer in the channel after the thread failed: %v", err)
	}
	body := posted.Object()
	if !strings.Contains(allText(body), "Lavrov arrived") {
		t.Errorf("message in the channel lacks the answer: %s", posted.Raw)
	}
	ref, _ := body["message_reference"].(map[string]any)
	if ref["message_id"] != msg["id"] {
		t.Errorf("message_reference = %v, want a reply to message %v", body["message_reference"], msg["id"])
	}
	am, _ := body["allowed_mentions"].(map[string]any)
	if parse, ok := am["parse"].([]any); !ok || len(parse) != 0 || am["replied_user"] != false {
		t.Errorf("allowed_mentions = %v, want parse [] and replied_user false", body["allowed_mentions"])
	}
}

func TestMentionWithoutContentDegrades(t *testing.T) {
	t.Parallel()
	h := startBot(t, &fakeEngine{}, nil, func(o *bot.Options) { o.MessageContentIntent = false })
	id := h.wait(t, func(r discordtest.Request) bool { return r.Path == "IDENTIFY" })
	if got := int(id.Object()["intents"].(float64)); got&int(discordgo.IntentsMessageContent) != 0 {
		t.Errorf("message content intent requested although disabled")
	}
	bot := h.fake.BotUserID()
	for i := 0; i < 2; i++ {
		if err := h.fake.Dispatch(h.ctx(t), "MESSAGE_CREATE", h.fake.Message("10", "20", "31", "", bot)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.fake.WaitCount(h.ctx(t), 2, func(r discordtest.Request) bool { return r.Path == "/channels/20/messages" }); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(h.logs.String(), "Message Content intent is not granted"); n != 1 {
		t.Errorf("content warning logged %d times, want once", n)
	}
	for _, r := range h.fake.Requests() {
		if r.Path == "/channels/20/messages" && !strings.Contains(string(r.Raw), "/ask") {
			t.Errorf("degraded reply does not point to /ask: %s", r.Raw)
		}
	}
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     func(*bot.Options)
		users    []string
		wantSlow string
	}{
		{"per user", func(o *bot.Options) { o.RatePerMinute = 1; o.RateBurst = 2 }, []string{"41", "41", "41"}, "asking a little fast"},
		{"concurrency cap", func(o *bot.Options) { o.MaxConcurrent = 1 }, []string{"42", "43"}, "many questions right now"},
		{"per channel, across users", func(o *bot.Options) { o.ChannelRatePerMinute = 1; o.ChannelRateBurst = 2 }, []string{"51", "52", "53"}, "This channel is asking a lot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			release := make(chan struct{})
			eng := &fakeEngine{AnswerFn: func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
				select {
				case <-release:
				case <-ctx.Done():
				}
				return sampleAnswer(req.Question), nil
			}}
			h := startBot(t, eng, nil, tt.opts)
			var ins []discordtest.Interaction
			for _, u := range tt.users {
				in := h.fake.Command(discordtest.Invoker{UserID: u}, "ask", discordtest.Option{Name: "question", Value: "Who?"})
				ins = append(ins, in)
				h.dispatch(t, in)
				h.callback(t, in) // in order, so the last one is the one turned away
			}
			last := h.callback(t, ins[len(ins)-1])
			if respType(last) != 4 || respFlags(last) != int(discordgo.MessageFlagsEphemeral) || !strings.Contains(respContent(last), tt.wantSlow) {
				t.Errorf("last response = %v, want an ephemeral %q", last, tt.wantSlow)
			}
			if first := h.callback(t, ins[0]); respType(first) != 5 {
				t.Errorf("first response type = %d, want deferred", respType(first))
			}
			close(release)
			h.final(t, ins[0])
		})
	}
}

// TestSourcesIsRateLimited: /sources posts a public list of up to four
// messages, so a user repeating it is turned away like one asking fast.
func TestSourcesIsRateLimited(t *testing.T) {
	t.Parallel()
	h := startBot(t, &fakeEngine{}, nil, func(o *bot.Options) { o.RatePerMinute = 1; o.RateBurst = 2 })
	var ins []discordtest.Interaction
	for range 3 {
		in := h.fake.Command(discordtest.Invoker{UserID: "44"}, "sources")
		ins = append(ins, in)
		h.dispatch(t, in)
		h.callback(t, in)
	}
	for _, in := range ins[:2] {
		if cb := h.callback(t, in); respType(cb) != 5 {
			t.Errorf("/sources within the burst: response type %d, want deferred", respType(cb))
		}
	}
	last := h.callback(t, ins[2])
	if respType(last) != 4 || respFlags(last) != int(discordgo.MessageFlagsEphemeral) || !strings.Contains(respContent(last), "asking a little fast") {
		t.Errorf("third /sources = %v, want an ephemeral slow-down", last)
	}
}

func TestRESTRateLimitIsRetried(t *testing.T) {
	t.Parallel()
	h := startBot(t, &fakeEngine{}, nil, nil)
	h.fake.FailNext(http.MethodPatch, "/webhooks/", 1, 50*time.Millisecond)
	in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Who?"})
	h.dispatch(t, in)
	final := h.final(t, in)
	if len(embeds(final)) == 0 {
		t.Errorf("final edit lacks the answer")
	}
	var statuses []int
	for _, r := range h.fake.Requests() {
		if r.Method == http.MethodPatch && strings.Contains(r.Path, in.Token) {
			statuses = append(statuses, r.Status)
		}
	}
	if diff := cmp.Diff([]int{429, 200}, statuses); diff != "" {
		t.Errorf("edit statuses (-want +got):\n%s", diff)
	}
}

func TestGatewayReconnect(t *testing.T) {
	t.Parallel()
	h := startBot(t, &fakeEngine{}, nil, nil)
	h.fake.DropGateway()
	h.wait(t, func(r discordtest.Request) bool { return r.Path == "RESUME" || r.Path == "IDENTIFY" && r.Seq > 1 })
	in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Still there?"})
	h.dispatch(t, in)
	if es := embeds(h.final(t, in)); len(es) == 0 {
		t.Errorf("no answer after reconnect")
	}
}

func TestLongAnswerIsSplit(t *testing.T) {
	t.Parallel()
	var sb strings.Builder
	var cites []briefing.Citation
	for i := 1; i <= 12; i++ { // below the answer cap (maxAnswerRunes)
		fmt.Fprintf(&sb, "Sentence number %d says something long enough to fill the embed quickly, again and again [%d]. ", i, i)
		for j := 0; j < 8; j++ {
			sb.WriteString("Padding words keep coming so the text is far beyond every limit. ")
		}
		p := samplePassage
		p.Text = strings.Repeat("Verbatim passage text that is long. ", 40)
		cites = append(cites, briefing.Citation{N: i, Passage: p, Quote: p.Text})
	}
	long := briefing.Answer{Lang: "en", Text: sb.String(), Citations: cites}
	h := startBot(t, &fakeEngine{AnswerFn: func(context.Context, briefing.Request) (briefing.Answer, error) { return long, nil }}, nil, nil)
	in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Tell me everything"})
	h.dispatch(t, in)
	h.final(t, in)
	followups, err := h.fake.WaitCount(h.ctx(t), 1, func(r discordtest.Request) bool {
		return r.Method == http.MethodPost && strings.HasPrefix(r.Path, "/webhooks/") && strings.Contains(r.Path, in.Token)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Every message of the reply has landed once Run returns within its
	// shutdown deadline: Run waits for the replies in flight, and a reply's
	// messages are sent one after another before its handler ends.
	if err := h.shutdown(t); err != nil {
		t.Fatalf("Run() = %v", err)
	}
	if strings.Contains(h.logs.String(), "shutdown deadline passed") {
		t.Fatal("the reply was still being sent at the shutdown deadline")
	}
	var all strings.Builder
	msgs := 0
	for _, r := range h.fake.Requests() {
		if !strings.Contains(r.Path, in.Token) || r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/callback") {
			continue
		}
		if r.Method == http.MethodPatch {
			if _, ok := r.Object()["content"]; !ok {
				continue // streaming edit
			}
		}
		msgs++
		checkLimits(t, r.Raw)
		for _, e := range embeds(r.Object()) {
			if d, ok := e["description"].(string); ok {
				all.WriteString(d + " ")
			}
		}
	}
	if msgs < 2 || len(followups) < 1 {
		t.Errorf("long answer sent as %d messages, want several", msgs)
	}
	got := strings.Join(strings.Fields(all.String()), " ")
	if want := strings.Join(strings.Fields(long.Text), " "); got != want {
		t.Errorf("reassembled text differs from the answer (len %d vs %d)", len(got), len(want))
	}
}

// checkLimits asserts every Discord message limit on a recorded body.
func checkLimits(t *testing.T, raw []byte) {
	t.Helper()
	var msg struct {
		Content string                    `json:"content"`
		Embeds  []*discordgo.MessageEmbed `json:"embeds"`
	}
	if err := json.Unmarshal(raw, &msg); err != nil {
		t.Fatal(err)
	}
	rl := func(s string) int { return len([]rune(s)) }
	if rl(msg.Content) > 2000 || len(msg.Embeds) > 10 {
		t.Errorf("content %d chars, %d embeds", rl(msg.Content), len(msg.Embeds))
	}
	total := 0
	for _, e := range msg.Embeds {
		total += rl(e.Title) + rl(e.Description)
		if e.Footer != nil {
			total += rl(e.Footer.Text)
		}
		if rl(e.Title) > 256 || rl(e.Description) > 4096 || len(e.Fields) > 25 {
			t.Errorf("embed over limits: title %d, description %d, fields %d", rl(e.Title), rl(e.Description), len(e.Fields))
		}
		for _, f := range e.Fields {
			total += rl(f.Name) + rl(f.Value)
			if rl(f.Name) > 256 || rl(f.Value) > 1024 {
				t.Errorf("field over limits: name %d, value %d", rl(f.Name), rl(f.Value))
			}
		}
	}
	if total > 6000 {
		t.Errorf("embeds total %d characters, over 6000", total)
	}
}
