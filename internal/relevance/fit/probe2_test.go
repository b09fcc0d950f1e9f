package fit

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/eval"
)

func TestProbeChunk(t *testing.T) {
	mc, _ := strconv.Atoi(os.Getenv("PROBE_CHUNK"))
	ss, _ := strconv.ParseFloat(os.Getenv("PROBE_SS"), 64)
	if mc == 0 {
		t.Skip()
	}
	ctx := context.Background()
	dir := "../../../../shared/eval/squadit"
	docs, _, err := corpus.LoadDir(ctx, filepath.Join(dir, "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(filepath.Join(dir, "it.jsonl"))
	qs, _ := eval.Load(f)
	_, rep, err := Train(ctx, []Set{{Name: "s", Docs: docs, Questions: qs, LeaveOut: true}}, Options{Chunk: corpus.ChunkOptions{MaxChars: mc}, SecondSentence: ss})
	if err != nil {
		t.Fatal(err)
	}
	rep.Print(os.Stdout)
}
