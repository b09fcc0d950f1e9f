// Package rag is the engine: it indexes documents into passages and
// orchestrates each request (Answer, Search, Summarize, Explain, Index,
// Documents: one file each) over one immutable index snapshot, taken once
// at the start of the request and passed down, so an Index swapping in the
// next snapshot never mixes two indexes in one answer or cache key.
//
// The work itself is in its packages, one job each:
//
//   - rag/lexical: BM25 over analysed terms with positions, question
//     concepts resolved against the corpus, coverage.
//   - rag/vecstore: the dense store (chromem-go) and its on-disk
//     generations under a file lock; the only importer of chromem-go and
//     flock.
//   - rag/hashed: the offline hashed embedder.
//   - internal/relevance: the fitted answer model — passage ranking,
//     P(answerable), P(covered), answer sentences — and its features.
//   - rag/answerable: the relevance floor of topic summaries, the refusal
//     text.
//   - rag/extract: extractive answers and summaries, verbatim quotes.
//   - internal/ground: grounded prompts and the checks on what an LLM wrote.
//
// rag imports those, package briefing (the shared vocabulary: Answer, Hit,
// Request, Generator, Embedder, the sentinel errors), corpus and
// internal/*; nothing imports rag but cmd/briefing (and tests). llm and bot
// speak package briefing and never import rag.
//
// Retrieval gathers candidates from BM25 over words, stems and prefixes (of
// the question and, for an English question over Italian text, its
// Apertium translation), from the glossary's concepts and from the dense
// vectors, and the fitted answer model ranks them and decides the state:
// answer, uncertain or refused. The question's embedding is cached and
// bounded by Options.EmbedTimeout: when the embedder fails or is slow,
// retrieval runs lexical-only and one Warn line is logged.
//
// Answers are extractive (the offline default: the best sentences of the
// best passages, each cited) or written by a Generator (an LLM) whose [n]
// citations are verified against the passages it was shown. With a
// Generator (Options.Generator, e.g. an *llm.Client):
//
//   - A refused question (the corpus does not hold its subject) never
//     reaches the LLM; an uncertain one goes with a note that the passages
//     may not answer it.
//   - Otherwise the top passages, numbered 1..k with their document's title
//     and date, go to the LLM in a grounded prompt (internal/ground) that
//     keeps passages, history and question in escaped data blocks apart from
//     the instructions. The answer is verified sentence by sentence: markers
//     outside 1..k, or naming a passage that shares nothing with their
//     sentence, are removed; factual sentences left without a citation are
//     dropped (both logged at Info with counts only); the remaining markers
//     are renumbered 1..m in order of first use, and each cited passage gets
//     a verbatim quote around the sentence that best matches its claim.
//   - A model saying the passages do not answer is returned as state
//     uncertain, the closest passages quoted and cited. Any failure (the
//     server down, slow past Options.GenerateTimeout, 429s and 5xx after the
//     client's retries, a truncated stream, malformed or empty replies, an
//     unknown model, a length-cut reply) and any answer mostly uncited or
//     left without a valid citation returns the extractive answer with
//     Answer.Fallback and FallbackReason set, and logs one Warn line with
//     the cause. Cancelling the caller's ctx stops the request and returns
//     its error instead.
//   - With Options.RewriteQueries, a question in another language than the
//     corpus's is translated into it by one short completion (cached) and
//     retrieval runs on both texts; when the rewrite fails the
//     cross-language glossary alone bridges the languages, as offline.
//   - Summarize writes summaries by map-reduce over the scope's passages in
//     groups bounded by Options.SummaryTokenBudget, the map steps a few at
//     a time under one errgroup (the first failure cancels the rest), with
//     the same citation checks, cached by index version and request, and
//     the extractive summary as the fallback.
//
// Streaming (Request.OnDelta) shows the model's raw text as it arrives; the
// returned Answer.Text, verified or extractive, always supersedes it.
//
// The Engine is safe for concurrent use: queries read an immutable index
// snapshot while Index builds the next one beside it and swaps it in.
package rag
