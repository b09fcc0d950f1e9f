package briefing

import (
	"time"

	"github.com/briefing/briefing/corpus"
)

// Hit is one retrieved passage with its scores.
type Hit struct {
	Passage corpus.Passage
	// Score is the passage's relevance in [0, 1]: the share of the
	// question's weight (its concepts, by IDF) the passage expresses. The
	// relevance floor (the engine's MinScore) applies to it.
	Score float64
	// Fused is the ranking score hits are ordered by: reciprocal rank fusion
	// of the dense and lexical rankings, with Score as a tie-breaker.
	Fused float64
	// Dense is the cosine similarity of the dense search (0 if not found there).
	Dense float64
	// Lexical is the BM25 score (0 if not found there).
	Lexical float64
	// Rank is the 1-based position in the result list.
	Rank int
	// Gloss is a machine translation of Passage.Text into the query's
	// language when the passage is in another one and the search asked for
	// it (SearchRequest.Gloss); empty otherwise. Rough: shown beside the
	// passage, never instead of it.
	Gloss string
}

// SearchRequest is a search without an answer: the passages a question
// would be answered from.
type SearchRequest struct {
	// Query is the user's text.
	Query string
	// K is how many passages to return; 0 means the engine's default.
	K int
	// Filter keeps only passages of documents published in a date range or
	// by given outlets; the zero Filter keeps all. Optional.
	Filter corpus.Filter
	// Gloss asks for Hit.Gloss, as Request.Gloss does for quotes.
	Gloss bool
}

// Citation ties an [N] marker of an answer to the passage it quotes.
type Citation struct {
	// N is the number used in the answer's [N] markers, 1-based.
	N int
	// Passage is the cited passage, with its document and offsets.
	Passage corpus.Passage
	// Quote is a verbatim excerpt of the passage, trimmed around the cited
	// sentence(s); it is always a substring of the document body.
	Quote string
	// QuoteStart and QuoteEnd are the byte offsets of Quote in the document
	// body: Body[QuoteStart:QuoteEnd] == Quote.
	QuoteStart, QuoteEnd int
	// Gloss is a machine translation of Quote into the answer's language
	// when the passage is in another one and the request asked for it
	// (Request.Gloss); empty otherwise. It is no quote: show it labelled
	// as a machine translation, beside Quote, never in its place.
	Gloss string
}

// Timings records where the time of a request went.
type Timings struct {
	Retrieval  time.Duration
	Generation time.Duration
	Total      time.Duration
}

// Answer is the result of a question or a summary.
type Answer struct {
	// Question as asked (or the summary topic).
	Question string
	// Lang is the language of the question and of Text: "it" or "en".
	Lang string
	// Text is the answer with [N] citation markers.
	Text string
	// Citations lists the passages the markers name, in N order; only
	// verified citations appear here.
	Citations []Citation
	// State is what the engine made of the question: StateAnswer (a cited
	// answer), StateUncertain (no passage answers it directly: Text
	// quotes and cites the closest ones) or StateRefused (the corpus does
	// not cover it).
	State State
	// Confidence is the fitted probability that the answer is right (the
	// answer model's answerability), in [0, 1]; 0 for summaries.
	Confidence float64
	// Refused is true when the corpus does not cover the question (State
	// is StateRefused); Text then says so in Lang and Citations is empty.
	Refused bool
	// Generated is true when an LLM wrote Text.
	Generated bool
	// Fallback is true when an LLM was configured but failed or produced an
	// unverifiable answer, so the extractive answer was used instead.
	Fallback bool
	// FallbackReason says why, in one short line for the operator's log
	// (not for users): the LLM error ("llm: chat: status 500 after 4
	// attempts: …"), a timeout, or "unverifiable: no valid citation".
	FallbackReason string
	// Hits are the passages retrieved for the question, best first.
	Hits []Hit
	// Timings of the request.
	Timings Timings
}

// State is the outcome of a question.
type State string

// The three outcomes of a question.
const (
	StateAnswer    State = "answer"
	StateUncertain State = "uncertain"
	StateRefused   State = "refused"
)

// Turn is one earlier exchange of a conversation (a Discord thread).
type Turn struct {
	Question string
	Answer   string
}

// Request is a question to answer.
type Request struct {
	// Question is the user's text.
	Question string
	// History holds earlier turns of the conversation, oldest first; they
	// help retrieval and generation resolve follow-ups. Optional.
	History []Turn
	// OnDelta, when set and an LLM is configured, receives the generated text
	// as it streams (each call carries the new fragment), from the calling
	// goroutine. Optional. The fragments are the model's raw text: its
	// citation numbers are not yet verified or renumbered, and when the
	// stream fails or the answer is unverifiable the engine falls back to
	// the extractive answer. The returned Answer.Text always supersedes
	// what was streamed: show it in place of the fragments (the bot edits
	// its message to the final text).
	OnDelta func(delta string)
	// Filter keeps only passages of documents published in a date range or
	// by given outlets; the zero Filter keeps all. Optional.
	Filter corpus.Filter
	// Gloss asks for Citation.Gloss: quotes in another language than the
	// answer's machine-translated into it, when the engine has a
	// translator for the pair (Apertium takes about 10 ms a quote).
	Gloss bool
}

// SummaryRequest selects what to summarise: the whole corpus (both empty),
// one document (DocID), or a topic (Topic, optionally within DocID).
type SummaryRequest struct {
	DocID string
	Topic string
	// Lang is the language of the framing text ("it" or "en"); empty means
	// the topic's language, or the documents' when there is no topic.
	Lang string
	// OnDelta as in Request: with an LLM it streams the final step of a
	// generated summary (or, from the cache, the whole text at once);
	// Answer.Text supersedes it.
	OnDelta func(delta string)
	// Filter limits the summary to documents of a date range or outlets
	// ("what changed since 2025-06-01"); the zero Filter keeps all.
	Filter corpus.Filter
	// Gloss as in Request.
	Gloss bool
}

// DocumentInfo describes an indexed document.
type DocumentInfo struct {
	ID, Title, Lang, Date, Author, Source string
	// URL where the document can be read, Format it was stored in
	// ("markdown", "html", "pdf", …) and Path: its file in the corpus
	// directory, or the feed or page URL it was fetched from.
	URL, Format, Path string
	Passages          int
}

// IndexReport says what an Index call changed.
type IndexReport struct {
	Added, Changed, Removed, Unchanged int
	// AddedIDs, ChangedIDs and RemovedIDs name the documents counted in
	// Added, Changed and Removed, sorted.
	AddedIDs, ChangedIDs, RemovedIDs []string
	// Passages in the new index, and how many of them had to be embedded
	// (the rest reused their stored vectors).
	Passages, Embedded int
	// Rebuilt is true when settings changed and every passage was re-embedded.
	Rebuilt  bool
	Duration time.Duration
}

// CorpusChange says what a reload or a corpus edit (an admin adding or
// removing a document) changed.
type CorpusChange struct {
	// Index is the engine's report: counts and the IDs of the documents
	// added, changed and removed.
	Index IndexReport
	// Sources are the feeds and URLs fetched on the way, in order.
	Sources []SourceChange
}

// SourceChange is what one feed or URL gave on a reload.
type SourceChange struct {
	URL string
	// New lists the IDs of documents the source had not given before.
	New []string
	// Err is why the source failed ("" if it did not); Stale means its last
	// good copy was indexed instead.
	Err   string
	Stale bool
}

// IndexProgress is reported while indexing.
type IndexProgress struct {
	Stage       string // "chunk", "embed", "write"
	Done, Total int
}
