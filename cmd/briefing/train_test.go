package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/briefing/briefing/internal/openaitest"
	"github.com/briefing/briefing/internal/relevance"
)

// A model fitted under a configured embedder records it, and the engine runs
// it through retrieval.answer_model without the warning it gives for the
// committed model, which was fitted on the hashed embedder.
func TestTrainFitsForTheConfiguredEmbedder(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	env := map[string]string{
		"BRIEFING_EMBEDDER_PROVIDER":    "openai",
		"BRIEFING_EMBEDDER_MODEL":       "test-embed",
		"BRIEFING_EMBEDDER_BASE_URL":    srv.URL(),
		"BRIEFING_RETRIEVAL_TRANSLATOR": "none",
		"BRIEFING_LOG_LEVEL":            "warn",
	}
	out := filepath.Join(t.TempDir(), "model.json")
	fitted := map[string]string{"BRIEFING_RETRIEVAL_ANSWER_MODEL": out}
	for k, v := range env {
		fitted[k] = v
	}
	// Configured to run the file it is about to write, as a first fit is.
	r := cli(t, fitted, "", "train", "--seed", "../../internal/relevance/fit/testdata/seed_fit.jsonl", "--out", out)
	if r.code != 0 {
		t.Fatalf("train: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m, err := relevance.Parse(data)
	if err != nil {
		t.Fatalf("written model does not parse: %v", err)
	}
	if m.Embedder != "openai:test-embed" {
		t.Errorf("model records embedder %q, want openai:test-embed", m.Embedder)
	}
	if len(srv.EmbeddingsRequests()) == 0 {
		t.Error("train never asked the configured embedder")
	}

	dir := corpusDir(t, map[string]string{"treaty.md": docTreaty, "troops.md": docTroops})
	const q = "Quando il parlamento russo ha ratificato il trattato?"
	const warning = "fitted on another embedder"
	r = cli(t, env, "", "--corpus", dir, "ask", q)
	if r.code != 0 || !strings.Contains(r.stderr, warning) {
		t.Errorf("committed model under the openai embedder: exit %d, want 0 and the warning; stderr:\n%s", r.code, r.stderr)
	}
	r = cli(t, fitted, "", "--corpus", dir, "ask", q)
	if r.code != 0 || strings.Contains(r.stderr, warning) || !strings.Contains(r.stdout, "[1]") {
		t.Errorf("fitted model: exit %d, want 0, a cited answer and no warning; stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestBadAnswerModelIsReported(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.json")
	other := filepath.Join(dir, "other.json")
	if err := os.WriteFile(broken, []byte(`{"passage": `), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, []byte(`{"passage": {"features": ["bias", "made_up"], "weights": [0, 1]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{"missing": filepath.Join(dir, "none.json"), "broken": broken, "other features": other} {
		r := cli(t, map[string]string{"BRIEFING_RETRIEVAL_ANSWER_MODEL": path}, "", "ask", "Quando il parlamento russo ha ratificato il trattato?")
		if r.code == 0 || !strings.Contains(r.stderr, "retrieval.answer_model") || r.stdout != "" {
			t.Errorf("%s model file: exit %d, stdout %q, stderr %q; want a failure naming retrieval.answer_model and no answer", name, r.code, r.stdout, r.stderr)
		}
	}
}
