// Package answerable decides whether the corpus covers a summary topic
// (Policy.Covered) and which passages are close enough to it to quote
// (Policy.Quotable), by a relevance floor on the share of the topic's
// concepts a passage covers, and writes the refusal text of questions and
// topics the corpus does not cover. Questions themselves are judged by the
// fitted answer model (internal/relevance).
package answerable
