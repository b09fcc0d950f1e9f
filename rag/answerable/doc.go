// Package answerable makes every decision of "does the corpus answer this":
// whether a retrieved passage is evidence for a question (Policy.Judge) and
// so whether the engine answers or refuses (Policy.Answered), which passages
// are relevant enough to quote or send to an LLM (Policy.Quotable), whether a
// summary topic is covered (Policy.Covered), and the refusal text.
//
// Its input is the question's analysis (kind and concepts resolved by
// rag/lexical) and the candidate passages with their relevance scores; it
// imports internal/analysis and rag/lexical only. It is the seam where a
// fitted model may replace the hand-written rules: keep the API, change the
// insides.
package answerable
