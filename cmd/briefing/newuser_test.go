package main

// Tests of what a new user trying briefing from a fresh clone tripped over
// (issue 7, point 10): each fails if the trip comes back.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/briefing/briefing/internal/openaitest"
	"github.com/briefing/briefing/internal/relevance"
	"github.com/briefing/briefing/rag"
)

// TestEveryCommandButServeTakesJSON holds the README's promise.
func TestEveryCommandButServeTakesJSON(t *testing.T) {
	t.Parallel()
	root := newRootCmd(&app{})
	for _, c := range root.Commands() {
		if c.Name() == "serve" {
			continue
		}
		if c.Flags().Lookup("json") == nil {
			t.Errorf("%s has no --json flag", c.Name())
		}
	}
}

func TestConfigJSON(t *testing.T) {
	t.Parallel()
	env := map[string]string{"OPENAI_API_KEY": "sk-very-secret", "BRIEFING_LLM_TIMEOUT": "45s"}
	r := cli(t, env, "", "--index-dir", "memory", "config", "--json")
	if r.code != 0 {
		t.Fatalf("config --json: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	var got configJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("config --json is not JSON: %v\n%s", err, r.stdout)
	}
	section := func(name string) map[string]any {
		m, _ := got.Config[name].(map[string]any)
		return m
	}
	if v := section("llm")["timeout"]; v != "45s" {
		t.Errorf("llm.timeout = %v, want \"45s\"", v)
	}
	if v := section("index")["dir"]; v != "memory" {
		t.Errorf("index.dir = %v, want memory", v)
	}
	if v := section("retrieval")["min_score"]; v != rag.DefaultMinScore {
		t.Errorf("retrieval.min_score = %v, want the effective %v", v, rag.DefaultMinScore)
	}
	if m, err := relevance.Default(); err != nil || section("retrieval")["answer_threshold"] != m.Thresholds.Answer {
		t.Errorf("retrieval.answer_threshold = %v, want the answer model's (%v)", section("retrieval")["answer_threshold"], err)
	}
	if !got.Secrets["OPENAI_API_KEY"] || got.Secrets["BRIEFING_DISCORD_TOKEN"] {
		t.Errorf("secrets = %v, want OPENAI_API_KEY set and BRIEFING_DISCORD_TOKEN not", got.Secrets)
	}
	if strings.Contains(r.stdout, "sk-very-secret") {
		t.Error("config --json reveals the API key")
	}

	r = cli(t, nil, "", "config", "--keys", "--json")
	var keys []configKeyJSON
	if err := json.Unmarshal([]byte(r.stdout), &keys); err != nil || r.code != 0 {
		t.Fatalf("config --keys --json: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	if len(keys) != len(configKeys()) || !containsKey(keys, configKeyJSON{Key: "llm.base_url", Env: "BRIEFING_LLM_BASE_URL"}) {
		t.Errorf("config --keys --json = %v, want every key with its variable", keys)
	}
}

func containsKey(keys []configKeyJSON, want configKeyJSON) bool {
	for _, k := range keys {
		if k == want {
			return true
		}
	}
	return false
}

// TestConfigPrintsEffectiveValues: config shows what runs, not the zeros
// that stand for defaults.
func TestConfigPrintsEffectiveValues(t *testing.T) {
	t.Parallel()
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skipf("no user cache dir here: %v", err)
	}
	tests := []struct {
		name               string
		env                map[string]string
		args               []string
		minScore, indexDir string
	}{
		{"defaults", nil, []string{"--index-dir="}, "0.5", filepath.Join(cache, "briefing", "index")},
		{"set values", map[string]string{"BRIEFING_RETRIEVAL_MIN_SCORE": "0.35"}, []string{"--index-dir", "/srv/index"}, "0.35", "/srv/index"},
		{"in memory", nil, []string{"--index-dir", "memory"}, "0.5", "memory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, tt.env, "", append(tt.args, "config")...)
			if r.code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			if got := yamlValue(r.stdout, "retrieval", "min_score"); got != tt.minScore {
				t.Errorf("retrieval.min_score: %s, want %s:\n%s", got, tt.minScore, r.stdout)
			}
			if got := yamlValue(r.stdout, "index", "dir"); got != tt.indexDir {
				t.Errorf("index.dir: %s, want %s:\n%s", got, tt.indexDir, r.stdout)
			}
		})
	}
}

// yamlValue returns the value of key in section of config's YAML output
// (sections at the margin, keys indented under them), or "".
func yamlValue(out, section, key string) string {
	in := false
	for _, line := range strings.Split(out, "\n") {
		if line != "" && line[0] != ' ' {
			in = line == section+":"
			continue
		}
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ": "); in && ok && k == key {
			return v
		}
	}
	return ""
}

// TestIndexReportSaysWhyItRebuilt: --rebuild on an unchanged corpus is not
// reported as a change of settings, and a change of settings still is.
func TestIndexReportSaysWhyItRebuilt(t *testing.T) {
	t.Parallel()
	dir := corpusDir(t, map[string]string{"treaty.md": docTreaty})
	indexDir := t.TempDir()
	index := func(env map[string]string, args ...string) string {
		t.Helper()
		r := cli(t, env, "", append([]string{"--corpus", dir, "--index-dir", indexDir, "index"}, args...)...)
		if r.code != 0 {
			t.Fatalf("index %v: exit %d, stderr:\n%s", args, r.code, r.stderr)
		}
		return r.stdout
	}
	index(quiet)
	if out := index(quiet, "--rebuild"); !strings.Contains(out, "(--rebuild: every passage re-embedded)") || strings.Contains(out, "settings changed") {
		t.Errorf("index --rebuild of an unchanged corpus reports:\n%s", out)
	}
	if out := index(quiet); strings.Contains(out, "rebuild") || strings.Contains(out, "settings changed") {
		t.Errorf("incremental index after a rebuild reports a rebuild:\n%s", out)
	}
	changed := map[string]string{"BRIEFING_LOG_LEVEL": "warn", "BRIEFING_INDEX_CHUNK_CHARS": "400"}
	if out := index(changed); !strings.Contains(out, "(settings changed: full rebuild)") {
		t.Errorf("index after a chunking change reports:\n%s", out)
	}
}

// TestIndexClearsProgressBeforeReport: on a terminal stdout and stderr
// share the screen, so the progress line must be gone before the report.
func TestIndexClearsProgressBeforeReport(t *testing.T) {
	t.Parallel()
	dir := corpusDir(t, map[string]string{"treaty.md": docTreaty})
	var screen bytes.Buffer
	a := &app{
		stdin: strings.NewReader(""), stdout: &screen, stderr: &screen, getenv: envOf(quiet),
		newEngine: func(ctx context.Context, opts rag.Options) (engine, error) { return rag.New(ctx, opts) },
		terminal:  func(io.Writer) bool { return true },
	}
	if code := a.run(t.Context(), []string{"--corpus", dir, "--index-dir", t.TempDir(), "index"}); code != 0 {
		t.Fatalf("index: exit %d:\n%q", code, screen.String())
	}
	out := screen.String()
	progress, report, ok := strings.Cut(out, "Index ")
	if !ok || !strings.Contains(progress, "indexing: ") {
		t.Fatalf("screen = %q, want progress lines, then the report", out)
	}
	if !strings.HasSuffix(progress, "\r\033[K") {
		t.Errorf("progress line not cleared before the report: %q", out)
	}
	if strings.Contains(report, "indexing:") {
		t.Errorf("progress after the report: %q", out)
	}
}

// TestLLMFailureNoticeInQuestionLanguage: when the LLM fails, stdout ends
// with a notice in the question's language, and the raw cause goes to
// stderr only.
func TestLLMFailureNoticeInQuestionLanguage(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	srv.OnChat(func(openaitest.ChatRequest) openaitest.Reply {
		return openaitest.Status(400, "model exploded")
	})
	dir := corpusDir(t, map[string]string{"treaty.md": docTreaty, "troops.md": docTroops})
	env := map[string]string{
		"BRIEFING_LLM_BASE_URL":        srv.URL(),
		"BRIEFING_LLM_MAX_RETRIES":     "0",
		"BRIEFING_LLM_REWRITE_QUERIES": "false",
		"BRIEFING_LOG_LEVEL":           "warn",
	}
	r := cli(t, env, "", "--corpus", dir, "ask", "Quando il parlamento russo ha ratificato il trattato?")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if len(srv.ChatRequests()) == 0 {
		t.Fatal("the LLM was never asked")
	}
	if !strings.Contains(r.stdout, "6 novembre") || !strings.HasSuffix(r.stdout, "(Il modello linguistico non ha risposto, quindi questa è la risposta estrattiva; la causa è nel log su stderr.)\n") {
		t.Errorf("stdout does not end with the Italian fallback notice:\n%s", r.stdout)
	}
	for _, leak := range []string{"model exploded", "llm:", "400", "LLM failed"} {
		if strings.Contains(r.stdout, leak) {
			t.Errorf("stdout carries %q:\n%s", leak, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "model exploded") {
		t.Errorf("stderr lacks the cause:\n%s", r.stderr)
	}
}

// repoPath matches the repository paths a document names: relative, with
// at least one directory, ending in a file extension we ship.
var repoPath = regexp.MustCompile("(?:^|[\\s`(\"])((?:\\.\\.?/)?[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+\\.(?:jsonl|yaml|md|go|txt|golden))\\b")

// TestDocsNameFilesOfTheRepository: the README and eval --help name only
// files a clone of the repository has, and do not promise that go run ./…
// works outside the repository root.
func TestDocsNameFilesOfTheRepository(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	help := cli(t, nil, "", "eval", "--help")
	if help.code != 0 {
		t.Fatalf("eval --help: exit %d\n%s", help.code, help.stderr)
	}
	for _, doc := range []struct{ name, text string }{{"README.md", string(readme)}, {"eval --help", help.stdout}} {
		found := 0
		for _, m := range repoPath.FindAllStringSubmatch(doc.text, -1) {
			p := m[1]
			found++
			if strings.HasPrefix(p, "../") {
				t.Errorf("%s names %s, outside the repository", doc.name, p)
				continue
			}
			if _, err := os.Stat(filepath.Join("../..", p)); err != nil {
				t.Errorf("%s names %s, which the repository does not have", doc.name, p)
			}
		}
		if found == 0 {
			t.Errorf("%s names no file of the repository; the check checks nothing", doc.name)
		}
	}
	if strings.Contains(string(readme), "any directory of the checkout") {
		t.Error("README says go run ./cmd/briefing works from any directory of the checkout; it works from the repository root")
	}
}
