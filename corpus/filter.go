package corpus

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Filter narrows retrieval by publication date and outlet. The zero Filter
// matches everything.
type Filter struct {
	// Since and Until bound the publication time, both inclusive (Until
	// covers its whole day when given as a date); zero means unbounded. A
	// bounded filter never matches an undated document: its age is unknown.
	Since, Until time.Time
	// Sources keeps documents whose outlet (or URL host) contains one of
	// these, case-insensitively; empty keeps all.
	Sources []string
}

// IsZero reports whether f matches everything.
func (f Filter) IsZero() bool {
	return f.Since.IsZero() && f.Until.IsZero() && len(f.Sources) == 0
}

// Match reports whether passage p passes f.
func (f Filter) Match(p Passage) bool {
	if !f.Since.IsZero() || !f.Until.IsZero() {
		if p.Published.IsZero() {
			return false
		}
		if !f.Since.IsZero() && p.Published.Before(f.Since) {
			return false
		}
		if !f.Until.IsZero() && p.Published.After(f.Until) {
			return false
		}
	}
	if len(f.Sources) == 0 {
		return true
	}
	outlet := strings.ToLower(p.Source + " " + hostOf(p.URL))
	for _, s := range f.Sources {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" && strings.Contains(outlet, s) {
			return true
		}
	}
	return false
}

// String describes f for logs and replies ("since 2025-06-01, source ISPI").
func (f Filter) String() string {
	var parts []string
	if !f.Since.IsZero() {
		parts = append(parts, "since "+f.Since.Format("2006-01-02"))
	}
	if !f.Until.IsZero() {
		parts = append(parts, "until "+f.Until.Format("2006-01-02"))
	}
	if len(f.Sources) > 0 {
		parts = append(parts, "source "+strings.Join(f.Sources, ", "))
	}
	return strings.Join(parts, ", ")
}

// ErrBadFilter is wrapped by ParseFilter's errors.
var ErrBadFilter = errors.New("bad filter")

// ParseFilter builds a Filter from user input: since and until as ISO dates
// (2025-06-01) or times, and a comma-separated list of sources; each may be
// empty. An until given as a date includes that whole day.
func ParseFilter(since, until, sources string) (Filter, error) {
	var f Filter
	var errs []error
	if s := strings.TrimSpace(since); s != "" {
		t, ok := ParseDate(s)
		if !ok {
			errs = append(errs, fmt.Errorf("%w: since %q is not a date such as 2025-06-01", ErrBadFilter, s))
		}
		f.Since = t
	}
	if s := strings.TrimSpace(until); s != "" {
		t, ok := ParseDate(s)
		if !ok {
			errs = append(errs, fmt.Errorf("%w: until %q is not a date such as 2025-06-30", ErrBadFilter, s))
		} else if len(s) == len("2006-01-02") {
			t = t.Add(24*time.Hour - time.Nanosecond)
		}
		f.Until = t
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && f.Until.Before(f.Since) {
		errs = append(errs, fmt.Errorf("%w: until %s is before since %s", ErrBadFilter, f.Until.Format("2006-01-02"), f.Since.Format("2006-01-02")))
	}
	for s := range strings.SplitSeq(sources, ",") {
		if s = strings.TrimSpace(s); s != "" {
			f.Sources = append(f.Sources, s)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Filter{}, err
	}
	return f, nil
}
