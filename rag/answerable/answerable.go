package answerable

// Policy holds the relevance floor of topic summaries.
type Policy struct {
	// MinScore is the relevance floor in (0, 1]: the share of a topic's
	// weight a passage must cover (the engine's Options.MinScore).
	MinScore float64
}

// Quotable reports whether a passage of relevance score is close enough to
// a summary's topic to be quoted (half the floor).
func (p Policy) Quotable(score float64) bool { return score >= p.MinScore/2 }

// Covered reports whether the best of the relevance scores of a topic's
// quotable passages reaches the floor: a summary topic that is not covered
// is refused like a question.
func (p Policy) Covered(scores []float64) bool {
	best := 0.0
	for _, s := range scores {
		best = max(best, s)
	}
	return len(scores) > 0 && best >= p.MinScore
}

// Refusal is the "not in the corpus" answer in the question's language.
func Refusal(lang string) string {
	if lang == "it" {
		return "Il corpus non tratta questo argomento: nessun passaggio dei documenti risponde alla domanda."
	}
	return "The corpus does not cover this: no passage of the documents answers the question."
}

// TopicRefusal is the refusal of a summary topic the corpus (or, inDoc,
// the one document summarised) does not cover, in lang.
func TopicRefusal(lang string, inDoc bool) string {
	switch {
	case lang == "it" && inDoc:
		return "Questo documento non tratta questo argomento: nessuno dei suoi passaggi ne parla."
	case lang == "it":
		return "Il corpus non tratta questo argomento: nessun passaggio dei documenti ne parla."
	case inDoc:
		return "This document does not cover this topic: none of its passages is about it."
	}
	return "The corpus does not cover this topic: no passage of the documents is about it."
}
