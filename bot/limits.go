package bot

import (
	lru "github.com/hashicorp/golang-lru/v2"

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

// mustLRU returns a concurrency-safe LRU cache of size entries (a positive
// constant, so lru.New cannot fail).
func mustLRU[K comparable, V any](size int) *lru.Cache[K, V] {
	c, err := lru.New[K, V](size)
	if err != nil {
		panic(err)
	}
	return c
}

func casSent(p *int32) bool { return atomic.CompareAndSwapInt32(p, 0, 1) }
