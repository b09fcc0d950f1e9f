package fit

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/briefing/briefing/internal/relevance"
)

// Report holds the cross-validated scores of a fit: every prediction in it
// comes from a model that did not see the question's article (or, in sets
// without LeaveOut, the question's fold).
type Report struct {
	Thresholds relevance.Thresholds `json:"thresholds"`
	Groups     []Scores             `json:"groups"`
	// OperatingPoints are the same predictions under other answer
	// thresholds: what an operator trades by setting one
	// (retrieval.answer_threshold).
	OperatingPoints []OperatingPoint `json:"operating_points,omitempty"`
}

// OperatingPoint is an answer threshold with what it gives, per set over
// both languages.
type OperatingPoint struct {
	Answer float64 `json:"answer"`
	// Sets has one entry per set and kind of question: answered share and
	// confident precision of the sets' answerable questions, and the share
	// not answered of the unanswerable ones (the set's own, those about
	// left-out articles, the near misses made by leaving out the answering
	// passages).
	Sets []PointScores `json:"sets"`
}

// PointScores are a set's figures at one operating point.
type PointScores struct {
	Set                string  `json:"set"`
	AnsweredShare      float64 `json:"answered_share,omitempty"`
	ConfidentPrecision float64 `json:"confident_precision,omitempty"`
	NotAnswered        float64 `json:"not_answered"`
}

// pointThresholds are the answer thresholds the report's operating points
// are at, besides the fitted one.
var pointThresholds = []float64{0.97, 0.95, 0.90, 0.85, 0.80, 0.75, 0.70, 0.60, 0.50}

// operatingPoints scores the predictions at the fitted answer threshold
// and at pointThresholds, highest first; the refusal threshold stays.
func operatingPoints(sets []Set, items []*item, os []outcome, th relevance.Thresholds) []OperatingPoint {
	ts := append([]float64{th.Answer}, pointThresholds...)
	sort.Sort(sort.Reverse(sort.Float64Slice(ts)))
	var out []OperatingPoint
	for _, a := range ts {
		r := summarise(sets, items, os, relevance.Thresholds{Answer: a, Uncertain: th.Uncertain})
		p := OperatingPoint{Answer: a}
		for _, g := range r.Groups {
			if g.Lang != "all" || strings.HasSuffix(g.Set, "/foreign") {
				continue
			}
			p.Sets = append(p.Sets, PointScores{Set: g.Set, AnsweredShare: g.AnsweredShare, ConfidentPrecision: g.ConfidentPrecision, NotAnswered: g.NotAnswered})
		}
		out = append(out, p)
	}
	return out
}

// Scores are the cross-validated figures of one set and language.
type Scores struct {
	Set  string `json:"set"`
	Lang string `json:"lang"`
	// Answerable questions, with the corpus holding their article.
	Answerable int     `json:"answerable"`
	RecallAt3  float64 `json:"recall_at_3"`
	MRR        float64 `json:"mrr"`
	// AnswerOK: answerable questions not refused whose response holds the
	// gold answer (the answer in state answer, the closest passages'
	// quotes in state uncertain).
	AnswerOK float64 `json:"answer_ok"`
	// AnsweredShare: answerable questions in state answer.
	AnsweredShare float64 `json:"answered_share"`
	// ConfidentPrecision: of the questions in state answer (answerable or
	// not), the share answerable with a correct answer.
	ConfidentPrecision float64 `json:"confident_precision"`
	// Refused: answerable questions in state refused.
	Refused float64 `json:"refused"`
	// Unanswerable questions: the set's own, and those asked of the corpus
	// without their article; NotAnswered is the share not in state answer.
	Unanswerable int     `json:"unanswerable"`
	NotAnswered  float64 `json:"not_answered"`
	// UnansweredRefused: of those, the share in state refused (the rest of
	// NotAnswered is uncertain).
	UnansweredRefused float64 `json:"unanswered_refused"`
}

func summarise(sets []Set, items []*item, os []outcome, th relevance.Thresholds) Report {
	m := relevance.Model{Thresholds: th}
	type acc struct {
		ans, hit, okN, answered, refused, unans, unansNot, unansRefused, confident, confidentGood int
		rr                                                                                        float64
	}
	groups := map[[2]string]*acc{}
	add := func(k [2]string, o outcome) {
		a := groups[k]
		if a == nil {
			a = &acc{}
			groups[k] = a
		}
		st := m.Decide(o.it.pAns, o.it.pCov)
		if st == relevance.StateAnswer {
			a.confident++
			if o.it.answerable && o.answerOK {
				a.confidentGood++
			}
		}
		if !o.it.answerable {
			a.unans++
			if st != relevance.StateAnswer {
				a.unansNot++
			}
			if st == relevance.StateRefused {
				a.unansRefused++
			}
			return
		}
		a.ans++
		if o.rank > 0 {
			a.hit++
			a.rr += 1 / float64(o.rank)
		}
		switch st {
		case relevance.StateAnswer:
			a.answered++
			if o.answerOK {
				a.okN++
			}
		case relevance.StateUncertain:
			if o.closeOK {
				a.okN++
			}
		case relevance.StateRefused:
			a.refused++
		}
	}
	for _, o := range os {
		name := sets[o.it.set].Name
		switch {
		case o.it.foreign:
			name += "/foreign"
		case o.it.gap:
			name += "/gap"
		case o.it.struck:
			name += "/struck"
		}
		add([2]string{name, o.it.q.Lang}, o)
		add([2]string{name, "all"}, o)
	}
	keys := make([][2]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	r := Report{Thresholds: th}
	div := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return round(float64(a) / float64(b))
	}
	for _, k := range keys {
		a := groups[k]
		s := Scores{Set: k[0], Lang: k[1], Answerable: a.ans, RecallAt3: div(a.hit, a.ans), AnswerOK: div(a.okN, a.ans),
			AnsweredShare: div(a.answered, a.ans), ConfidentPrecision: div(a.confidentGood, a.confident),
			Refused: div(a.refused, a.ans), Unanswerable: a.unans, NotAnswered: div(a.unansNot, a.unans),
			UnansweredRefused: div(a.unansRefused, a.unans)}
		if a.ans > 0 {
			s.MRR = round(a.rr / float64(a.ans))
		}
		r.Groups = append(r.Groups, s)
	}
	return r
}

func round(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

// Print writes the report as a table.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "thresholds: answer >= %.4f, uncertain >= %.4f\n", r.Thresholds.Answer, r.Thresholds.Uncertain)
	fmt.Fprintf(w, "%-15s %-4s %6s %7s %6s %9s %8s %9s %8s %7s %8s %8s\n", "set", "lang", "ans", "rec@3", "MRR", "answer_ok", "answered", "precision", "refused", "unans", "not_ans", "unans_ref")
	for _, g := range r.Groups {
		fmt.Fprintf(w, "%-15s %-4s %6d %7.3f %6.3f %9.3f %8.3f %9.3f %8.3f %7d %8.3f %8.3f\n", g.Set, g.Lang, g.Answerable, g.RecallAt3, g.MRR,
			g.AnswerOK, g.AnsweredShare, g.ConfidentPrecision, g.Refused, g.Unanswerable, g.NotAnswered, g.UnansweredRefused)
	}
	if len(r.OperatingPoints) == 0 {
		return
	}
	fmt.Fprintf(w, "\noperating points (answer threshold: per set, answered share / confident precision / unanswerable not answered)\n")
	for _, p := range r.OperatingPoints {
		fmt.Fprintf(w, "%.4f", p.Answer)
		for _, s := range p.Sets {
			if strings.Contains(s.Set, "/") {
				fmt.Fprintf(w, "  %s %.3f", s.Set, s.NotAnswered)
			} else {
				fmt.Fprintf(w, "  %s %.3f / %.3f / %.3f", s.Set, s.AnsweredShare, s.ConfidentPrecision, s.NotAnswered)
			}
		}
		fmt.Fprintln(w)
	}
}
