package eval

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
)

// Engine is what an evaluation calls; *rag.Engine satisfies it.
type Engine interface {
	Search(ctx context.Context, query string, k int) ([]briefing.Hit, error)
	Answer(ctx context.Context, req briefing.Request) (briefing.Answer, error)
}

// Report is the outcome of Run. Its JSON form is the output of
// "briefing eval --json".
type Report struct {
	// Questions evaluated, and how many of them are (un)answerable.
	Questions    int `json:"questions"`
	Answerable   int `json:"answerable"`
	Unanswerable int `json:"unanswerable"`
	// K is the retrieval depth of recall@k and MRR.
	K         int       `json:"k"`
	Retrieval Retrieval `json:"retrieval"`
	Answers   Answers   `json:"answers"`
	LatencyMS Latency   `json:"latency_ms"`
	// Errors counts questions on which the engine failed; they score zero.
	Errors int `json:"errors"`
	// Warnings flag problems of the question file against the corpus, such
	// as evidence found in no document (its questions can only score by
	// exact containment).
	Warnings []string `json:"warnings,omitempty"`
	// Results has one entry per question, in file order.
	Results []Result `json:"results"`
}

// Retrieval holds the retrieval metrics, over answerable questions.
type Retrieval struct {
	// RecallAtK is the share of answerable questions with a relevant passage
	// in the top k.
	RecallAtK float64 `json:"recall_at_k"`
	// MRR is the mean of 1/rank of the first relevant passage (0 if none in
	// the top k).
	MRR float64 `json:"mrr"`
	// ByLang splits both by the questions' language.
	ByLang map[string]LangScores `json:"by_lang"`
}

// LangScores are the retrieval metrics of one language.
type LangScores struct {
	Questions int     `json:"questions"`
	RecallAtK float64 `json:"recall_at_k"`
	MRR       float64 `json:"mrr"`
}

// Answers holds the answer metrics.
type Answers struct {
	// KeywordAccuracy: share of answerable questions whose response is
	// answer_ok: not refused, and its text satisfies answer_any (in state
	// uncertain the text quotes the closest passages).
	KeywordAccuracy float64 `json:"keyword_accuracy"`
	// CitationHitRate: share of answerable questions whose cited passages
	// include a relevant one.
	CitationHitRate float64 `json:"citation_hit_rate"`
	// RefusalAccuracy: share of unanswerable questions handled, that is not
	// in state answer (refused, or shown as uncertain).
	RefusalAccuracy float64 `json:"refusal_accuracy"`
	// FalseRefusals: number of answerable questions in state refused.
	FalseRefusals int `json:"false_refusals"`
	// AnsweredShare: share of answerable questions in state answer.
	AnsweredShare float64 `json:"answered_share"`
	// ConfidentPrecision: of all questions in state answer, the share that
	// are answerable and answer_ok.
	ConfidentPrecision float64 `json:"confident_precision"`
	// Answerable, Unanswerable and Confident (questions in state answer)
	// are the denominators of the shares above: a share over none is
	// reported as 0 and means nothing.
	Answerable   int `json:"answerable"`
	Unanswerable int `json:"unanswerable"`
	Confident    int `json:"confident"`
	// ByLang has the same metrics per question language.
	ByLang map[string]Answers `json:"by_lang,omitempty"`
}

// Latency holds per-question percentiles in milliseconds (nearest rank).
type Latency struct {
	RetrievalP50 float64 `json:"retrieval_p50"`
	RetrievalP95 float64 `json:"retrieval_p95"`
	AnswerP50    float64 `json:"answer_p50"`
	AnswerP95    float64 `json:"answer_p95"`
}

// Result is the outcome of one question.
type Result struct {
	ID         string `json:"id"`
	Lang       string `json:"lang"`
	Question   string `json:"question"`
	Answerable bool   `json:"answerable"`
	// Rank is the 1-based rank of the first relevant passage in the top k,
	// 0 if none (always 0 for unanswerable questions).
	Rank int `json:"rank"`
	// Refused is whether the engine said the corpus does not cover it.
	Refused bool `json:"refused"`
	// State is the engine's outcome: "answer", "uncertain" or "refused"
	// ("" when it failed).
	State string `json:"state"`
	// AnswerOK: for an answerable question, not refused and answer_any
	// satisfied; for an unanswerable one, not in state answer.
	AnswerOK bool `json:"answer_ok"`
	// CitationsOK: for an answerable question, a cited passage is relevant;
	// for an unanswerable one, nothing is cited as an answer (passages
	// shown as the closest ones, in state uncertain, are not).
	CitationsOK bool `json:"citations_ok"`
	// TopPassages are the IDs of the top k passages, best first.
	TopPassages []string `json:"top_passages"`
	// Cited are the IDs of the cited passages, in citation order.
	Cited []string `json:"cited"`
	// Answer is the answer text.
	Answer      string  `json:"answer"`
	RetrievalMS float64 `json:"retrieval_ms"`
	AnswerMS    float64 `json:"answer_ms"`
	// Error is the engine's error, if it failed.
	Error string `json:"error,omitempty"`
}

// Run asks every question of qs twice: Search for the top k passages, and
// Answer for the whole answer, and scores both against the evidence, which
// it locates in docs (the corpus the engine indexed). An engine error on a
// question is recorded in its Result and scores zero; cancelling ctx stops
// the run with ctx's error.
func Run(ctx context.Context, eng Engine, docs []corpus.Document, qs []Question, k int) (Report, error) {
	return run(ctx, eng, docs, qs, k, time.Now)
}

func run(ctx context.Context, eng Engine, docs []corpus.Document, qs []Question, k int, now func() time.Time) (Report, error) {
	if k <= 0 {
		return Report{}, fmt.Errorf("eval: k = %d, want at least 1", k)
	}
	rep := Report{Questions: len(qs), K: k, Results: []Result{}}
	bodies := make(map[string]string, len(docs))
	for _, d := range docs {
		bodies[d.ID] = d.Body
	}
	type langAcc struct {
		n         int
		hits      int
		reciprocs float64
	}
	var (
		langs                 = map[string]*langAcc{}
		hits                  int
		reciprocal            float64
		retrievalMS, answerMS []float64
		all                   answerAcc
		byLang                = map[string]*answerAcc{}
	)
	for _, q := range qs {
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		res := Result{ID: q.ID, Lang: q.Lang, Question: q.Question, Answerable: q.Answerable, TopPassages: []string{}, Cited: []string{}}
		spans, missing := locate(bodies, q.Evidence)
		for _, e := range missing {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: evidence %q is in no document", q.ID, e))
		}
		isRelevant := func(p corpus.Passage) bool { return relevant(p, q.Evidence, spans, bodies) }

		var errs []string
		start := now()
		hitList, err := eng.Search(ctx, q.Question, k)
		res.RetrievalMS = millis(now().Sub(start))
		if err != nil {
			if ctx.Err() != nil {
				return Report{}, ctx.Err()
			}
			errs = append(errs, "search: "+err.Error())
		}
		retrievalMS = append(retrievalMS, res.RetrievalMS)
		for i, h := range hitList {
			if i == k {
				break
			}
			res.TopPassages = append(res.TopPassages, h.Passage.ID)
			if q.Answerable && res.Rank == 0 && isRelevant(h.Passage) {
				res.Rank = i + 1
			}
		}

		start = now()
		ans, err := eng.Answer(ctx, briefing.Request{Question: q.Question})
		res.AnswerMS = millis(now().Sub(start))
		if err != nil {
			if ctx.Err() != nil {
				return Report{}, ctx.Err()
			}
			errs = append(errs, "answer: "+err.Error())
		}
		answerMS = append(answerMS, res.AnswerMS)
		res.Answer = ans.Text
		res.Refused = err == nil && ans.Refused
		if err == nil {
			res.State = string(ans.State)
			if res.State == "" {
				// An engine without states: refused or answered.
				res.State = string(briefing.StateAnswer)
				if ans.Refused {
					res.State = string(briefing.StateRefused)
				}
			}
		}
		for _, c := range ans.Citations {
			res.Cited = append(res.Cited, c.Passage.ID)
		}
		if q.Answerable {
			res.AnswerOK = err == nil && !ans.Refused && satisfies(ans.Text, q.AnswerAny)
			res.CitationsOK = err == nil && slices.ContainsFunc(ans.Citations, func(c briefing.Citation) bool { return isRelevant(c.Passage) })
		} else {
			res.AnswerOK = err == nil && res.State != string(briefing.StateAnswer)
			// Passages shown as the closest ones (uncertain) are not
			// offered as an answer.
			res.CitationsOK = err == nil && (len(ans.Citations) == 0 || res.State == string(briefing.StateUncertain))
		}
		if len(errs) > 0 {
			res.Error = strings.Join(errs, "; ")
			rep.Errors++
		}

		if q.Answerable {
			rep.Answerable++
			la := langs[q.Lang]
			if la == nil {
				la = &langAcc{}
				langs[q.Lang] = la
			}
			la.n++
			if res.Rank > 0 {
				hits++
				la.hits++
				reciprocal += 1 / float64(res.Rank)
				la.reciprocs += 1 / float64(res.Rank)
			}
		} else {
			rep.Unanswerable++
		}
		all.add(res)
		if byLang[q.Lang] == nil {
			byLang[q.Lang] = &answerAcc{}
		}
		byLang[q.Lang].add(res)
		rep.Results = append(rep.Results, res)
	}

	rep.Retrieval = Retrieval{
		RecallAtK: ratio(float64(hits), rep.Answerable),
		MRR:       ratio(reciprocal, rep.Answerable),
		ByLang:    map[string]LangScores{},
	}
	for lang, la := range langs {
		rep.Retrieval.ByLang[lang] = LangScores{
			Questions: la.n,
			RecallAtK: ratio(float64(la.hits), la.n),
			MRR:       ratio(la.reciprocs, la.n),
		}
	}
	rep.Answers = all.answers()
	rep.Answers.ByLang = map[string]Answers{}
	for lang, a := range byLang {
		rep.Answers.ByLang[lang] = a.answers()
	}
	rep.LatencyMS = Latency{
		RetrievalP50: Percentile(retrievalMS, 50),
		RetrievalP95: Percentile(retrievalMS, 95),
		AnswerP50:    Percentile(answerMS, 50),
		AnswerP95:    Percentile(answerMS, 95),
	}
	return rep, nil
}

// span is one occurrence of an evidence string in a document body.
type span struct {
	doc        string
	start, end int
}

// locate finds every occurrence of each evidence string in the bodies, and
// returns the strings found nowhere.
func locate(bodies map[string]string, evidence []string) (spans []span, missing []string) {
	ids := make([]string, 0, len(bodies))
	for id := range bodies {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, e := range evidence {
		if e == "" {
			continue
		}
		found := false
		for _, id := range ids {
			body := bodies[id]
			for off := 0; ; {
				i := strings.Index(body[off:], e)
				if i < 0 {
					break
				}
				spans = append(spans, span{doc: id, start: off + i, end: off + i + len(e)})
				found = true
				off += i + 1
			}
		}
		if !found {
			missing = append(missing, e)
		}
	}
	return spans, missing
}

// relevant reports whether passage p is relevant per the evaluation rules:
// it contains an evidence string, or its byte range in its document covers
// at least half (in characters) of an occurrence of one.
func relevant(p corpus.Passage, evidence []string, spans []span, bodies map[string]string) bool {
	for _, e := range evidence {
		if e != "" && strings.Contains(p.Text, e) {
			return true
		}
	}
	body := bodies[p.DocID]
	for _, s := range spans {
		if s.doc != p.DocID {
			continue
		}
		lo, hi := max(p.Start, s.start), min(p.End, s.end, len(body))
		if lo >= hi {
			continue
		}
		covered := utf8.RuneCountInString(body[lo:hi])
		if 2*covered >= utf8.RuneCountInString(body[s.start:s.end]) {
			return true
		}
	}
	return false
}

// satisfies reports whether text contains, case-insensitively, one string
// of every group. Typographic apostrophes count as straight ones.
func satisfies(text string, groups [][]string) bool {
	norm := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "’", "'")) }
	t := norm(text)
	for _, g := range groups {
		if !slices.ContainsFunc(g, func(s string) bool { return strings.Contains(t, norm(s)) }) {
			return false
		}
	}
	return true
}

// Percentile returns the p-th percentile of values by the nearest-rank
// method (the smallest value with at least p% of values at or below it);
// 0 for no values.
func Percentile(values []float64, p float64) float64 {
	if len(values) == 0 {
		return 0
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

func ratio(n float64, d int) float64 {
	if d == 0 {
		return 0
	}
	return n / float64(d)
}

func millis(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1e3
}
