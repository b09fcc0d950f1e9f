package bot

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"golang.org/x/time/rate"
)

// limiter applies the per-user rate limit and the global concurrency cap.
type limiter struct {
	every time.Duration
	burst int
	slots chan struct{}

	mu    sync.Mutex // guards users (simplelru is not safe for concurrent use)
	users *simplelru.LRU[string, *rate.Limiter]
}

// maxTrackedUsers bounds how many users' rate limiters are kept. Beyond it
// the least recently seen user is forgotten. A forgotten user who comes back
// starts with a fresh, full bucket: an exchange of memory for leniency that
// only matters for a user idle while maxTrackedUsers others asked, by which
// time their own bucket would usually be full again anyway.
const maxTrackedUsers = 10000

func newLimiter(perMinute, burst, concurrent int) *limiter {
	return newLimiterSize(perMinute, burst, concurrent, maxTrackedUsers)
}

// newLimiterSize is newLimiter tracking at most users users.
func newLimiterSize(perMinute, burst, concurrent, users int) *limiter {
	lim, err := simplelru.NewLRU[string, *rate.Limiter](users, nil)
	if err != nil { // only for a non-positive size, a programming error
		panic(err)
	}
	return &limiter{
		every: time.Minute / time.Duration(perMinute),
		burst: burst,
		slots: make(chan struct{}, concurrent),
		users: lim,
	}
}

// allow reports whether user may ask now, spending one token if so. It
// costs O(1) however many users are tracked.
func (l *limiter) allow(user string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	u, ok := l.users.Get(user) // marks user as recently seen
	if !ok {
		u = rate.NewLimiter(rate.Every(l.every), l.burst)
		l.users.Add(user, u) // evicts the least recently seen user when full
	}
	return u.AllowN(now, 1)
}

// tracked returns how many users have a rate limiter.
func (l *limiter) tracked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.users.Len()
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

// mustSimpleLRU returns an LRU of size entries, not safe for concurrent
// use (size is a positive constant, so it cannot fail).
func mustSimpleLRU[K comparable, V any](size int) *simplelru.LRU[K, V] {
	c, err := simplelru.NewLRU[K, V](size, nil)
	if err != nil {
		panic(err)
	}
	return c
}
