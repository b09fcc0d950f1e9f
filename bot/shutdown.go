package bot

import (
	"context"
	"sync"
)

// A shutdown gives replies in flight ShutdownTimeout to finish. Answers
// that need longer (a slow LLM) would be cut off by the exit with nothing
// said, so after hurryShare of the deadline the bot hurries: every answer
// still being computed is cancelled, and its user is told that the bot is
// restarting (msgs.ShuttingDown) in the time that is left. A streamed
// answer is finalised the same way: the notice replaces the draft.

// hurryShare is the part of ShutdownTimeout answers get before they are
// cancelled; the rest is for sending the notices.
const hurryShare = 0.6

// hurry is closed once, when the bot must finish its shutdown.
type hurry struct {
	once sync.Once
	ch   chan struct{}
}

func newHurry() *hurry { return &hurry{ch: make(chan struct{})} }

func (h *hurry) now() { h.once.Do(func() { close(h.ch) }) }
func (h *hurry) done() bool {
	select {
	case <-h.ch:
		return true
	default:
		return false
	}
}

// answerContext is the context one answer is computed under: it ends after
// AnswerTimeout, or when the bot hurries to finish a shutdown. The
// CancelFunc must be called.
func (b *Bot) answerContext(ctx context.Context) (context.Context, context.CancelFunc) {
	actx, cancel := context.WithTimeout(ctx, b.opts.AnswerTimeout)
	go func() {
		select {
		case <-b.hurry.ch:
			cancel()
		case <-actx.Done():
		}
	}()
	return actx, cancel
}
