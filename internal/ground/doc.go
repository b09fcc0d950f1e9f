// Package ground holds the pure text work of grounded generation: the
// prompts (answer, map-reduce summary, query rewrite) and the checks on what
// the model wrote (citation markers, refusals, renumbering, and the
// sentence-by-sentence verification of a completion: CheckSentences). It
// does no I/O and imports only briefing (its prompts are briefing.Message)
// and corpus, so rag can use it without a cycle.
//
// Prompts keep instructions and data apart: instructions live only in the
// system message; passages, history and the question sit in the user message
// inside <passages>, <history> and <question> blocks, with every angle
// bracket of the data replaced by a look-alike (‹ ›) so no document or
// question can close a block or open a fake one.
package ground
