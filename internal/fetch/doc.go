// Package fetch brings web pages and news feeds into the corpus: the
// corpus.urls and corpus.feeds of the configuration.
//
// Every request carries a User-Agent naming the bot, a timeout, a size cap
// and, once a source has been fetched, a conditional header (If-None-Match,
// If-Modified-Since), so an unchanged page costs a 304 and is neither
// downloaded nor re-embedded. Responses are cached on disk (under the index
// directory), which is also what a failing source falls back to: one bad
// source is reported and its last good copy kept, and the others go on.
package fetch
