package bot

import (
	"strconv"
	"testing"
	"time"
)

func TestLimiterTracksABoundedNumberOfUsers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		size  int
		users int
	}{
		{"below the bound", 100, 50},
		{"at the bound", 100, 100},
		{"far beyond the bound", 100, 5000},
		{"default bound", maxTrackedUsers, maxTrackedUsers + 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := newLimiterSize(rates{6, 3, 6, 3}, 1, tt.size)
			now := time.Unix(1e9, 0)
			for u := range tt.users {
				if l.allow("u"+strconv.Itoa(u), "", now) != notLimited {
					t.Fatalf("allow(new user %d) = false, want true", u)
				}
			}
			if got, want := l.tracked(), min(tt.users, tt.size); got != want {
				t.Errorf("tracked() = %d after %d users, want %d", got, tt.users, want)
			}
		})
	}
}

func TestLimiterEvictsLeastRecentlySeen(t *testing.T) {
	t.Parallel()
	l := newLimiterSize(rates{6, 1, 6, 1}, 1, 2)
	now := time.Unix(1e9, 0)
	steps := []struct {
		user string
		want bool
	}{
		{"a", true},  // a spends its only token
		{"b", true},  // b too
		{"a", false}, // a is limited, and now more recently seen than b
		{"c", true},  // evicts b, the least recently seen
		{"a", false}, // a was kept: still limited
		{"b", true},  // b was forgotten: a fresh limiter starts full
	}
	for n, s := range steps {
		if got := l.allow(s.user, "", now) == notLimited; got != s.want {
			t.Errorf("step %d: allow(%q) = %v, want %v", n, s.user, got, s.want)
		}
	}
	if got := l.tracked(); got != 2 {
		t.Errorf("tracked() = %d, want 2", got)
	}
}

// TestChannelLimit: a channel's bucket is shared by everyone in it, and a
// user turned away for asking too fast spends none of it.
func TestChannelLimit(t *testing.T) {
	t.Parallel()
	l := newLimiterSize(rates{userPerMinute: 1, userBurst: 1, channelPerMinute: 1, channelBurst: 2}, 1, 10)
	now := time.Unix(1e9, 0)
	steps := []struct {
		user, channel string
		want          limited
	}{
		{"a", "c1", notLimited},
		{"a", "c1", userLimited}, // spends nothing of c1's
		{"b", "c1", notLimited},  // c1's second token
		{"c", "c1", channelLimited},
		{"d", "c2", notLimited}, // another channel has its own
		{"e", "", notLimited},   // no channel: the user's limit only
	}
	for n, s := range steps {
		if got := l.allow(s.user, s.channel, now); got != s.want {
			t.Errorf("step %d: allow(%q, %q) = %v, want %v", n, s.user, s.channel, got, s.want)
		}
	}
}
