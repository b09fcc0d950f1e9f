// Package llm talks to any OpenAI-compatible server (OpenAI, Azure OpenAI's
// v1 endpoint, Ollama, vLLM, llama.cpp server) through go-openai. It is the
// only package of briefing that imports go-openai: *Client satisfies
// briefing.Generator (and briefing.LimitedGenerator) and NewEmbedder adapts
// it to briefing.Embedder, so the engine never sees a third-party type. It
// imports package briefing only, never the engine (rag): the client does
// not link chromem-go (TestLayout checks it).
//
// Every call retries 429, 5xx, timeouts and network errors with exponential
// backoff and full jitter, honouring Retry-After; other 4xx fail at once. Each
// attempt is bounded by Config.Timeout and the whole call by the caller's ctx.
// Failures come back as *Error, whose message names the operation, the HTTP
// status and the number of attempts in one line, and which wraps the cause
// and, where it applies, one of the sentinels (ErrEmptyCompletion,
// ErrTruncated, ErrLength, ErrFiltered, ErrMalformed, ErrTimeout).
//
// The API key is sent as a bearer token and never logged; Config implements
// slog.LogValuer so even logging the whole Config redacts it.
package llm
