package lrucache

import "testing"

// The cache holds at most size entries, dropping the least recently used.
func TestNewIsBounded(t *testing.T) {
	c := New[string, int](2)
	c.Add("a", 1)
	c.Add("b", 2)
	if _, ok := c.Get("a"); !ok { // a is now the most recent
		t.Fatal("a missing")
	}
	c.Add("c", 3)
	if _, ok := c.Get("b"); ok || c.Len() != 2 {
		t.Errorf("b kept or %d entries, want b dropped and 2 entries", c.Len())
	}
	if _, ok := c.Get("a"); !ok {
		t.Error("the recently used a was dropped")
	}
}

// A size that is not positive is a programming error at a call site.
func TestNewPanicsOnNoSize(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New(0) did not panic")
		}
	}()
	New[string, int](0)
}
