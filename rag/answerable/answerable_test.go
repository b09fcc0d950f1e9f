package answerable

import (
	"strings"
	"testing"
)

// A topic is covered when its best quotable passage reaches the floor; a
// passage is quoted from half the floor.
func TestPolicy(t *testing.T) {
	p := Policy{MinScore: 0.4}
	for _, tc := range []struct {
		scores  []float64
		covered bool
	}{
		{nil, false},
		{[]float64{0.39}, false},
		{[]float64{0.2, 0.4}, true},
		{[]float64{0.9, 0.1}, true},
	} {
		if got := p.Covered(tc.scores); got != tc.covered {
			t.Errorf("Covered(%v) = %v, want %v", tc.scores, got, tc.covered)
		}
	}
	for score, want := range map[float64]bool{0.19: false, 0.2: true, 0.5: true} {
		if got := p.Quotable(score); got != want {
			t.Errorf("Quotable(%v) = %v, want %v", score, got, want)
		}
	}
}

// Refusals are in the question's language, English for any other, and say
// whether a document or the corpus lacks the topic.
func TestRefusalLanguage(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Refusal("it"), "Il corpus non tratta"},
		{Refusal("en"), "The corpus does not cover"},
		{Refusal("fr"), "The corpus does not cover"},
		{TopicRefusal("it", true), "Questo documento non tratta"},
		{TopicRefusal("it", false), "Il corpus non tratta"},
		{TopicRefusal("en", true), "This document does not cover"},
		{TopicRefusal("en", false), "The corpus does not cover this topic"},
	} {
		if !strings.HasPrefix(tc.got, tc.want) {
			t.Errorf("%q does not start with %q", tc.got, tc.want)
		}
	}
}
