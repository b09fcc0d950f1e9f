package fit

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/internal/eval"
	"github.com/briefing/briefing/internal/relevance"
)

func TestProbe(t *testing.T) {
	if os.Getenv("PROBE") == "" {
		t.Skip()
	}
	ctx := context.Background()
	dir := "../../../../shared/eval/squadit"
	docs, _, err := corpus.LoadDir(ctx, filepath.Join(dir, "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	qf := "it.jsonl"
	var tr func(context.Context, []string) ([]string, error)
	if os.Getenv("PROBE") == "en" {
		qf, tr = "en.jsonl", shellTranslate
	}
	f, _ := os.Open(filepath.Join(dir, qf))
	qs, _ := eval.Load(f)
	g, _ := analysis.DefaultGlossary()
	items, judges, err := prepare(ctx, []Set{{Name: "s", Docs: docs, Questions: qs}}, Options{Folds: 4, Analyzer: analysis.New(g), Translate: tr, From: "en", To: "it"}, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	_ = judges
	for fi, name := range relevance.PassageFeatures {
		hit, n := 0, 0
		for _, it := range items {
			if !it.answerable {
				continue
			}
			n++
			idx := make([]int, len(it.cands))
			for i := range idx {
				idx[i] = i
			}
			sort.SliceStable(idx, func(a, b int) bool { return it.cands[idx[a]].Features[fi] > it.cands[idx[b]].Features[fi] })
			for r := 0; r < 3 && r < len(idx); r++ {
				if it.labels[idx[r]] {
					hit++
					break
				}
			}
		}
		t.Logf("%-22s recall@3 %.3f", name, float64(hit)/float64(n))
	}
	pool, n := 0, 0
	for _, it := range items {
		if it.answerable {
			n++
			for _, l := range it.labels {
				if l {
					pool++
					break
				}
			}
		}
	}
	t.Logf("pool recall %.3f", float64(pool)/float64(n))
}

func auc(pos, neg []float64) float64 {
	sort.Float64s(neg)
	s := 0.0
	for _, p := range pos {
		i := sort.SearchFloat64s(neg, p)
		j := i
		for j < len(neg) && neg[j] == p {
			j++
		}
		s += float64(i) + float64(j-i)/2
	}
	return s / float64(len(pos)*len(neg))
}

func TestProbeAnswer(t *testing.T) {
	if os.Getenv("PROBE") == "" {
		t.Skip()
	}
	ctx := context.Background()
	dir := "../../../../shared/eval/squadit"
	docs, _, _ := corpus.LoadDir(ctx, filepath.Join(dir, "corpus"))
	f, _ := os.Open(filepath.Join(dir, "it.jsonl"))
	qs, _ := eval.Load(f)
	g, _ := analysis.DefaultGlossary()
	items, judges, err := prepare(ctx, []Set{{Name: "s", Docs: docs, Questions: qs, LeaveOut: true}}, Options{Folds: 4, Analyzer: analysis.New(g)}, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	for f := 0; f < 4; f++ {
		m, _ := fitPassage(items, func(it *item) bool { return it.fold != f })
		for _, it := range items {
			if it.fold == f {
				it.ranked = rank(m, it.cands)
			}
		}
	}
	for fi, name := range relevance.AnswerFeatures {
		var pos, neg []float64
		for _, it := range items {
			v := relevance.AnswerVector(it.query, it.ranked)[fi]
			if it.answerable && len(it.ranked) > 0 && judges[0].Relevant(it.passages[it.ranked[0].Passage], it.ev) {
				pos = append(pos, v)
			} else if it.absent {
				neg = append(neg, v)
			}
		}
		t.Logf("%-20s AUC %.3f", name, auc(pos, neg))
	}
	var pos, neg []float64
	for _, it := range items {
		if it.answerable && len(it.ranked) > 0 && judges[0].Relevant(it.passages[it.ranked[0].Passage], it.ev) {
			pos = append(pos, it.pAns)
		} else if it.absent {
			neg = append(neg, it.pAns)
		}
	}
	_ = pos
	_ = neg
}
