package relevance

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/briefing/briefing/internal/analysis"
)

// AnswerFeatures are the features of a question's best passages as a whole,
// for the probability that they answer it, in vector order.
var AnswerFeatures = []string{
	"bias", "top_logit", "top_prob", "margin", "top_cover", "oov", "terms",
	"top_answer_type", "top_cover_concept", "cross_lingual", "top3_prob",
	"top_doc_cover", "top_missing_idf", "top_bm25_abs",
	"top_sentence_cover", "top_bigram", "top_cover_word", "top_cover_squared",
	"asks_kind", "top_typed_sentence_cover",
}

// CoverFeatures are the answer features of the coverage model: all but the
// last two, which say whether the top passage holds an answer of the kind
// asked for, not whether the corpus holds the subject.
var CoverFeatures = AnswerFeatures[: len(AnswerFeatures)-2 : len(AnswerFeatures)-2]

// CoverVector is the part of an answer feature vector the coverage model
// reads.
func CoverVector(x []float64) []float64 { return x[:len(CoverFeatures):len(CoverFeatures)] }

// Model is the fitted answer model.
type Model struct {
	// Passage ranks candidates: P(passage holds the answer).
	Passage Logistic `json:"passage"`
	// Answerable is P(the best passages answer the question).
	Answerable Logistic `json:"answerable"`
	// Covered is P(the corpus holds the question's subject), over
	// CoverFeatures: fitted on questions asked of a corpus holding their article
	// (yes), of the corpus without it and of another kind of corpus (no).
	// A question can be covered and still unanswered: the near miss.
	Covered Logistic `json:"covered"`
	// Sentence is P(sentence holds the answer | its passage is relevant).
	Sentence Logistic `json:"sentence"`
	// Thresholds: below Uncertain on Covered the engine refuses; else at
	// or above Answer on Answerable it answers; else it shows the closest
	// passages as such.
	Thresholds Thresholds `json:"thresholds"`
	// SecondSentence: a second sentence joins the best one when its
	// probability is at least this share of the best's.
	SecondSentence float64 `json:"second_sentence"`
	// Embedder identifies the embedder whose similarities the dense
	// features were fitted on (EmbedderID of its Name). Another embedder's
	// similarities lie on another scale, so the dense weights do not carry
	// over. Empty: not recorded.
	Embedder string `json:"embedder,omitempty"`
	// Provenance records how the weights were made (command, data, scores);
	// informational.
	Provenance json.RawMessage `json:"provenance,omitempty"`
}

// Thresholds split the two probabilities into three states.
type Thresholds struct {
	// Answer is on P(answerable).
	Answer float64 `json:"answer"`
	// Uncertain is on P(covered).
	Uncertain float64 `json:"uncertain"`
}

//go:embed weights.json
var weightsJSON []byte

// Default returns the model committed in weights.json.
func Default() (*Model, error) { return Parse(weightsJSON) }

// Parse reads a model file and checks it against this package's features.
func Parse(data []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("relevance: parse model: %w", err)
	}
	for _, c := range []struct {
		name  string
		m     Logistic
		names []string
	}{{"passage", m.Passage, PassageFeatures}, {"answerable", m.Answerable, AnswerFeatures}, {"covered", m.Covered, CoverFeatures}, {"sentence", m.Sentence, SentenceFeatures}} {
		if err := c.m.check(c.names); err != nil {
			return nil, fmt.Errorf("relevance: %s model: %w", c.name, err)
		}
	}
	if t := m.Thresholds; !(0 <= t.Uncertain && t.Uncertain <= 1 && 0 <= t.Answer && t.Answer <= 1) {
		return nil, fmt.Errorf("relevance: thresholds %v outside [0, 1]", t)
	}
	return &m, nil
}

// EmbedderID is the part of an embedder's Name that fixes its vectors: all
// of it but an "@server" suffix, since the same model behind another server
// gives the same vectors.
func EmbedderID(name string) string {
	if i := strings.LastIndexByte(name, '@'); i > 0 {
		return name[:i]
	}
	return name
}

// FittedFor reports whether m's dense weights were fitted on the embedder
// with this Name, or m does not say which embedder it was fitted on.
func (m *Model) FittedFor(embedderName string) bool {
	return m.Embedder == "" || m.Embedder == EmbedderID(embedderName)
}

// Scored is a candidate with its fitted relevance.
type Scored struct {
	Candidate
	Logit, Prob float64
}

// Rank scores candidates with m's passage model, best first (ties by
// passage index, so the order is deterministic). Prob is each candidate's
// share of the softmax over the candidates: how sure the ranking is that
// this is the question's passage.
func (m *Model) Rank(cands []Candidate) []Scored {
	out := make([]Scored, len(cands))
	top := math.Inf(-1)
	for i, c := range cands {
		z := m.Passage.Score(c.Features)
		out[i] = Scored{Candidate: c, Logit: z}
		top = max(top, z)
	}
	sum := 0.0
	for i := range out {
		out[i].Prob = math.Exp(out[i].Logit - top)
		sum += out[i].Prob
	}
	for i := range out {
		out[i].Prob /= sum
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Logit != out[j].Logit {
			return out[i].Logit > out[j].Logit
		}
		return out[i].Passage < out[j].Passage
	})
	return out
}

// AnswerVector computes the answerability features of q's ranked passages
// in ix.
func (ix *Index) AnswerVector(q Query, ranked []Scored) []float64 {
	f := make([]float64, len(AnswerFeatures))
	f[0] = 1
	f[5] = q.oov
	f[6] = math.Log1p(float64(q.terms)) / 3
	if q.Kind != analysis.KindOther {
		f[18] = 1
	}
	if len(ranked) == 0 {
		f[1] = -10 / 10.0
		return f
	}
	top := ranked[0]
	f[1] = math.Max(-20, math.Min(20, top.Logit)) / 20
	f[2] = top.Prob
	if len(ranked) > 1 {
		f[3] = top.Prob - ranked[1].Prob
	} else {
		f[3] = top.Prob
	}
	f[4] = top.Cover
	f[7] = top.Features[fAnswerType]
	f[8] = top.Features[fCoverConcept]
	f[9] = top.Features[fCrossLingual]
	n, s := 0, 0.0
	for i := 0; i < len(ranked) && i < 3; i++ {
		s += ranked[i].Prob
		n++
	}
	f[10] = s / float64(n)
	f[11] = top.Features[fDocCover]
	f[12] = top.Missing
	f[13] = math.Min(1, top.Features[fBM25PrefixAbs])
	f[14] = top.Features[fSentenceCover]
	f[15] = top.Features[fBigram]
	f[16] = top.Features[fCoverWord]
	f[17] = top.Cover * top.Cover
	f[19] = ix.typedSentenceCover(q, top.Passage)
	return f
}

// ClosestPassages is how many passages a response in state uncertain
// quotes: as many as the ranking is measured on (recall@3), so a question
// whose passage is ranked in the top three is shown it. The fit scores
// answer_ok on the same quotes.
const ClosestPassages = 3

// State is what the engine does with a question.
type State string

// The three states of an answer.
const (
	StateAnswer    State = "answer"
	StateUncertain State = "uncertain"
	StateRefused   State = "refused"
)

// Decide maps P(answerable) and P(covered) to a state: a subject the
// corpus does not hold is refused, whatever the passages; a held one is
// answered when the answer is likely right, and otherwise shown as the
// closest passages.
func (m *Model) Decide(answerable, covered float64) State {
	switch {
	case covered < m.Thresholds.Uncertain:
		return StateRefused
	case answerable >= m.Thresholds.Answer:
		return StateAnswer
	}
	return StateUncertain
}

// Judge returns P(the ranked passages of ix answer q) and P(the corpus
// holds q's subject), both from one feature vector of q's ranked passages.
func (m *Model) Judge(ix *Index, q Query, ranked []Scored) (answerable, covered float64) {
	x := ix.AnswerVector(q, ranked)
	return m.Answerable.Prob(x), m.Covered.Prob(CoverVector(x))
}

// BestSentences returns the indexes (in text order) of the sentences of a
// passage that m picks as the answer: the most probable one, and the
// second most probable when it comes close.
func (m *Model) BestSentences(ss []Sentence) []int {
	out, _ := m.pick(ss)
	return out
}

// QuoteSentences returns the indexes (in text order) of the sentences an
// uncertain response quotes from a passage: the picked ones and the one
// after the best, unless that is a heading (of the next section). A
// passage that shares the question's words in one sentence often answers
// in the next, which goes on with "this" or a pronoun; the closest
// passages are shown so that the reader can judge them, and the fit
// scores answer_ok on these quotes.
func (m *Model) QuoteSentences(ss []Sentence) []int {
	out, best := m.pick(ss)
	if best >= 0 && best+1 < len(ss) && ss[best+1].Features[sHeading] == 0 && !slices.Contains(out, best+1) {
		out = append(out, best+1)
		sort.Ints(out)
	}
	return out
}

// pick returns BestSentences and the index of the most probable sentence
// (-1 for none).
func (m *Model) pick(ss []Sentence) ([]int, int) {
	if len(ss) == 0 {
		return nil, -1
	}
	best, second := -1, -1
	probs := make([]float64, len(ss))
	for i, s := range ss {
		probs[i] = m.Sentence.Prob(s.Features)
		switch {
		case best < 0 || probs[i] > probs[best]:
			best, second = i, best
		case second < 0 || probs[i] > probs[second]:
			second = i
		}
	}
	out := []int{best}
	if second >= 0 && m.SecondSentence > 0 && probs[second] >= m.SecondSentence*probs[best] {
		out = append(out, second)
		sort.Ints(out)
	}
	return out, best
}
