package rag

import lru "github.com/hashicorp/golang-lru/v2"

// mustLRU returns a concurrency-safe LRU cache of size entries; the engine
// keeps query rewrites and generated summaries in such caches so a repeated
// question or summary costs no completion. Size is a positive constant, so
// the only error lru.New returns cannot happen.
func mustLRU[K comparable, V any](size int) *lru.Cache[K, V] {
	c, err := lru.New[K, V](size)
	if err != nil {
		panic(err)
	}
	return c
}
