// Package relevance is the fitted answer model: it ranks passages for a
// question, estimates how likely the best of them answer it and how likely
// the corpus holds its subject at all (the three states: answer, uncertain,
// refused), and picks the sentences that hold the answer.
//
// Each decision is a logistic model over documented features (BM25 over
// words, stems and 5-letter prefixes, coverage of the question's weight,
// phrase and proximity matches, title match, cross-lingual bridge matches
// through the glossary and a machine translation of the question, the dense
// score, answer-type evidence, each signal's rank among the candidates). The weights are not set by hand: they are
// fitted on the development questions by "briefing train" (package
// relevance/fit) and stored in weights.json beside this file, with the
// command, the data and the cross-validated scores that produced them.
//
// The package imports nothing of ours but corpus and internal/analysis, so
// the engine can hold one Index per index snapshot.
package relevance
