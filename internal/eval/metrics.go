package eval

import "github.com/briefing/briefing"

// answerAcc accumulates the answer metrics of a group of questions.
type answerAcc struct {
	answerable, unanswerable              int
	ok, cited, handled, refused, answered int
	confident, confidentOK                int
}

func (a *answerAcc) add(res Result) {
	if res.State == string(briefing.StateAnswer) {
		a.confident++
		if res.Answerable && res.AnswerOK {
			a.confidentOK++
		}
	}
	if !res.Answerable {
		a.unanswerable++
		if res.State != string(briefing.StateAnswer) {
			a.handled++
		}
		return
	}
	a.answerable++
	if res.AnswerOK {
		a.ok++
	}
	if res.CitationsOK {
		a.cited++
	}
	switch res.State {
	case string(briefing.StateRefused):
		a.refused++
	case string(briefing.StateAnswer):
		a.answered++
	}
}

func (a *answerAcc) answers() Answers {
	return Answers{
		KeywordAccuracy:    ratio(float64(a.ok), a.answerable),
		CitationHitRate:    ratio(float64(a.cited), a.answerable),
		RefusalAccuracy:    ratio(float64(a.handled), a.unanswerable),
		FalseRefusals:      a.refused,
		AnsweredShare:      ratio(float64(a.answered), a.answerable),
		ConfidentPrecision: ratio(float64(a.confidentOK), a.confident),
		Answerable:         a.answerable,
		Unanswerable:       a.unanswerable,
		Confident:          a.confident,
	}
}
