// Package briefing is the shared vocabulary of the project: what a question,
// an answer, a hit and a citation are, the chat Message that crosses package
// borders, the Generator (an LLM) and Embedder interfaces the engine is
// driven by, and the engine's sentinel errors.
//
// It is a leaf: it imports nothing of this module but corpus, so the
// packages that only speak this vocabulary (llm, bot, internal/eval,
// internal/ground) never link the engine, chromem-go or the file locks.
// The engine (rag) implements what it describes; cmd/briefing wires them.
package briefing
