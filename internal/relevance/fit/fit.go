// Package fit fits the answer model of package relevance on question sets
// with gold evidence, cross-validated by article, and reports the
// cross-validated scores. It is what "briefing train" runs.
package fit

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/internal/eval"
	"github.com/briefing/briefing/internal/relevance"
)

// Set is a corpus with questions about it.
type Set struct {
	// Name labels the set in reports.
	Name      string
	Docs      []corpus.Document
	Questions []eval.Question
	// LeaveOut makes each fold's articles absent from the corpus once, so
	// their questions serve as questions the corpus cannot answer.
	LeaveOut bool
}

// Options control Fit.
type Options struct {
	// Folds for cross-validation by article; default 4.
	Folds int
	// Analyzer reads questions through the glossary; required.
	Analyzer *analysis.Analyzer
	// Translate turns questions in language From into language To; it is
	// used for the questions in From over a corpus in To. nil: no
	// translation view.
	Translate func(ctx context.Context, texts []string) ([]string, error)
	From, To  string
	// Chunk are the chunking options of the engine.
	Chunk corpus.ChunkOptions
	// Embedder gives the dense feature, as the engine's embedder does; nil:
	// no dense feature.
	Embedder briefing.Embedder
	// Logf reports progress; nil: silent.
	Logf func(format string, args ...any)
	// Targets of the thresholds; zero values mean the defaults.
	Targets Targets
	// SecondSentence overrides the package's SecondSentence (0: it).
	SecondSentence float64
}

// Targets are what the thresholds are chosen for, on cross-validated
// predictions.
type Targets struct {
	// Precision of confident answers (answerable and answer correct);
	// default 0.90.
	Precision float64
	// AbsentAnswered is the largest share of a set's unanswerable
	// questions of each kind allowed in state answer: its own with those
	// about articles left out, the other sets' questions, and the near
	// misses made by leaving out a question's passages; default 0.04.
	AbsentAnswered float64
	// Refused is the largest share of answerable questions of any set
	// allowed below the uncertain threshold; default 0.005.
	Refused float64
}

// SecondSentence is the share of the best sentence's probability a second
// sentence needs to join the answer. Chosen on the cross-validated dev
// split among 0.5 and 0.1: two sentences when the second is at least a
// tenth as likely raised answer_ok from 0.76 to 0.79 and doubled the
// answered share at the same precision.
const SecondSentence = 0.1

// item is one question in one corpus.
type item struct {
	set, fold  int
	q          eval.Question
	ev         eval.Evidence
	absent     bool // asked of the corpus without its article
	foreign    bool // another set's question, asked of this set's corpus
	gap        bool // asked of the corpus without the passages answering it
	struck     bool // asked of the corpus with its answer struck from its passages
	answerable bool // answerable in this corpus
	ix         *relevance.Index
	passages   []corpus.Passage
	query      relevance.Query
	cands      []relevance.Candidate
	labels     []bool
	// cross-validated predictions
	ranked []relevance.Scored
	pAns   float64
	pCov   float64
}

// Fit fits the model and returns it with the cross-validated report.
func Fit(ctx context.Context, sets []Set, opts Options) (*relevance.Model, Report, error) {
	if opts.Folds == 0 {
		opts.Folds = 4
	}
	if opts.Analyzer == nil {
		return nil, Report{}, errors.New("fit: no analyzer")
	}
	t := opts.Targets
	if t.Precision == 0 {
		t.Precision = 0.90
	}
	if t.AbsentAnswered == 0 {
		t.AbsentAnswered = 0.04
	}
	if t.Refused == 0 {
		t.Refused = 0.005
	}
	logf := opts.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if opts.Embedder != nil {
		opts.Embedder = newMemoEmbedder(opts.Embedder)
	}
	items, judges, err := prepare(ctx, sets, opts, logf)
	if err != nil {
		return nil, Report{}, err
	}

	// 1. Passage model, cross-validated by fold.
	for f := 0; f < opts.Folds; f++ {
		m, err := fitPassage(items, func(it *item) bool { return it.fold != f })
		if err != nil {
			return nil, Report{}, err
		}
		for _, it := range items {
			if it.fold == f {
				it.ranked = rank(m, it.cands)
			}
		}
	}
	// 2. Sentence model, cross-validated, and with it each question's
	// extractive answer and whether it holds the gold answer.
	second := opts.SecondSentence
	if second == 0 {
		second = SecondSentence
	}
	outcomes := make([]outcome, len(items))
	for f := 0; f < opts.Folds; f++ {
		m, err := fitSentence(items, judges, func(it *item) bool { return it.fold != f })
		if err != nil {
			return nil, Report{}, err
		}
		mm := relevance.Model{Sentence: m, SecondSentence: second}
		for i, it := range items {
			if it.fold == f {
				outcomes[i] = judge(it, &mm, judges[it.set])
			}
		}
	}
	// 3. Answerability: P(the extractive answer holds the gold answer),
	// fitted on the cross-validated rankings and answers.
	for f := 0; f < opts.Folds; f++ {
		m, err := fitAnswerable(items, outcomes, func(it *item) bool { return it.fold != f })
		if err != nil {
			return nil, Report{}, err
		}
		for _, it := range items {
			if it.fold == f {
				it.pAns = m.Prob(it.ix.AnswerVector(it.query, it.ranked))
			}
		}
	}
	// 3b. Coverage: P(the corpus holds the question's subject).
	for f := 0; f < opts.Folds; f++ {
		m, err := fitCovered(items, func(it *item) bool { return it.fold != f })
		if err != nil {
			return nil, Report{}, err
		}
		for _, it := range items {
			if it.fold == f {
				it.pCov = m.Prob(relevance.CoverVector(it.ix.AnswerVector(it.query, it.ranked)))
			}
		}
	}
	// 4. Thresholds on the cross-validated predictions.
	th := chooseThresholds(outcomes, t)
	logf("thresholds: answer %.4f, uncertain %.4f", th.Answer, th.Uncertain)
	report := summarise(sets, items, outcomes, th)
	report.OperatingPoints = operatingPoints(sets, items, outcomes, th)

	// 5. The final model, fitted on everything.
	all := func(*item) bool { return true }
	pm, err := fitPassage(items, all)
	if err != nil {
		return nil, Report{}, err
	}
	for _, it := range items {
		it.ranked = rank(pm, it.cands)
	}
	sm, err := fitSentence(items, judges, all)
	if err != nil {
		return nil, Report{}, err
	}
	final := &relevance.Model{Passage: pm, Sentence: sm, Thresholds: th, SecondSentence: second}
	if opts.Embedder != nil {
		final.Embedder = relevance.EmbedderID(opts.Embedder.Name())
	}
	for i, it := range items {
		outcomes[i] = judge(it, final, judges[it.set])
	}
	am, err := fitAnswerable(items, outcomes, all)
	if err != nil {
		return nil, Report{}, err
	}
	final.Answerable = am
	cm, err := fitCovered(items, all)
	if err != nil {
		return nil, Report{}, err
	}
	final.Covered = cm
	return final, report, nil
}

func rank(m relevance.Logistic, cands []relevance.Candidate) []relevance.Scored {
	mm := relevance.Model{Passage: m}
	return mm.Rank(cands)
}

// fitPassage fits the listwise passage model on the answerable questions
// of the chosen items that have a relevant candidate.
func fitPassage(items []*item, use func(*item) bool) (relevance.Logistic, error) {
	var gs []relevance.Group
	for _, it := range items {
		if !use(it) || !it.answerable || !slices.Contains(it.labels, true) {
			continue
		}
		g := relevance.Group{Relevant: it.labels}
		for _, c := range it.cands {
			g.X = append(g.X, c.Features)
		}
		gs = append(gs, g)
	}
	m, err := relevance.FitSoftmax(relevance.PassageFeatures, gs, relevance.FitOptions{L2: passageL2})
	if err != nil {
		return m, fmt.Errorf("fit passage model: %w", err)
	}
	return m, nil
}

// fitAnswerable fits P(the extractive answer is right) over every chosen
// item: answerable questions (positive when their answer holds the gold
// answer) and questions the corpus cannot answer (negative). The near
// misses made by leaving out a question's passages are not fitted on:
// fitted (before the answer-type features), they lowered the
// cross-validated answered share (English 0.132 to 0.128) and left the
// written near misses answered as often; they measure the model and bound
// its thresholds instead. Nor are those made by striking the answer from
// its passages: fitted, they moved the model along its curve (more
// questions answered, more of them too; at an equal answered share as many)
// and lowered the seed answered share below its floor; they only measure.
func fitAnswerable(items []*item, os []outcome, use func(*item) bool) (relevance.Logistic, error) {
	var x [][]float64
	var y []bool
	for i, it := range items {
		if !use(it) || it.gap || it.struck {
			continue
		}
		x = append(x, it.ix.AnswerVector(it.query, it.ranked))
		y = append(y, it.answerable && os[i].answerOK)
	}
	m, err := relevance.FitLogistic(relevance.AnswerFeatures, x, y, nil, relevance.FitOptions{})
	if err != nil {
		return m, fmt.Errorf("fit answerability model: %w", err)
	}
	return m, nil
}

// fitCovered fits P(the corpus holds the question's subject) on the
// chosen items whose answer to that is known: answerable questions asked
// of their corpus (yes), and questions asked of the corpus without their
// article or of another set's corpus (no). A set's own unanswerable
// questions are left out: some are near misses on the corpus's subject,
// some about another one.
func fitCovered(items []*item, use func(*item) bool) (relevance.Logistic, error) {
	var x [][]float64
	var y []bool
	for _, it := range items {
		if !use(it) || !(it.answerable || it.absent) {
			continue
		}
		x = append(x, relevance.CoverVector(it.ix.AnswerVector(it.query, it.ranked)))
		y = append(y, it.answerable)
	}
	m, err := relevance.FitLogistic(relevance.CoverFeatures, x, y, nil, relevance.FitOptions{})
	if err != nil {
		return m, fmt.Errorf("fit coverage model: %w", err)
	}
	return m, nil
}

// fitSentence fits P(sentence holds the answer) over the sentences of the
// first relevant passage in each chosen answerable question's top three.
func fitSentence(items []*item, judges []*eval.Judge, use func(*item) bool) (relevance.Logistic, error) {
	var x [][]float64
	var y []bool
	var w []float64
	for _, it := range items {
		if !use(it) || !it.answerable || len(it.q.AnswerAny) == 0 {
			continue
		}
		for r := 0; r < len(it.ranked) && r < 3; r++ {
			p := it.ranked[r].Passage
			if !judges[it.set].Relevant(it.passages[p], it.ev) {
				continue
			}
			ss := it.ix.Sentences(it.query, p)
			text := it.passages[p].Text
			var lab []bool
			for _, s := range ss {
				lab = append(lab, eval.Satisfies(text[s.Start:s.End], it.q.AnswerAny))
			}
			if !slices.Contains(lab, true) || len(ss) < 2 {
				break
			}
			for i, s := range ss {
				x = append(x, s.Features)
				y = append(y, lab[i])
				w = append(w, 1/float64(len(ss)))
			}
			break
		}
	}
	m, err := relevance.FitLogistic(relevance.SentenceFeatures, x, y, w, relevance.FitOptions{})
	if err != nil {
		return m, fmt.Errorf("fit sentence model: %w", err)
	}
	return m, nil
}
