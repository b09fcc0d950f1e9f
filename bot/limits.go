package bot

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"golang.org/x/time/rate"
)

// limiter applies the per-user and per-channel rate limits and the global
// concurrency cap.
type limiter struct {
	users, channels *buckets
	slots           chan struct{}
}

// buckets is one token bucket per key (a user, a channel), the least
// recently seen forgotten past a bound.
type buckets struct {
	every time.Duration
	burst int

	mu   sync.Mutex // guards lru (simplelru is not safe for concurrent use)
	keys *simplelru.LRU[string, *rate.Limiter]
}

// maxTrackedUsers bounds how many users' rate limiters are kept. Beyond it
// the least recently seen user is forgotten. A forgotten user who comes back
// starts with a fresh, full bucket: an exchange of memory for leniency that
// only matters for a user idle while maxTrackedUsers others asked, by which
// time their own bucket would usually be full again anyway.
const maxTrackedUsers = 10000

// maxTrackedChannels bounds the channels' rate limiters likewise.
const maxTrackedChannels = 10000

// rates are the per-minute rates and bursts of a limiter.
type rates struct {
	userPerMinute, userBurst       int
	channelPerMinute, channelBurst int
}

func newLimiter(r rates, concurrent int) *limiter {
	return newLimiterSize(r, concurrent, maxTrackedUsers)
}

// newLimiterSize is newLimiter tracking at most users users.
func newLimiterSize(r rates, concurrent, users int) *limiter {
	return &limiter{
		users:    newBuckets(r.userPerMinute, r.userBurst, users),
		channels: newBuckets(r.channelPerMinute, r.channelBurst, maxTrackedChannels),
		slots:    make(chan struct{}, concurrent),
	}
}

func newBuckets(perMinute, burst, size int) *buckets {
	lru, err := simplelru.NewLRU[string, *rate.Limiter](size, nil)
	if err != nil { // only for a non-positive size, a programming error
		panic(err)
	}
	return &buckets{every: time.Minute / time.Duration(perMinute), burst: burst, keys: lru}
}

// allow reports whether key may go now, spending one token if so. It costs
// O(1) however many keys are tracked.
func (b *buckets) allow(key string, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	k, ok := b.keys.Get(key) // marks key as recently seen
	if !ok {
		k = rate.NewLimiter(rate.Every(b.every), b.burst)
		b.keys.Add(key, k) // evicts the least recently seen key when full
	}
	return k.AllowN(now, 1)
}

// why a request was turned away by allow.
type limited int

const (
	notLimited limited = iota
	userLimited
	channelLimited
)

// allow reports whether user may ask now in channel ("" when there is
// none), spending a token of each. The user's bucket is asked first, so
// that one user asking too fast spends nothing of the channel's, which
// everyone there shares.
func (l *limiter) allow(user, channel string, now time.Time) limited {
	if !l.users.allow(user, now) {
		return userLimited
	}
	if channel != "" && !l.channels.allow(channel, now) {
		return channelLimited
	}
	return notLimited
}

// tracked returns how many users have a rate limiter.
func (l *limiter) tracked() int {
	l.users.mu.Lock()
	defer l.users.mu.Unlock()
	return l.users.keys.Len()
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
