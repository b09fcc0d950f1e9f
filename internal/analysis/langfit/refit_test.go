package langfit_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/briefing/briefing/internal/analysis/langfit"
)

// TestRefitReproducesCommittedModel fits the spelling model again from the
// installed word lists and checks it writes langmodel.txt byte for byte:
// the weights and the figures in its header come from the code and the
// Debian packages it names, and no one edited them by hand. Without the
// packages it skips, unless BRIEFING_REQUIRE_WORDLISTS=1 (set by .ci/run,
// which installs them).
func TestRefitReproducesCommittedModel(t *testing.T) {
	t.Parallel()
	versions, err := langfit.Versions(langfit.Sources)
	if err == nil {
		for _, s := range langfit.Sources {
			if _, err = os.Stat(s.Path); err != nil {
				break
			}
		}
	}
	if err != nil {
		if os.Getenv("BRIEFING_REQUIRE_WORDLISTS") == "1" {
			t.Fatalf("word lists required (BRIEFING_REQUIRE_WORDLISTS=1) but missing: %v", err)
		}
		t.Skipf("word lists not installed (apt-get install witalian wamerican): %v", err)
	}
	got, _, err := langfit.Fit(langfit.Sources, versions)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../langmodel.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("refit differs from internal/analysis/langmodel.txt (other package versions, or code changed without %q)", langfit.Command)
		t.Logf("refit header:\n%s", header(got))
		out := filepath.Join(os.TempDir(), "briefing-refit-langmodel.txt")
		if err := os.WriteFile(out, got, 0o644); err == nil {
			t.Logf("the refit model is in %s", out)
		}
	}
}

// header returns the comment lines that open a model file.
func header(data []byte) []byte {
	var out []byte
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		if !bytes.HasPrefix(line, []byte("#")) {
			break
		}
		out = append(out, line...)
	}
	return out
}

func TestFitErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	words := filepath.Join(dir, "words")
	if err := os.WriteFile(words, []byte("casa\nhouse\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		srcs     []langfit.Source
		versions []string
	}{
		{"missing file", []langfit.Source{{Lang: "it", Path: filepath.Join(dir, "none")}, {Lang: "en", Path: words}}, []string{"1", "1"}},
		{"unknown language", []langfit.Source{{Lang: "fr", Path: words}}, []string{"1"}},
		{"one language only", []langfit.Source{{Lang: "it", Path: words}}, []string{"1"}},
		{"versions do not match sources", []langfit.Source{{Lang: "it", Path: words}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, _, err := langfit.Fit(tt.srcs, tt.versions); err == nil {
				t.Errorf("Fit(%v) = nil error, want one", tt.srcs)
			}
		})
	}
}
