package rag

import (
	"strconv"
	"sync"
	"testing"
)

func TestLRU(t *testing.T) {
	t.Parallel()
	c := newLRU[string, int](2)
	c.put("a", 1)
	c.put("b", 2)
	c.get("a") // b is now the least recently used
	c.put("c", 3)
	for _, tt := range []struct {
		key string
		ok  bool
	}{{"a", true}, {"b", false}, {"c", true}} {
		if _, ok := c.get(tt.key); ok != tt.ok {
			t.Errorf("get(%q) ok = %v, want %v", tt.key, ok, tt.ok)
		}
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100 {
				k := strconv.Itoa(i*100 + j)
				c.put(k, j)
				c.get(k)
			}
		}()
	}
	wg.Wait()
	if n := c.len(); n != 2 {
		t.Errorf("len = %d after concurrent puts, want 2", n)
	}
}
