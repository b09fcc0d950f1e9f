package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/cliout"
	"github.com/briefing/briefing/internal/openaitest"
	"github.com/briefing/briefing/internal/translate"
)

func TestOpenAIEmbedderWiring(t *testing.T) {
	t.Parallel()
	dir := corpusDir(t, map[string]string{"treaty.md": docTreaty, "troops.md": docTroops})
	tests := []struct {
		name string
		// env without the server URL, which each case adds under urlVar.
		env     map[string]string
		urlVar  string
		wantKey string
	}{
		{
			name: "own base URL and key",
			env: map[string]string{
				"BRIEFING_EMBEDDER_API_KEY_ENV": "EMBED_KEY",
				"EMBED_KEY":                     "emb-secret-1",
			},
			urlVar:  "BRIEFING_EMBEDDER_BASE_URL",
			wantKey: "emb-secret-1",
		},
		{
			name:    "borrowed from llm",
			env:     map[string]string{"OPENAI_API_KEY": "llm-secret-2"},
			urlVar:  "BRIEFING_LLM_BASE_URL",
			wantKey: "llm-secret-2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			env := map[string]string{
				"BRIEFING_EMBEDDER_PROVIDER":   "openai",
				"BRIEFING_EMBEDDER_MODEL":      "test-embed",
				"BRIEFING_EMBEDDER_BATCH_SIZE": "2",
				"BRIEFING_LOG_LEVEL":           "debug",
				tt.urlVar:                      srv.URL(),
			}
			for k, v := range tt.env {
				env[k] = v
			}
			r := cli(t, env, "", "--corpus", dir, "index", "--json")
			if r.code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			var rep cliout.IndexJSON
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatal(err)
			}
			reqs := srv.EmbeddingsRequests()
			if len(reqs) == 0 {
				t.Fatal("no embeddings request reached the server")
			}
			inputs := 0
			for i, req := range reqs {
				inputs += len(req.Input)
				if req.Model != "test-embed" || len(req.Input) > 2 {
					t.Errorf("request %d: model %q with %d inputs, want test-embed with at most 2", i, req.Model, len(req.Input))
				}
				if got := req.Header.Get("Authorization"); got != "Bearer "+tt.wantKey {
					t.Errorf("request %d: Authorization %q, want the key from the named variable", i, got)
				}
			}
			if inputs < rep.Embedded || rep.Embedded == 0 {
				t.Errorf("%d texts sent for %d embedded passages", inputs, rep.Embedded)
			}
			if strings.Contains(r.stderr, tt.wantKey) {
				t.Errorf("debug logs reveal the API key:\n%s", r.stderr)
			}
		})
	}
}

func TestNoLLMSendsNothingToTheLLM(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	env := map[string]string{"BRIEFING_LLM_BASE_URL": srv.URL(), "BRIEFING_LOG_LEVEL": "warn"}
	r := cli(t, env, "", "ask", "--no-llm", "Quando il parlamento russo ha ratificato il trattato?")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("ask --no-llm made %d requests to the LLM server, want 0", n)
	}
	if strings.Contains(r.stdout, "LLM") {
		t.Errorf("extractive answer is marked as an LLM one:\n%s", r.stdout)
	}
}

func TestInvalidLLMSettingsAreUsageErrors(t *testing.T) {
	t.Parallel()
	r := cli(t, map[string]string{"BRIEFING_LLM_BASE_URL": "ftp://x", "BRIEFING_LLM_MODEL": ""}, "", "sources")
	if r.code != 2 || !strings.Contains(r.stderr, `llm.base_url: "ftp://x" is not an http(s) URL`) {
		t.Errorf("exit %d, stderr %q; want 2 naming llm.base_url", r.code, r.stderr)
	}
}

func TestProgressLine(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	p := &progressLine{w: &b}
	p.clear() // nothing shown yet: nothing to clear
	if b.Len() != 0 {
		t.Fatalf("clear before any progress wrote %q", b.String())
	}
	p.update(progressOf("embed", 3, 10))
	p.update(progressOf("write", 0, 0))
	p.clear()
	want := "\r\033[Kindexing: embed 3/10\r\033[Kindexing: write\r\033[K"
	if b.String() != want {
		t.Errorf("progress = %q, want %q", b.String(), want)
	}
	if isTerminal(&b) {
		t.Error("isTerminal(strings.Builder) = true")
	}
}

func progressOf(stage string, done, total int) briefing.IndexProgress {
	return briefing.IndexProgress{Stage: stage, Done: done, Total: total}
}

// TestLLMAnswerWiring: with llm.base_url set, ask sends the grounded prompt
// with the key from the named variable, and prints the verified, cited
// answer the model wrote; an English question is also rewritten for search.
func TestLLMAnswerWiring(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	srv.OnChat(func(req openaitest.ChatRequest) openaitest.Reply {
		if strings.HasPrefix(req.System(), "You translate search questions") {
			return openaitest.Text("Quando la Corea del Nord ha approvato il trattato?")
		}
		return openaitest.Text("North Korea approved the treaty on 11 November [1]. The moon is made of cheese [7].")
	})
	env := map[string]string{
		"BRIEFING_LLM_BASE_URL":    srv.URL(),
		"BRIEFING_LLM_MODEL":       "test-model",
		"MY_KEY":                   "sk-wiring-secret",
		"BRIEFING_LLM_API_KEY_ENV": "MY_KEY",
		"BRIEFING_INDEX_DIR":       "memory",
		"BRIEFING_LOG_LEVEL":       "debug",
	}
	r := cli(t, env, "", "ask", "When did North Korea approve the treaty?")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	chats := srv.ChatRequests()
	if len(chats) != 2 {
		t.Fatalf("%d chat requests reached the LLM server, want a rewrite and an answer", len(chats))
	}
	for _, req := range srv.Requests() {
		if got := req.Header.Get("Authorization"); got != "Bearer sk-wiring-secret" {
			t.Errorf("Authorization = %q, want the key from MY_KEY", got)
		}
	}
	if !strings.Contains(r.stdout, "11 November [1]") || strings.Contains(r.stdout, "[7]") {
		t.Errorf("answer not the verified generated one:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout+r.stderr, "sk-wiring-secret") {
		t.Error("the API key was printed")
	}
}

// TestApertiumDataDirFromEnvironment: the translator's data directory comes
// from the injected environment's APERTIUM_DATADIR; one without mode files
// turns translation off with a warning naming it.
func TestApertiumDataDirFromEnvironment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := cli(t, map[string]string{"APERTIUM_DATADIR": dir}, "", "search", "trattato")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "question translation off") || !strings.Contains(r.stderr, dir) {
		t.Errorf("with APERTIUM_DATADIR=%s (empty), stderr lacks a warning naming it:\n%s", dir, r.stderr)
	}
	if !strings.Contains(r.stderr, "quote translation off") {
		t.Errorf("with APERTIUM_DATADIR=%s (empty), stderr lacks the quote translation's warning:\n%s", dir, r.stderr)
	}
}

// requireApertium skips t when Apertium's two chains (questions and
// glosses) are not installed, and fails it instead under
// BRIEFING_REQUIRE_APERTIUM, which .ci/run sets.
func requireApertium(t *testing.T) {
	t.Helper()
	for _, pairs := range [][]string{translate.DefaultPairs, translate.GlossPairs} {
		tr, err := translate.NewApertium(translate.Options{Pairs: pairs})
		if err != nil {
			if os.Getenv("BRIEFING_REQUIRE_APERTIUM") != "" {
				t.Fatalf("apertium: %v", err)
			}
			t.Skipf("apertium not installed: %v", err)
		}
		tr.Close() // it only proved the chain is installed
	}
}

// TestAskGlossesItalianQuotes: an English question over the Italian
// articles gets each quote's English machine translation beside it, in
// the text and in JSON; retrieval.quote_translator: none turns it off.
func TestAskGlossesItalianQuotes(t *testing.T) {
	t.Parallel()
	requireApertium(t)
	q := "When did the Russian parliament ratify the mutual defence treaty?"
	r := cli(t, map[string]string{"BRIEFING_INDEX_DIR": "memory"}, "", "ask", q)
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "    machine translation, rough: “The Russian parliament") {
		t.Errorf("ask output lacks the gloss of the 6 November quote:\n%s", r.stdout)
	}
	r = cli(t, map[string]string{"BRIEFING_INDEX_DIR": "memory"}, "", "ask", "--json", q)
	var out struct {
		Citations []struct{ Quote, Gloss string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || len(out.Citations) == 0 {
		t.Fatalf("ask --json: %v, %d citations:\n%s", err, len(out.Citations), r.stdout)
	}
	if c := out.Citations[0]; !strings.Contains(c.Quote, "parlamento russo") || !strings.Contains(c.Gloss, "Russian parliament") {
		t.Errorf("first citation quote %q, gloss %q: want the Italian quote and its English gloss", c.Quote, c.Gloss)
	}
	r = cli(t, map[string]string{"BRIEFING_INDEX_DIR": "memory", "BRIEFING_RETRIEVAL_QUOTE_TRANSLATOR": "none"}, "", "ask", q)
	if r.code != 0 || strings.Contains(r.stdout, "machine translation") {
		t.Errorf("with quote_translator none: exit %d, output has a gloss:\n%s", r.code, r.stdout)
	}
	// search glosses whole passages the same way.
	r = cli(t, map[string]string{"BRIEFING_INDEX_DIR": "memory"}, "", "search", "--json", "--k", "1", q)
	var found struct{ Hits []cliout.HitJSON }
	if err := json.Unmarshal([]byte(r.stdout), &found); err != nil || len(found.Hits) != 1 {
		t.Fatalf("search --json: %v, %d hits:\n%s", err, len(found.Hits), r.stdout)
	}
	if h := found.Hits[0]; !strings.Contains(h.Text, "parlamento russo") || !strings.Contains(h.Gloss, "Russian parliament") {
		t.Errorf("search hit text %q, gloss %q: want the Italian passage and its English gloss", h.Text, h.Gloss)
	}
}

// TestEvalStartsTheTranslatorsFirst: eval starts the question translator
// (and with --gloss the quote translator) before it times anything, even
// when no question needs them: its latencies are of a running engine.
func TestEvalStartsTheTranslatorsFirst(t *testing.T) {
	t.Parallel()
	requireApertium(t)
	file := filepath.Join(t.TempDir(), "q.jsonl")
	q := `{"id": "q1", "lang": "it", "question": "Quando è stato ratificato il trattato?", "evidence": ["6 novembre"], "answer_any": [["6 novembre"]], "answerable": true}`
	if err := os.WriteFile(file, []byte(q+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want int
	}{{[]string{"eval", file}, 1}, {[]string{"eval", "--gloss", file}, 2}} {
		eng := &fakeEngine{answer: briefing.Answer{Lang: "it", Text: "Il 6 novembre."}}
		r := cliWith(t, eng, quiet, "", append([]string{"--log-level", "debug"}, tt.args...)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d, stderr:\n%s", tt.args, r.code, r.stderr)
		}
		if got := strings.Count(r.stderr, "apertium pipeline started"); got != tt.want {
			t.Errorf("%v: %d pipelines started, want %d:\n%s", tt.args, got, tt.want, r.stderr)
		}
	}
}
