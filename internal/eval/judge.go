package eval

import "github.com/briefing/briefing/corpus"

// Judge applies the evaluation's relevance and correctness rules outside a
// Run, e.g. to label training data by the same rules the scores use.
type Judge struct {
	bodies map[string]string
}

// NewJudge returns a Judge over the documents of a corpus.
func NewJudge(docs []corpus.Document) *Judge {
	b := make(map[string]string, len(docs))
	for _, d := range docs {
		b[d.ID] = d.Body
	}
	return &Judge{bodies: b}
}

// Evidence is a question's evidence located in the corpus.
type Evidence struct {
	strs  []string
	spans []span
}

// Locate finds the evidence strings of a question in the corpus.
func (j *Judge) Locate(evidence []string) Evidence {
	spans, _ := locate(j.bodies, evidence)
	return Evidence{strs: evidence, spans: spans}
}

// Docs are the documents holding an evidence string.
func (e Evidence) Docs() []string {
	var ids []string
	seen := map[string]bool{}
	for _, s := range e.spans {
		if !seen[s.doc] {
			seen[s.doc] = true
			ids = append(ids, s.doc)
		}
	}
	return ids
}

// Relevant reports whether p is relevant to a question with evidence e: it
// contains an evidence string, or covers at least half of an occurrence of
// one where it sits in its document.
func (j *Judge) Relevant(p corpus.Passage, e Evidence) bool {
	return relevant(p, e.strs, e.spans, j.bodies)
}

// Satisfies reports whether text satisfies answer_any: one string of every
// group, case-insensitively.
func Satisfies(text string, groups [][]string) bool { return satisfies(text, groups) }
