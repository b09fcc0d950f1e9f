package bot

import (
	"container/list"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// limiter applies the per-user rate limit and the global concurrency cap.
type limiter struct {
	every time.Duration
	burst int
	slots chan struct{}

	mu    sync.Mutex
	users map[string]*userLimit
}

type userLimit struct {
	lim  *rate.Limiter
	seen time.Time
}

// maxTrackedUsers bounds the per-user map; idle users beyond it are dropped
// (an idle user's bucket is full again anyway).
const maxTrackedUsers = 10000

func newLimiter(perMinute, burst, concurrent int) *limiter {
	return &limiter{
		every: time.Minute / time.Duration(perMinute),
		burst: burst,
		slots: make(chan struct{}, concurrent),
		users: make(map[string]*userLimit),
	}
}

// allow reports whether user may ask now, spending one token if so.
func (l *limiter) allow(user string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	u := l.users[user]
	if u == nil {
		if len(l.users) >= maxTrackedUsers {
			full := l.every * time.Duration(l.burst)
			for id, v := range l.users {
				if now.Sub(v.seen) > full {
					delete(l.users, id)
				}
			}
		}
		u = &userLimit{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.users[user] = u
	}
	u.seen = now
	return u.lim.AllowN(now, 1)
}

// acquire takes a concurrency slot without waiting; release gives it back.
func (l *limiter) acquire() bool {
	select {
	case l.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

func (l *limiter) release() { <-l.slots }

// lru is a small bounded map that forgets the least recently used entry.
type lru[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	order *list.List // front = most recent; values are K
	items map[K]*list.Element
	vals  map[K]V
}

func newLRU[K comparable, V any](max int) *lru[K, V] {
	return &lru[K, V]{max: max, order: list.New(), items: make(map[K]*list.Element), vals: make(map[K]V)}
}

func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(e)
	return c.vals[k], true
}

func (c *lru[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		c.vals[k] = v
		return
	}
	c.items[k] = c.order.PushFront(k)
	c.vals[k] = v
	for c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		key := old.Value.(K)
		delete(c.items, key)
		delete(c.vals, key)
	}
}

func casSent(p *int32) bool { return atomic.CompareAndSwapInt32(p, 0, 1) }
