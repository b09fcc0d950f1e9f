package rag

import (
	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/relevance"
	"github.com/briefing/briefing/rag/extract"
)

// extractive is the extractive response to r: in state answer, the
// sentences of the top passage that the answer model picks, cited; in state
// uncertain, the quoted sentences of each of the closest passages
// (Model.QuoteSentences), framed as such (as the fit measures it).
func (e *Engine) extractive(r *retrieval, state briefing.State) (string, []briefing.Citation) {
	n, pick := 1, e.model.BestSentences
	if state == briefing.StateUncertain {
		n, pick = relevance.ClosestPassages, e.model.QuoteSentences
	}
	var picks []extract.Pick
	for i := 0; i < n && i < len(r.hits); i++ {
		ss := r.snap.rel.Sentences(r.rq, r.ranked[i].Passage)
		pk := extract.Pick{Hit: i}
		for _, j := range pick(ss) {
			pk.Spans = append(pk.Spans, corpus.Span{Start: ss[j].Start, End: ss[j].End})
		}
		picks = append(picks, pk)
	}
	return extract.Quote(r.snap, r.lang, state == briefing.StateUncertain, r.hits, picks)
}
