package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/cliout"
	"github.com/briefing/briefing/rag"
)

// result is what one in-process run of the CLI produced.
type result struct {
	stdout, stderr string
	code           int
}

// cli runs briefing in-process with env as the whole environment and stdin
// as its input. Unless args set --index-dir, the index goes to a fresh
// temporary directory.
func cli(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	return cliWith(t, nil, env, stdin, args...)
}

// cliWith is cli with the engine replaced by eng when it is not nil.
func cliWith(t *testing.T, eng engine, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	if !hasFlag(args, "--index-dir") {
		args = append([]string{"--index-dir", t.TempDir()}, args...)
	}
	var stdout, stderr bytes.Buffer
	a := &app{
		stdin: strings.NewReader(stdin), stdout: &stdout, stderr: &stderr, getenv: envOf(env),
		now: func() time.Time { return testNow },
		newEngine: func(ctx context.Context, opts rag.Options) (engine, error) {
			if eng != nil {
				return eng, nil
			}
			return rag.New(ctx, opts)
		},
	}
	code := a.run(t.Context(), args)
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// testNow is the CLI's clock in tests.
var testNow = time.Date(2025, 1, 2, 15, 4, 0, 0, time.UTC)

func hasFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == flag || strings.HasPrefix(a, flag+"=") {
			return true
		}
	}
	return false
}

// quiet keeps the engine's info logs out of stderr assertions.
var quiet = map[string]string{"BRIEFING_LOG_LEVEL": "warn"}

// corpusDir writes files (name → content) into a new directory.
func corpusDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const (
	docTreaty = `---
id: treaty
title: Il trattato
lang: it
---
Il parlamento russo ha ratificato il trattato di mutua difesa il 6 novembre. Successivamente, l’11 novembre, anche la Corea del Nord ha approvato il trattato con la Russia.

Il trattato prevede la cooperazione nell’economia, nel commercio, nell’energia nucleare e nello spazio.
`
	docTroops = `---
id: troops
title: Le truppe
lang: it
---
Secondo le stime, circa 4.000 soldati nordcoreani sono stati uccisi o feriti nell’operazione di Kursk.

Pyongyang potrebbe prepararsi a inviare fino a 30.000 truppe aggiuntive.
`
)

func TestAskAnswersWithSources(t *testing.T) {
	t.Parallel()
	dir := corpusDir(t, map[string]string{"treaty.md": docTreaty, "troops.md": docTroops})
	tests := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"words joined", "", []string{"ask", "Quando", "il parlamento russo ha ratificato il trattato?"}},
		{"from stdin", "Quando il parlamento russo ha ratificato il trattato?\n", []string{"ask", "-"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, quiet, tt.stdin, append([]string{"--corpus", dir}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			for _, want := range []string{"6 novembre", "[1]", "\nFonti:\n[1] Il trattato — “", "senza data", "\nAggiornato al "} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
				}
			}
		})
	}
}

func TestAskJSON(t *testing.T) {
	t.Parallel()
	r := cli(t, quiet, "", "ask", "--json", "Quando il parlamento russo ha ratificato il trattato?")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	var got cliout.AnswerJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("stdout is not an answer JSON: %v\n%s", err, r.stdout)
	}
	if got.Refused || len(got.Citations) == 0 || len(got.Hits) == 0 || got.Lang != "it" {
		t.Fatalf("answer = %+v, want an Italian answer with citations and hits", got)
	}
	// The embedded corpus is the default: the quote must be verbatim from it.
	docs, _, err := corpus.Load(t.Context(), corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range got.Citations {
		for _, d := range docs {
			if d.ID == c.DocID && d.Body[c.QuoteStart:c.QuoteEnd] != c.Quote {
				t.Errorf("citation [%d] quote %q is not Body[%d:%d] of %s", c.N, c.Quote, c.QuoteStart, c.QuoteEnd, c.DocID)
			}
		}
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	good := corpusDir(t, map[string]string{"treaty.md": docTreaty})
	broken := corpusDir(t, map[string]string{
		"treaty.md": docTreaty,
		"broken.md": "---\nid: broken\ntitle: [unclosed\n---\nText.\n",
	})
	badUTF8 := corpusDir(t, map[string]string{"latin1.txt": "Titolo\n\nPerch\xe9 no.\n"})
	badConfig := writeFile(t, "bad.yaml", "llm:\n  base_ur: http://x\nretrieval:\n  top_k: many\n")
	badEval := writeFile(t, "bad.jsonl", `{"id": "a"}`+"\n")
	tests := []struct {
		name  string
		env   map[string]string
		stdin string
		args  []string
		code  int
		// want: substrings of stderr.
		want []string
	}{
		{"no question", nil, "", []string{"ask"}, 2, []string{"empty question"}},
		{"blank question", nil, "", []string{"ask", "  "}, 2, []string{"empty question"}},
		{"empty stdin", nil, "", []string{"ask", "-"}, 2, []string{"empty question"}},
		{"punctuation and emoji only", nil, "", []string{"ask", "?!… 🤔🎉 —"}, 2, []string{"empty question", "no letters or digits"}},
		{"mentions only", nil, "", []string{"ask", "@everyone <@123>"}, 2, []string{"empty question", "only mentions"}},
		{"over the stdin cap", nil, strings.Repeat("a", 1<<20+1), []string{"ask", "-"}, 2, []string{"question too long", "more than 1048576 bytes on stdin"}},
		{"10 KB question", nil, "", []string{"ask", strings.Repeat("trattato ", 1200)}, 2, []string{"question too long", "10799 characters, the limit is 2000"}},
		{"over a lowered limit", map[string]string{"BRIEFING_RETRIEVAL_MAX_QUESTION_CHARS": "10"}, "", []string{"ask", "quando è stato firmato"}, 2, []string{"question too long"}},
		{"invalid UTF-8 on stdin", nil, "trattato \xff\xfe firmato", []string{"ask", "-"}, 2, []string{"not valid UTF-8"}},
		{"invalid UTF-8 query", nil, "", []string{"search", "tratt\xe0to"}, 2, []string{"not valid UTF-8"}},
		{"missing corpus dir", nil, "", []string{"--corpus", filepath.Join(good, "nope"), "ask", "trattato"}, 1, []string{"nope does not exist"}},
		{"empty corpus dir", nil, "", []string{"--corpus", t.TempDir(), "ask", "trattato"}, 1, []string{"no documents"}},
		{"document that fails to parse", nil, "", []string{"--corpus", broken, "ask", "trattato"}, 1, []string{"corpus: parse broken.md:"}},
		{"document that is not UTF-8", nil, "", []string{"--corpus", badUTF8, "sources"}, 1, []string{"latin1.txt:3", "invalid UTF-8"}},
		{"corpus dir from the environment", map[string]string{"BRIEFING_CORPUS_DIR": filepath.Join(good, "gone")}, "", []string{"sources"}, 1, []string{"gone does not exist"}},
		{"missing explicit config", nil, "", []string{"--config", filepath.Join(good, "none.yaml"), "sources"}, 2, []string{"none.yaml"}},
		{"missing config named by BRIEFING_CONFIG", map[string]string{"BRIEFING_CONFIG": filepath.Join(good, "none.yaml")}, "", []string{"sources"}, 2, []string{"none.yaml"}},
		{"config problems all at once", nil, "", []string{"--config", badConfig, "sources"}, 2, []string{
			"invalid configuration:", `unknown key "llm.base_ur" (line 2)`, `retrieval.top_k (line 4): want an integer, got "many"`}},
		{"invalid environment value", map[string]string{"BRIEFING_LLM_TIMEOUT": "soon"}, "", []string{"sources"}, 2, []string{"BRIEFING_LLM_TIMEOUT"}},
		{"invalid log level flag", nil, "", []string{"--log-level", "loud", "sources"}, 2, []string{`log.level: "loud"`}},
		{"unknown command", nil, "", []string{"serach", "x"}, 2, []string{`unknown command "serach" (did you mean "search"?)`}},
		{"unknown flag", nil, "", []string{"ask", "--nope", "x"}, 2, []string{"unknown flag: --nope"}},
		{"no command", nil, "", nil, 2, []string{"a command is required"}},
		{"sources takes no arguments", nil, "", []string{"sources", "x"}, 2, []string{"unknown command"}},
		{"negative k", nil, "", []string{"search", "--k", "-1", "trattato"}, 2, []string{"--k -1"}},
		{"unknown summary document", nil, "", []string{"--corpus", good, "summary", "--doc", "nope"}, 2, []string{`unknown document "nope"`, "the documents are: treaty"}},
		{"missing eval file", nil, "", []string{"eval", filepath.Join(good, "none.jsonl")}, 2, []string{"none.jsonl"}},
		{"bad eval file", nil, "", []string{"eval", badEval}, 2, []string{"line 1: missing lang, question, answerable"}},
		{"eval k zero", nil, "", []string{"eval", "--k", "0", badEval}, 2, []string{"--k 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			indexDir := t.TempDir()
			r := cli(t, tt.env, tt.stdin, append([]string{"--index-dir", indexDir}, tt.args...)...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, tt.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if r.stdout != "" && tt.name != "no command" {
				t.Errorf("stdout = %q, want nothing on failure", r.stdout)
			}
			// A failure must leave nothing half-written where the index
			// lives (a bad --doc is found after a complete index).
			if entries, _ := os.ReadDir(indexDir); len(entries) > 0 && !strings.HasPrefix(tt.name, "unknown summary") {
				t.Errorf("index dir has %d entries after a failure, want none", len(entries))
			}
		})
	}
}

func TestIndexIsIncremental(t *testing.T) {
	t.Parallel()
	dir := corpusDir(t, map[string]string{"treaty.md": docTreaty, "troops.md": docTroops})
	indexDir := t.TempDir()
	index := func() cliout.IndexJSON {
		t.Helper()
		r := cli(t, quiet, "", "--corpus", dir, "--index-dir", indexDir, "index", "--json")
		if r.code != 0 {
			t.Fatalf("index: exit %d, stderr:\n%s", r.code, r.stderr)
		}
		var got cliout.IndexJSON
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatalf("index --json: %v\n%s", err, r.stdout)
		}
		got.DurationMS = 0
		return got
	}

	first := index()
	if first.Added != 2 || first.Passages == 0 || first.Embedded != first.Passages || first.IndexDir != indexDir {
		t.Fatalf("first index = %+v, want 2 added, every passage embedded, in %s", first, indexDir)
	}
	unchanged := index()
	want := cliout.IndexJSON{IndexDir: indexDir, Documents: 2, Unchanged: 2, Passages: first.Passages,
		AddedIDs: []string{}, ChangedIDs: []string{}, RemovedIDs: []string{}}
	if diff := cmp.Diff(want, unchanged); diff != "" {
		t.Errorf("re-index of an unchanged corpus (-want +got):\n%s", diff)
	}

	if err := os.WriteFile(filepath.Join(dir, "troops.md"), []byte(docTroops+"\nUn nuovo paragrafo sulle truppe.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "treaty.md")); err != nil {
		t.Fatal(err)
	}
	changed := index()
	if changed.Changed != 1 || changed.Removed != 1 || changed.Added != 0 || changed.Embedded == 0 || changed.Embedded >= changed.Passages+1 {
		t.Errorf("index after an edit and a removal = %+v, want 1 changed, 1 removed, only new passages embedded", changed)
	}
	if !slices.Equal(changed.ChangedIDs, []string{"troops"}) || !slices.Equal(changed.RemovedIDs, []string{"treaty"}) {
		t.Errorf("index after an edit and a removal names changed %v, removed %v; want [troops], [treaty]", changed.ChangedIDs, changed.RemovedIDs)
	}

	r := cli(t, quiet, "", "--corpus", dir, "--index-dir", indexDir, "index")
	for _, w := range []string{"Index " + indexDir, "documents: 1 (0 added, 0 changed, 0 removed, 1 unchanged)", "(0 embedded)"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("index report lacks %q:\n%s", w, r.stdout)
		}
	}
	// --rebuild re-embeds everything, though nothing changed.
	r = cli(t, quiet, "", "--corpus", dir, "--index-dir", indexDir, "index", "--rebuild", "--json")
	var rebuilt cliout.IndexJSON
	if err := json.Unmarshal([]byte(r.stdout), &rebuilt); err != nil || r.code != 0 {
		t.Fatalf("index --rebuild: exit %d, %v\n%s", r.code, err, r.stderr)
	}
	if !rebuilt.Rebuilt || rebuilt.Embedded != rebuilt.Passages || rebuilt.Passages == 0 {
		t.Errorf("index --rebuild = %+v, want every passage embedded", rebuilt)
	}
}

// TestSearchExplain: search --explain shows the concepts, their weights,
// the features that placed each passage and the answer model's verdict,
// for reading and as JSON.
func TestSearchExplain(t *testing.T) {
	t.Parallel()
	dir := corpusDir(t, map[string]string{"treaty.md": docTreaty, "troops.md": docTroops})
	r := cli(t, quiet, "", "--corpus", dir, "search", "--explain", "--k", "2", "Quanti soldati sono stati uccisi a Kursk?")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	for _, w := range []string{"kind=number", `"soldati"`, "weight=", "#1 score=", "troops ¶0", "p=", "bm25", "state=", "P(answerable)=", "P(covered)="} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("search --explain output lacks %q:\n%s", w, r.stdout)
		}
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		_, alts, ok := strings.Cut(line, "alts=")
		if !ok {
			continue
		}
		seen := map[string]bool{}
		for _, a := range strings.Fields(alts) {
			key, _, _ := strings.Cut(a, "(")
			if seen[key] {
				t.Errorf("alternative %q is listed twice: %s", key, line)
			}
			seen[key] = true
		}
	}

	r = cli(t, quiet, "", "--corpus", dir, "search", "--explain", "--json", "--k", "2", "Who is the president of South Korea?")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	var got struct {
		Hits        []cliout.HitJSON `json:"hits"`
		Explanation struct {
			Kind     string `json:"kind"`
			Concepts []struct {
				Text   string  `json:"text"`
				Weight float64 `json:"weight"`
			} `json:"concepts"`
			Passages []struct {
				Rank      int     `json:"rank"`
				PassageID string  `json:"passage_id"`
				Evidence  bool    `json:"evidence"`
				Why       string  `json:"why"`
				Prob      float64 `json:"prob"`
				Features  []struct {
					Feature string  `json:"feature"`
					Effect  float64 `json:"effect"`
				} `json:"features"`
			} `json:"passages"`
			Answered bool   `json:"answered"`
			State    string `json:"state"`
		} `json:"explanation"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("search --explain --json: %v\n%s", err, r.stdout)
	}
	x := got.Explanation
	if x.Kind != "person" || len(x.Concepts) == 0 || x.Concepts[0].Weight <= 0 || x.Answered || x.State == "answer" || x.State == "" {
		t.Errorf("explanation = %+v, want a person question with weighted concepts, not answered", x)
	}
	if len(x.Passages) != len(got.Hits) || len(got.Hits) == 0 {
		t.Fatalf("%d verdicts for %d hits, want one for each of 1–2 hits", len(x.Passages), len(got.Hits))
	}
	for i, p := range x.Passages {
		if p.Evidence || p.Why == "" || len(p.Features) == 0 || p.Features[0].Feature == "" || p.Prob <= 0 || p.Prob > 1 ||
			p.Rank != got.Hits[i].Rank || p.PassageID != got.Hits[i].PassageID {
			t.Errorf("verdict %d = %+v for hit %+v, want its probability and features, not evidence", i, p, got.Hits[i])
		}
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	dir := corpusDir(t, map[string]string{"treaty.md": docTreaty, "troops.md": docTroops})
	r := cli(t, quiet, "", "--corpus", dir, "search", "--json", "--k", "2", "soldati", "uccisi", "Kursk")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	var got struct {
		Query string           `json:"query"`
		Hits  []cliout.HitJSON `json:"hits"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("search --json: %v\n%s", err, r.stdout)
	}
	if got.Query != "soldati uccisi Kursk" || len(got.Hits) == 0 || len(got.Hits) > 2 {
		t.Fatalf("search = %q with %d hits, want the joined query and 1–2 hits", got.Query, len(got.Hits))
	}
	top := got.Hits[0]
	if top.Rank != 1 || top.DocID != "troops" || !strings.Contains(top.Text, "4.000 soldati") {
		t.Errorf("top hit = %+v, want rank 1 from troops about 4.000 soldati", top)
	}

	r = cli(t, quiet, "", "--corpus", dir, "search", "--k", "1", "soldati uccisi Kursk")
	for _, w := range []string{"1. relevance ", "troops ¶0 [0:", "Le truppe", "4.000 soldati"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("search output lacks %q:\n%s", w, r.stdout)
		}
	}
}

func TestSources(t *testing.T) {
	t.Parallel()
	dir := corpusDir(t, map[string]string{"treaty.md": docTreaty, "troops.md": docTroops, "notes.csv": "x"})
	r := cli(t, nil, "", "--corpus", dir, "sources", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	var got []cliout.DocumentJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("sources --json: %v\n%s", err, r.stdout)
	}
	if len(got) != 2 || got[0].ID != "treaty" || got[0].Title != "Il trattato" || got[0].Passages == 0 || got[1].ID != "troops" {
		t.Errorf("sources = %+v, want treaty and troops with passages", got)
	}
	if !strings.Contains(r.stderr, "notes.csv") {
		t.Errorf("the skipped notes.csv is not reported on stderr:\n%s", r.stderr)
	}

	r = cli(t, quiet, "", "--corpus", dir, "sources")
	for _, w := range []string{"ID", "PASSAGES", "treaty", "Il trattato", "troops"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("sources output lacks %q:\n%s", w, r.stdout)
		}
	}
}

func TestEvalCommand(t *testing.T) {
	t.Parallel()
	r := cli(t, quiet, "", "eval", "--json", "../../internal/eval/testdata/dev.jsonl")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	var got struct {
		Questions int      `json:"questions"`
		K         int      `json:"k"`
		Warnings  []string `json:"warnings"`
		Results   []struct {
			ID string `json:"id"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("eval --json: %v\n%s", err, r.stdout)
	}
	// Every piece of evidence of the dev questions must be found in the
	// embedded corpus, or relevance is judged on the wrong text.
	if got.Questions != 20 || got.K != 3 || len(got.Results) != 20 || len(got.Warnings) > 0 {
		t.Errorf("eval = %d questions, k %d, %d results, warnings %q; want 20, 3, 20, none", got.Questions, got.K, len(got.Results), got.Warnings)
	}

	r = cli(t, quiet, "", "eval", "--k", "5", "-", "../../internal/eval/testdata/dev.jsonl")
	if r.code != 2 {
		t.Errorf("eval with two files: exit %d, want 2", r.code)
	}
	dev, err := os.ReadFile("../../internal/eval/testdata/dev.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	r = cli(t, quiet, string(dev), "eval", "--k", "5", "-")
	for _, w := range []string{"20 questions (17 answerable, 3 unanswerable), k=5", "recall@5", "answer_ok", "answered", "precision", "latency"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("eval output lacks %q:\n%s", w, r.stdout)
		}
	}
}

func TestConfigCommandHidesSecretsAndAppliesFlags(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"OPENAI_API_KEY":      "sk-very-secret",
		"BRIEFING_LOG_LEVEL":  "warn",
		"BRIEFING_CORPUS_DIR": "/from/env",
	}
	r := cli(t, env, "", "--log-level", "debug", "--index-dir", "memory", "config")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	for _, w := range []string{"level: debug", "dir: /from/env", "dir: memory", "timeout: 30s", "OPENAI_API_KEY: set", "BRIEFING_DISCORD_TOKEN: not set"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("config output lacks %q:\n%s", w, r.stdout)
		}
	}
	if strings.Contains(r.stdout+r.stderr, "sk-very-secret") {
		t.Errorf("config output reveals the API key:\n%s", r.stdout)
	}

	r = cli(t, nil, "", "config", "--keys")
	if !strings.Contains(r.stdout, "llm.base_url") || !strings.Contains(r.stdout, "BRIEFING_LLM_BASE_URL") {
		t.Errorf("config --keys lacks llm.base_url and its variable:\n%s", r.stdout)
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	r := cli(t, nil, "", "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "ask") || !strings.Contains(r.stdout, "eval") {
		t.Errorf("--help: exit %d, stdout:\n%s", r.code, r.stdout)
	}
}

// fakeEngine is an engine with scripted answers.
type fakeEngine struct {
	answer    briefing.Answer
	err       error
	gotReq    briefing.Request
	gotSearch briefing.SearchRequest
	indexErr  error
	documents []briefing.DocumentInfo
}

func (f *fakeEngine) Index(ctx context.Context, docs []corpus.Document, progress func(briefing.IndexProgress)) (briefing.IndexReport, error) {
	return briefing.IndexReport{}, f.indexErr
}

func (f *fakeEngine) Rebuild(ctx context.Context, docs []corpus.Document, progress func(briefing.IndexProgress)) (briefing.IndexReport, error) {
	return f.Index(ctx, docs, progress)
}

func (f *fakeEngine) Find(ctx context.Context, req briefing.SearchRequest) ([]briefing.Hit, error) {
	f.gotSearch = req
	return f.Search(ctx, req.Query, req.K)
}

func (f *fakeEngine) Search(ctx context.Context, q string, k int) ([]briefing.Hit, error) {
	return f.answer.Hits, f.err
}

func (f *fakeEngine) Explain(ctx context.Context, q string, k int) (rag.Explanation, error) {
	return rag.Explanation{}, f.err
}

func (f *fakeEngine) Answer(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
	f.gotReq = req
	return f.answer, f.err
}

func (f *fakeEngine) Summarize(ctx context.Context, req briefing.SummaryRequest) (briefing.Answer, error) {
	return f.answer, f.err
}

func (f *fakeEngine) Documents() []briefing.DocumentInfo { return f.documents }

func TestAskRendering(t *testing.T) {
	t.Parallel()
	p := corpus.Passage{ID: "p1", DocID: "d", Title: "Il trattato", Text: "Il parlamento ha ratificato il trattato il 6 novembre."}
	dated := p
	dated.Source, dated.Date, dated.URL = "ANSA", "2024-11-07", "https://ansa.example/t"
	dated.Published = time.Date(2024, 11, 7, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		answer briefing.Answer
		err    error
		want   string
		code   int
	}{
		{
			name: "cited answer",
			answer: briefing.Answer{Text: "Il 6 novembre [1].", Citations: []briefing.Citation{
				{N: 1, Passage: p, Quote: "Il parlamento ha ratificato\nil trattato il 6 novembre."}}},
			want: "Il 6 novembre [1].\n\nSources:\n[1] Il trattato — “Il parlamento ha ratificato il trattato il 6 novembre.”\n    undated\n\nAs of 2025-01-02T15:04:00Z (when the index was built; the sources are undated).\n",
		},
		{
			name: "dated sources",
			answer: briefing.Answer{Text: "Il 6 novembre [1][2].", Citations: []briefing.Citation{
				{N: 1, Passage: dated, Quote: "Il parlamento ha ratificato il trattato il 6 novembre."},
				{N: 2, Passage: p, Quote: "Il parlamento ha ratificato il trattato il 6 novembre."}}},
			want: "Il 6 novembre [1][2].\n\nSources:\n[1] Il trattato — “Il parlamento ha ratificato il trattato il 6 novembre.”\n    ANSA · 2024-11-07 · https://ansa.example/t\n" +
				"[2] Il trattato — “Il parlamento ha ratificato il trattato il 6 novembre.”\n    undated\n\nAs of 2024-11-07 (the newest cited document).\n",
		},
		{
			name:   "refusal",
			answer: briefing.Answer{Text: "The corpus does not cover this.", Refused: true},
			want:   "The corpus does not cover this.\n\nAs of 2025-01-02T15:04:00Z (when the index was built).\n",
		},
		{
			name: "Italian answer",
			answer: briefing.Answer{Text: "Il 6 novembre [1].", Lang: "it", Citations: []briefing.Citation{
				{N: 1, Passage: p, Quote: "Il parlamento ha ratificato il trattato il 6 novembre."}}},
			want: "Il 6 novembre [1].\n\nFonti:\n[1] Il trattato — “Il parlamento ha ratificato il trattato il 6 novembre.”\n    senza data\n\nAggiornato al 2025-01-02T15:04:00Z (quando è stato costruito l'indice; le fonti sono senza data).\n",
		},
		{
			name:   "Italian refusal",
			answer: briefing.Answer{Text: "Il corpus non tratta questo argomento.", Lang: "it", Refused: true},
			want:   "Il corpus non tratta questo argomento.\n\nAggiornato al 2025-01-02T15:04:00Z (quando è stato costruito l'indice).\n",
		},
		{
			name: "LLM answer",
			answer: briefing.Answer{Text: "On 6 November [1].", Generated: true, Citations: []briefing.Citation{
				{N: 1, Passage: p, Quote: "il 6 novembre."}}},
			want: "On 6 November [1].\n\nSources:\n[1] Il trattato — “il 6 novembre.”\n    undated\n\nAs of 2025-01-02T15:04:00Z (when the index was built; the sources are undated).\n\n(Written by the LLM from the passages above; citations verified.)\n",
		},
		{
			name:   "fallback",
			answer: briefing.Answer{Text: "On 6 November.", Lang: "en", Fallback: true, FallbackReason: "llm: timeout"},
			want:   "On 6 November.\n\nAs of 2025-01-02T15:04:00Z (when the index was built).\n\n(The LLM failed, so this is the extractive answer; the cause is in the log on stderr.)\n",
		},
		{
			name:   "Italian fallback",
			answer: briefing.Answer{Text: "Il 6 novembre.", Lang: "it", Fallback: true, FallbackReason: "llm: timeout"},
			want:   "Il 6 novembre.\n\nAggiornato al 2025-01-02T15:04:00Z (quando è stato costruito l'indice).\n\n(Il modello linguistico non ha risposto, quindi questa è la risposta estrattiva; la causa è nel log su stderr.)\n",
		},
		{
			name: "engine error",
			err:  briefing.ErrNoIndex,
			code: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			eng := &fakeEngine{answer: tt.answer, err: tt.err}
			r := cliWith(t, eng, quiet, "", "ask", "quando", "è", "stato", "ratificato?")
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, tt.code, r.stderr)
			}
			if diff := cmp.Diff(tt.want, r.stdout); diff != "" {
				t.Errorf("ask output (-want +got):\n%s", diff)
			}
			if eng.gotReq.Question != "quando è stato ratificato?" {
				t.Errorf("engine asked %q, want the joined words", eng.gotReq.Question)
			}
			if tt.err == nil && !eng.gotReq.Gloss {
				t.Errorf("ask did not ask for quote glosses (Request.Gloss)")
			}
		})
	}
}

// TestEvalGlossFlag: eval scores the engine's own answers, and with
// --gloss asks for glosses as ask does, so that their time is measured.
func TestEvalGlossFlag(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "q.jsonl")
	q := `{"id": "q1", "lang": "en", "question": "When was the treaty ratified?", "evidence": ["6 novembre"], "answer_any": [["6 novembre"]], "answerable": true}`
	if err := os.WriteFile(file, []byte(q+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, gloss := range []bool{false, true} {
		eng := &fakeEngine{answer: briefing.Answer{Lang: "en", Text: "On 6 November."}}
		args := []string{"eval", file}
		if gloss {
			args = []string{"eval", "--gloss", file}
		}
		r := cliWith(t, eng, quiet, "", args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d, stderr:\n%s", args, r.code, r.stderr)
		}
		if eng.gotReq.Question != "When was the treaty ratified?" || eng.gotReq.Gloss != gloss {
			t.Errorf("%v: engine request %+v, want the question with Gloss %v", args, eng.gotReq, gloss)
		}
	}
}

func TestIndexFailureIsReported(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{indexErr: os.ErrPermission}
	r := cliWith(t, eng, quiet, "", "index")
	if r.code != 1 || !strings.Contains(r.stderr, "index corpus: permission denied") {
		t.Errorf("index with a failing engine: exit %d, stderr %q; want 1 and the cause", r.code, r.stderr)
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	dir := corpusDir(t, map[string]string{"treaty.md": docTreaty, "troops.md": docTroops})
	tests := []struct {
		name string
		args []string
		// docs the citations must come from.
		docs []string
		lang string
	}{
		{"whole corpus", nil, []string{"treaty", "troops"}, "it"},
		{"one document", []string{"--doc", "troops"}, []string{"troops"}, "it"},
		{"a topic", []string{"soldati", "uccisi"}, []string{"treaty", "troops"}, "it"},
		{"in English", []string{"--lang", "en", "--doc", "troops"}, []string{"troops"}, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, quiet, "", append([]string{"--corpus", dir, "summary", "--json"}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			var got cliout.AnswerJSON
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("summary --json: %v\n%s", err, r.stdout)
			}
			if got.Text == "" || len(got.Citations) == 0 {
				t.Fatalf("summary = %+v, want text with citations", got)
			}
			if got.Lang != tt.lang {
				t.Errorf("summary language %q, want %q", got.Lang, tt.lang)
			}
			for _, c := range got.Citations {
				if !slices.Contains(tt.docs, c.DocID) {
					t.Errorf("citation [%d] from %s, want one of %v", c.N, c.DocID, tt.docs)
				}
			}
		})
	}
	if r := cli(t, quiet, "", "--corpus", dir, "summary", "--lang", "fr"); r.code != 2 || !strings.Contains(r.stderr, `--lang "fr": want en or it`) {
		t.Errorf("summary --lang fr: exit %d, stderr %q; want a usage error", r.code, r.stderr)
	}
}
