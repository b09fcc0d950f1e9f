//go:build !race

// The refit takes about a minute and a half; under the race detector it
// would take the better part of CI's budget, so .ci/run runs it on its own,
// without -race.

package fit_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/briefing/briefing/internal/relevance"
	"github.com/briefing/briefing/internal/relevance/fit"
	"github.com/briefing/briefing/internal/translate"
)

// TestRefitReproducesCommittedWeights runs the committed model's command
// (fit.Command) and checks it writes weights.json byte for byte: the
// weights, the thresholds and the cross-validated report come from the
// code and data in the repository, and no one edited them by hand.
func TestRefitReproducesCommittedWeights(t *testing.T) {
	root := "../../.."
	squad := filepath.Join(root, "../shared/eval/squadit")
	if _, err := os.Stat(squad); err != nil {
		t.Skipf("the SQuAD-it development split is not beside the repository (%v)", err)
	}
	tr, err := translate.NewApertium(translate.Options{})
	if err != nil {
		t.Skipf("apertium is not installed (%v): the committed model was fitted with translations", err)
	}
	defer tr.Close()
	var seeds []string
	for _, f := range fit.SeedFiles {
		seeds = append(seeds, filepath.Join(root, f))
	}
	ctx := context.Background()
	sets, err := fit.LoadSets(ctx, squad, seeds)
	if err != nil {
		t.Fatal(err)
	}
	m, rep, err := fit.Train(ctx, sets, fit.Options{Translate: tr.TranslateBatch, From: "en", To: "it"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := fit.Encode(m, rep, sets)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../weights.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		committed, err := relevance.Parse(want)
		if err != nil {
			t.Fatalf("committed weights.json: %v", err)
		}
		t.Errorf("refit differs from weights.json: run %q\n%s", fit.Command, diffModels(committed, m))
		out := filepath.Join(os.TempDir(), "briefing-refit-weights.json")
		if err := os.WriteFile(out, got, 0o644); err == nil {
			t.Logf("the refit model is in %s", out)
		}
	}
}

func diffModels(a, b *relevance.Model) string {
	var out bytes.Buffer
	for _, p := range []struct {
		name string
		a, b relevance.Logistic
	}{{"passage", a.Passage, b.Passage}, {"answerable", a.Answerable, b.Answerable}, {"sentence", a.Sentence, b.Sentence}} {
		for i := range p.a.Weights {
			if i < len(p.b.Weights) && p.a.Weights[i] != p.b.Weights[i] {
				fmt.Fprintf(&out, "%s %s: committed %v, refit %v\n", p.name, p.a.Features[i], p.a.Weights[i], p.b.Weights[i])
			}
		}
	}
	if a.Thresholds != b.Thresholds {
		fmt.Fprintf(&out, "thresholds: committed %+v, refit %+v\n", a.Thresholds, b.Thresholds)
	}
	if out.Len() == 0 {
		out.WriteString("(weights equal: the provenance differs)\n")
	}
	return out.String()
}
