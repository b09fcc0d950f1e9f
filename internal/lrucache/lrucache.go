// Package lrucache builds the bounded caches of the engine (query rewrites,
// query embeddings, generated summaries) and of the bot (rate limiters,
// sources, conversations).
package lrucache

import lru "github.com/hashicorp/golang-lru/v2"

// New returns a concurrency-safe LRU cache of size entries. Size is a
// positive constant at every call site, so the only error lru.New returns
// cannot happen: a non-positive size panics.
func New[K comparable, V any](size int) *lru.Cache[K, V] {
	c, err := lru.New[K, V](size)
	if err != nil {
		panic(err)
	}
	return c
}
