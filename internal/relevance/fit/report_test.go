package fit

import (
	"testing"

	"github.com/briefing/briefing/internal/eval"
	"github.com/briefing/briefing/internal/relevance"
)

// TestOperatingPoints: each point scores the same predictions under its
// threshold, the fitted one among them, and a lower threshold never
// answers fewer questions.
func TestOperatingPoints(t *testing.T) {
	t.Parallel()
	sets := []Set{{Name: "s"}}
	var os []outcome
	// Answerable questions with P(answerable) 0.05, 0.15 … 0.95, every
	// other one answered right; one unanswerable at 0.72.
	for i := range 10 {
		it := &item{answerable: true, pAns: 0.05 + 0.1*float64(i), pCov: 1, q: eval.Question{Lang: "it"}}
		os = append(os, outcome{it: it, rank: 1, answerOK: i%2 == 0, closeOK: true})
	}
	os = append(os, outcome{it: &item{pAns: 0.72, pCov: 1, q: eval.Question{Lang: "it"}}})
	th := relevance.Thresholds{Answer: 0.88, Uncertain: 0.01}
	pts := operatingPoints(sets, nil, os, th)
	if len(pts) != len(pointThresholds)+1 {
		t.Fatalf("%d points, want %d", len(pts), len(pointThresholds)+1)
	}
	want := map[float64][3]float64{ // answered share, precision, unanswerable not answered
		0.88: {0.1, 0, 1},       // only 0.95, answered wrong
		0.70: {0.3, 1.0 / 4, 0}, // 0.75, 0.85, 0.95 and the unanswerable
		0.50: {0.5, 2.0 / 6, 0}, // 0.55 … 0.95 (0.65 and 0.85 right) and the unanswerable
	}
	prev := -1.0
	for i, p := range pts {
		if i > 0 && p.Answer >= pts[i-1].Answer {
			t.Errorf("points not in descending threshold order: %v after %v", p.Answer, pts[i-1].Answer)
		}
		if len(p.Sets) != 1 || p.Sets[0].Set != "s" {
			t.Fatalf("point %v: sets %+v, want the one set over both languages", p.Answer, p.Sets)
		}
		s := p.Sets[0]
		if s.AnsweredShare < prev {
			t.Errorf("threshold %v answers %v, fewer than the higher threshold's %v", p.Answer, s.AnsweredShare, prev)
		}
		prev = s.AnsweredShare
		if w, ok := want[p.Answer]; ok && (s.AnsweredShare != w[0] || s.ConfidentPrecision != round(w[1]) || s.NotAnswered != w[2]) {
			t.Errorf("threshold %v: %+v, want share %v precision %v not answered %v", p.Answer, s, w[0], round(w[1]), w[2])
		}
		delete(want, p.Answer)
	}
	if len(want) > 0 {
		t.Errorf("no point at thresholds %v", want)
	}
}
