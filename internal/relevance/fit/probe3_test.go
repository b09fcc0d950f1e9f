package fit

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/eval"
)

func shellTranslate(ctx context.Context, texts []string) ([]string, error) {
	in := strings.Join(texts, "\n") + "\n"
	cmd := exec.CommandContext(ctx, "bash", "-c", "apertium -u eng-spa | apertium -u spa-ita")
	cmd.Stdin = strings.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	for i := range lines {
		lines[i] = strings.NewReplacer("*", "", "#", "", "@", "").Replace(lines[i])
	}
	return lines, nil
}

func TestProbeEN(t *testing.T) {
	if os.Getenv("PROBE_EN") == "" {
		t.Skip()
	}
	ctx := context.Background()
	dir := "../../../../shared/eval/squadit"
	docs, _, _ := corpus.LoadDir(ctx, filepath.Join(dir, "corpus"))
	var qs []eval.Question
	for _, n := range []string{"it.jsonl", "en.jsonl"} {
		f, _ := os.Open(filepath.Join(dir, n))
		q, _ := eval.Load(f)
		qs = append(qs, q...)
	}
	opts := Options{Logf: t.Logf}
	if os.Getenv("PROBE_EN") == "tr" {
		opts.Translate, opts.From, opts.To = shellTranslate, "en", "it"
	}
	_, rep, err := Train(ctx, []Set{{Name: "s", Docs: docs, Questions: qs, LeaveOut: true}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	rep.Print(os.Stdout)
}
