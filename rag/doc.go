// Package rag answers questions about a corpus with cited passages.
//
// An Engine indexes documents into passages, retrieves them with a hybrid of
// dense vectors (chromem-go) and BM25 fused by reciprocal rank fusion, and
// answers either extractively (the offline default: the best sentences of the
// best passages, each cited) or through a Generator (an LLM) whose [n]
// citations are verified against the passages it was shown.
//
// The Engine is safe for concurrent use: queries read an immutable index
// snapshot while Index builds the next one beside it and swaps it in.
package rag
