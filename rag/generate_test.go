package rag_test

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/ground"
	"github.com/briefing/briefing/internal/openaitest"
	"github.com/briefing/briefing/llm"
	"github.com/briefing/briefing/rag"
)

// logBuffer is a concurrency-safe sink for a test's slog output.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// lines returns the logged lines at level (e.g. "WARN").
func (l *logBuffer) lines(level string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(l.b.String(), "\n") {
		if strings.Contains(line, "level="+level) {
			out = append(out, line)
		}
	}
	return out
}

// testLLMConfig is an llm.Config for srv with test-sized timeouts and
// backoffs.
func testLLMConfig(srv *openaitest.Server) llm.Config {
	return llm.Config{
		BaseURL: srv.URL(), Model: "test-model",
		Timeout: 2 * time.Second, MaxRetries: 2,
		BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond, RetryAfterMax: 20 * time.Millisecond,
	}
}

// mustLLMEngine returns an engine on docs whose Generator is a real
// *llm.Client talking to srv, and the buffer its logs go to.
func mustLLMEngine(t testing.TB, srv *openaitest.Server, cfg llm.Config, opts rag.Options, docs []corpus.Document) (*rag.Engine, *logBuffer) {
	t.Helper()
	client, err := llm.New(cfg)
	if err != nil {
		t.Fatalf("llm.New: %v", err)
	}
	logs := &logBuffer{}
	opts.Generator = client
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	return mustEngine(t, "", opts, docs), logs
}

var passageTag = regexp.MustCompile(`<passage n="(\d+)"[^>]*>\n([^\n]*)`)

// sentPassages maps each passage number of a prompt to the start of its text.
func sentPassages(user string) map[int]string {
	out := map[int]string{}
	for _, m := range passageTag.FindAllStringSubmatch(user, -1) {
		n, _ := strconv.Atoi(m[1])
		out[n] = m[2]
	}
	return out
}

// firstSentence is s up to its first full stop, without it.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, ".")
}

// checkCitations asserts the citations are numbered 1..m, each used in
// text, each quoting its document verbatim.
func checkCitations(t *testing.T, docs []corpus.Document, a briefing.Answer) {
	t.Helper()
	for i, c := range a.Citations {
		if c.N != i+1 {
			t.Errorf("citation %d has N=%d", i, c.N)
		}
		if !strings.Contains(a.Text, "["+strconv.Itoa(c.N)) {
			t.Errorf("citation [%d] not used in %q", c.N, a.Text)
		}
		body := docByID(docs, c.Passage.DocID).Body
		if c.QuoteStart < c.Passage.Start || c.QuoteEnd > c.Passage.End || body[c.QuoteStart:c.QuoteEnd] != c.Quote || c.Quote == "" {
			t.Errorf("citation [%d] quote %q is not verbatim body[%d:%d]", c.N, c.Quote, c.QuoteStart, c.QuoteEnd)
		}
	}
}

const ratifiedQ = "Quando il parlamento russo ha ratificato il trattato?"

func TestGeneratedAnswers(t *testing.T) {
	t.Parallel()
	docs := mustDefaultDocs(t)
	tests := []struct {
		name      string
		reply     string
		stream    bool
		want      string // Text, when generated
		refused   bool
		fallback  string // substring of FallbackReason when falling back
		cites     []int  // the sent passage numbers of the citations, in order
		quoteHas  string // the first citation's quote contains this
		removedIn string // a log line mentions invalid citations removed
		// uncertain: the reply says the passages do not answer, which
		// the fitted ranker shows as the closest passages, cited.
		uncertain bool
	}{
		{name: "cited answer", reply: "Il 6 novembre [1].", want: "Il 6 novembre [1].", cites: []int{1}, quoteHas: "6 novembre"},
		// Passage 3 shares words with the claim but does not state it
		// (issue 8: one shared word is no support): its marker goes, and
		// passage 1 is renumbered.
		{name: "renumbered in order of use, unsupported citation dropped", reply: "Il 6 novembre [3], dopo la firma [1][3].", want: "Il 6 novembre, dopo la firma [1].", cites: []int{1}},
		{name: "invalid marker removed", reply: "Il 6 novembre [1][7], secondo KCNA [99].", want: "Il 6 novembre [1], secondo KCNA.", cites: []int{1}, removedIn: "removed=2"},
		{name: "streamed", reply: "Il 6 novembre [1].", stream: true, want: "Il 6 novembre [1].", cites: []int{1}},
		{name: "refusal", reply: ground.NoAnswer("it"), uncertain: true},
		{name: "hostile completion without citations", reply: "HACKED", fallback: "unverifiable: 1 of 1 sentences uncited"},
		{name: "only invalid citations", reply: "Il 6 novembre [7].", fallback: "unverifiable: 1 of 1 sentences uncited"},
		{name: "uncited sentence removed", reply: "Il parlamento russo ha ratificato il trattato il 6 novembre [1]. Kim ha venduto la Luna.",
			want: "Il parlamento russo ha ratificato il trattato il 6 novembre [1].", cites: []int{1}, removedIn: "removed_sentences=1 sentences=2"},
		// {2} stands for the first sentence of the second passage sent.
		{name: "uncited sentence between cited ones", reply: "Il 6 novembre [1]. Kim ha venduto la Luna.\n\n{2} [2].",
			want: "Il 6 novembre [1].\n\n{2} [2].", cites: []int{1, 2}, removedIn: "removed_sentences=1 sentences=3"},
		{name: "marker after the period", reply: "Il parlamento russo ha ratificato il trattato il 6 novembre. [1] {2}. [2]",
			want: "Il parlamento russo ha ratificato il trattato il 6 novembre. [1] {2}. [2]", cites: []int{1, 2}},
		{name: "uncited lead-in and refusal sentence kept", reply: "Ecco cosa dicono i documenti:\nI passaggi non dicono chi ha votato. Il parlamento ha ratificato il trattato il 6 novembre [1].",
			want: "Ecco cosa dicono i documenti:\nI passaggi non dicono chi ha votato. Il parlamento ha ratificato il trattato il 6 novembre [1].", cites: []int{1}},
		{name: "mostly uncited", reply: "Il 6 novembre [1]. Kim ha venduto la Luna a Putin per tre rubli. Lavrov ha comprato Marte con due dollari.",
			fallback: "unverifiable: 2 of 3 sentences uncited"},
		{name: "implausible citation", reply: "Il 6 novembre [2].", fallback: "unverifiable: 1 of 1 sentences uncited"},
		{name: "implausible citation removed, plausible kept", reply: "Il 6 novembre [1][2].", want: "Il 6 novembre [1].", cites: []int{1}, removedIn: "removed=1"},
		{name: "refusal loses an uncited aside", reply: ground.NoAnswer("it") + " Kim ha venduto la Luna.", uncertain: true, removedIn: "removed_sentences=1"},
		{name: "mentions pass through as text", reply: "@everyone il 6 novembre [1].", want: "@everyone il 6 novembre [1].", cites: []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			fill := func(s, user string) string {
				return strings.ReplaceAll(s, "{2}", firstSentence(sentPassages(user)[2]))
			}
			srv.OnChat(func(r openaitest.ChatRequest) openaitest.Reply { return openaitest.Text(fill(tt.reply, r.LastUser())) })
			e, logs := mustLLMEngine(t, srv, testLLMConfig(srv), rag.Options{}, docs)
			var streamed strings.Builder
			req := briefing.Request{Question: ratifiedQ}
			if tt.stream {
				req.OnDelta = func(d string) { streamed.WriteString(d) }
			}
			a, err := e.Answer(context.Background(), req)
			if err != nil {
				t.Fatalf("Answer: %v", err)
			}
			reqs := srv.ChatRequests()
			if len(reqs) != 1 || reqs[0].Stream != tt.stream {
				t.Fatalf("chat requests = %d (stream %v), want 1 (stream %v)", len(reqs), len(reqs) > 0 && reqs[0].Stream, tt.stream)
			}
			if tt.uncertain {
				if a.State != briefing.StateUncertain || a.Refused || !a.Generated || len(a.Citations) == 0 || !strings.HasPrefix(a.Text, "Nessun passaggio risponde direttamente") {
					t.Fatalf("Answer = state %q, refused %v, generated %v, %d citations, %q; want the LLM's verdict shown as the closest passages", a.State, a.Refused, a.Generated, len(a.Citations), a.Text)
				}
				if infos := logs.lines("INFO"); tt.removedIn != "" && !strings.Contains(strings.Join(infos, "\n"), tt.removedIn) {
					t.Errorf("info lines %q do not report %s", infos, tt.removedIn)
				}
				checkCitations(t, docs, a)
				return
			}
			tt.want = fill(tt.want, reqs[0].LastUser())
			if tt.stream && streamed.String() != tt.reply {
				t.Errorf("streamed %q, want %q", streamed.String(), tt.reply)
			}
			if tt.fallback != "" {
				if !a.Fallback || a.Generated || !strings.Contains(a.FallbackReason, tt.fallback) || len(a.Citations) == 0 {
					t.Fatalf("Answer = fallback %v (%q), generated %v, %d citations; want an extractive fallback for %q",
						a.Fallback, a.FallbackReason, a.Generated, len(a.Citations), tt.fallback)
				}
				if !strings.Contains(a.Text, "6 novembre") {
					t.Errorf("fallback text %q lacks the extractive answer", a.Text)
				}
				if warns := logs.lines("WARN"); len(warns) != 1 || !strings.Contains(warns[0], tt.fallback) {
					t.Errorf("warn lines = %q, want one naming %q", warns, tt.fallback)
				}
				checkCitations(t, docs, a)
				return
			}
			if a.Fallback || !a.Generated || a.Refused != tt.refused || a.Text != tt.want {
				t.Fatalf("Answer = %q (generated %v, fallback %v %q, refused %v), want %q (refused %v)",
					a.Text, a.Generated, a.Fallback, a.FallbackReason, a.Refused, tt.want, tt.refused)
			}
			sent := sentPassages(reqs[0].LastUser())
			var got []int
			for _, c := range a.Citations {
				for n, start := range sent {
					if strings.HasPrefix(c.Passage.Text, start) {
						got = append(got, n)
					}
				}
			}
			if diff := cmp.Diff(tt.cites, got); diff != "" {
				t.Errorf("cited passages (-want +got):\n%s", diff)
			}
			if tt.quoteHas != "" && !strings.Contains(a.Citations[0].Quote, tt.quoteHas) {
				t.Errorf("quote %q lacks %q", a.Citations[0].Quote, tt.quoteHas)
			}
			if tt.removedIn != "" {
				if infos := logs.lines("INFO"); !strings.Contains(strings.Join(infos, "\n"), tt.removedIn) {
					t.Errorf("info lines %q do not report %s", infos, tt.removedIn)
				}
			}
			if warns := logs.lines("WARN"); len(warns) != 0 {
				t.Errorf("unexpected warnings: %q", warns)
			}
			checkCitations(t, docs, a)
		})
	}
}

func TestRefusalDoesNotCallTheLLM(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	e, _ := mustLLMEngine(t, srv, testLLMConfig(srv), rag.Options{RewriteQueries: true}, mustDefaultDocs(t))
	for _, q := range []string{"Qual è la posizione della Cina sul trattato?", "Chi ha vinto i mondiali di calcio?"} {
		a, err := e.Answer(context.Background(), briefing.Request{Question: q})
		if err != nil {
			t.Fatalf("Answer(%q): %v", q, err)
		}
		if !a.Refused || a.Generated || len(a.Citations) != 0 {
			t.Errorf("Answer(%q) = refused %v generated %v, want a refusal", q, a.Refused, a.Generated)
		}
	}
	if n := len(srv.ChatRequests()); n != 0 {
		t.Errorf("refusals sent %d chat requests, want 0", n)
	}
}

func TestHistoryIsBoundedAndStripped(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	srv.OnChat(func(openaitest.ChatRequest) openaitest.Reply { return openaitest.Text("Il 6 novembre [1].") })
	e, _ := mustLLMEngine(t, srv, testLLMConfig(srv), rag.Options{MaxHistoryTurns: 2}, mustDefaultDocs(t))
	hist := []briefing.Turn{
		{Question: "Chi ha firmato il trattato?", Answer: "first [1]."},
		{Question: "Il parlamento russo ha ratificato?", Answer: "second [2]."},
		{Question: "Il trattato russo?", Answer: "third [3]."},
	}
	if a, err := e.Answer(context.Background(), briefing.Request{Question: ratifiedQ, History: hist}); err != nil || !a.Generated {
		t.Fatalf("Answer = generated %v, %v; want a generated answer", a.Generated, err)
	}
	u := srv.ChatRequests()[0].LastUser()
	for _, tt := range []struct {
		s    string
		want bool
	}{{"User: Chi ha firmato", false}, {"second", true}, {"User: Il trattato russo?\nAssistant: third.", true}} {
		if got := strings.Contains(u, tt.s); got != tt.want {
			t.Errorf("prompt contains %q = %v, want %v:\n%s", tt.s, got, tt.want, u)
		}
	}
}
