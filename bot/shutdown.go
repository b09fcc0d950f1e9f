package bot

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/briefing/briefing"
)

// A shutdown gives replies in flight ShutdownTimeout to finish. Answers
// that need longer (a slow LLM) would be cut off by the exit with nothing
// said, so after hurryShare of the deadline the bot hurries: every answer
// still being computed is cancelled, and its user is told that the bot is
// restarting (msgs.ShuttingDown) in the time that is left. Before that, a
// question (not a summary) is asked once more under a short deadline: the
// engine keeps time back from a deadline to build its extractive answer
// when the LLM runs out of it, so the user usually gets that answer,
// flagged as a fallback, rather than the notice. A streamed answer is
// finalised either way: the answer or the notice replaces the draft.

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

// Bounds of the answer in haste: a third of the shutdown time left, within
// these.
const (
	minHaste = 200 * time.Millisecond
	maxHaste = 2 * time.Second
)

// answerInHaste asks req again, without streaming, under a short deadline
// when err says the bot's hurry cut the first attempt off. Otherwise, or
// when there is no time or it fails too, it returns err.
func (b *Bot) answerInHaste(ctx context.Context, log *slog.Logger, req briefing.Request, err error) (briefing.Answer, error) {
	if !b.hurry.done() || !errors.Is(err, context.Canceled) {
		return briefing.Answer{}, err
	}
	d := min(time.Until(time.Unix(0, b.stopBy.Load()))/3, maxHaste)
	if d < minHaste {
		return briefing.Answer{}, err
	}
	hctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	req.OnDelta = nil
	log.Info("shutdown: answering in haste", "deadline_ms", d.Milliseconds())
	a, herr := b.engine.Answer(hctx, req)
	if herr != nil {
		return briefing.Answer{}, err
	}
	return a, nil
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
