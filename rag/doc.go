// Package rag answers questions about a corpus with cited passages.
//
// An Engine indexes documents into passages, retrieves them with a hybrid of
// dense vectors (chromem-go) and BM25 fused by reciprocal rank fusion, and
// answers either extractively (the offline default: the best sentences of the
// best passages, each cited) or through a Generator (an LLM) whose [n]
// citations are verified against the passages it was shown.
//
// With a Generator (Options.Generator, e.g. an *llm.Client):
//
//   - A question without evidence above Options.MinScore is refused without
//     calling the LLM.
//   - Otherwise the top passages, numbered 1..k with their document's title
//     and date, go to the LLM in a grounded prompt (internal/ground) that
//     keeps passages, history and question in escaped data blocks apart from
//     the instructions. The answer is verified sentence by sentence: markers
//     outside 1..k, or naming a passage that shares nothing with their
//     sentence, are removed; factual sentences left without a citation are
//     dropped (both logged at Info with counts only); the remaining markers
//     are renumbered 1..m in order of first use, and each cited passage gets
//     a verbatim quote around the sentence that best matches its claim.
//   - A refusal by the model is returned as Answer.Refused. Any failure (the
//     server down, slow past Options.GenerateTimeout, 429s and 5xx after the
//     client's retries, a truncated stream, malformed or empty replies, an
//     unknown model, a length-cut reply) and any answer mostly uncited or
//     left without a valid citation returns the extractive answer with Answer.Fallback and
//     FallbackReason set, and logs one Warn line with the cause. Cancelling
//     the caller's ctx stops the request and returns its error instead.
//   - With Options.RewriteQueries, a question in another language than the
//     corpus's is translated into it by one short completion (cached) and
//     retrieval runs on both texts; when the rewrite fails the
//     cross-language glossary alone bridges the languages, as offline.
//   - Summarize writes summaries by map-reduce over the scope's passages in
//     groups bounded by Options.SummaryTokenBudget, with the same citation
//     checks, cached by index version and request, and the extractive
//     summary as the fallback.
//
// Streaming (Request.OnDelta) shows the model's raw text as it arrives; the
// returned Answer.Text, verified or extractive, always supersedes it.
//
// The Engine is safe for concurrent use: queries read an immutable index
// snapshot while Index builds the next one beside it and swaps it in.
package rag
