// Package extract renders the engine's extractive answers and writes its
// extractive summaries: the offline default, and the fallback whenever an
// LLM fails. Answers quote the sentences the answer model picks (Quote);
// summaries the most central sentences of their scope. Every quote is
// verbatim and cited (Cite, which the LLM path uses for its quotes too).
//
// It imports briefing, corpus, internal/analysis and the rag packages
// lexical (coverage), answerable (which passages to quote) and hashed
// (sentence similarity).
package extract
