// Package lexical is the lexical index of the engine: BM25 over the analysed
// terms of every passage, with term positions so phrases match in order,
// document titles, and cognates found in the corpus vocabulary. It resolves
// a question's concepts against the corpus (Resolve: each concept's weight
// and the passages expressing it), ranks passages (BM25) and measures how
// much of a question a passage or a sentence covers (Coverage, CoverStems).
//
// It imports corpus and internal/analysis only; it decides nothing about
// whether a passage answers a question: its scores are features of the
// answer model (internal/relevance).
package lexical
