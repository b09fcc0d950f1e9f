package rag

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestLLMContextDeadline checks the LLM's deadline: GenerateTimeout, or
// the caller's deadline less the fallback margin when that comes first.
func TestLLMContextDeadline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		generate time.Duration
		caller   time.Duration // 0: no deadline
		want     time.Duration // from now
	}{
		{"no caller deadline", 45 * time.Second, 0, 45 * time.Second},
		{"caller deadline far away", 45 * time.Second, 100 * time.Second, 45 * time.Second},
		{"caller deadline first", 45 * time.Second, 20 * time.Second, 18 * time.Second},
		{"short caller deadline keeps 200ms", 45 * time.Second, time.Second, 800 * time.Millisecond},
		{"caller deadline within the margin", 45 * time.Second, 100 * time.Millisecond, -100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := &Engine{opts: Options{GenerateTimeout: tt.generate}}
			ctx := context.Background()
			if tt.caller > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.caller)
				defer cancel()
			}
			start := time.Now()
			lctx, cancel := e.llmContext(ctx)
			defer cancel()
			dl, ok := lctx.Deadline()
			if !ok {
				t.Fatal("llmContext has no deadline")
			}
			if got := dl.Sub(start); got < tt.want-50*time.Millisecond || got > tt.want+50*time.Millisecond {
				t.Errorf("llmContext deadline in %v, want %v", got, tt.want)
			}
			// The margin is taken once: withinBudget leaves it alone.
			bctx, bcancel := withinBudget(lctx)
			defer bcancel()
			if bdl, _ := bctx.Deadline(); !bdl.Equal(dl) {
				t.Errorf("withinBudget moved llmContext's deadline by %v", dl.Sub(bdl))
			}
		})
	}
}

func TestWithinBudget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		caller time.Duration // 0: no deadline
		want   time.Duration // 0: no deadline
	}{
		{"no deadline", 0, 0},
		{"long deadline", 10 * time.Second, 9 * time.Second},
		{"short deadline", time.Second, 800 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			if tt.caller > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.caller)
				defer cancel()
			}
			start := time.Now()
			bctx, cancel := withinBudget(ctx)
			defer cancel()
			dl, ok := bctx.Deadline()
			if ok != (tt.want != 0) {
				t.Fatalf("withinBudget deadline set = %v, want %v", ok, tt.want != 0)
			}
			if got := dl.Sub(start); ok && (got < tt.want-50*time.Millisecond || got > tt.want+50*time.Millisecond) {
				t.Errorf("withinBudget deadline in %v, want %v", got, tt.want)
			}
		})
	}
}

// TestReasonIsOneBoundedLine: a fallback reason is the error on one line,
// clipped to maxReasonRunes runes (never mid-rune) with an ellipsis.
func TestReasonIsOneBoundedLine(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("è ", maxReasonRunes)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"short", errors.New("llm: 500\n  internal"), "llm: 500 internal"},
		{"timeout", fmt.Errorf("generate: %w", context.DeadlineExceeded), "llm timeout: generate: context deadline exceeded"},
		{"long", errors.New(long), string([]rune(strings.TrimSpace(long))[:maxReasonRunes]) + "…"},
	}
	for _, tt := range tests {
		if got := reason(tt.err); got != tt.want {
			t.Errorf("reason(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
