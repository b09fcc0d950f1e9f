package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/briefing/briefing/corpus"
)

// streamer edits a streamed answer in, at most once per interval.
type streamer struct {
	mu      sync.Mutex
	text    strings.Builder
	dirty   bool
	done    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

// newStreamer starts the editing loop; delta feeds it and stop ends it
// (waiting for an edit in progress, so the final answer is edited last).
// A panic in the loop is logged and ends the streaming, not the process.
func (b *Bot) newStreamer(ctx context.Context, log *slog.Logger, r responder, title, lang string) *streamer {
	s := &streamer{done: make(chan struct{}), stopped: make(chan struct{})}
	go func() {
		defer close(s.stopped)
		defer func() {
			if v := recover(); v != nil {
				b.logPanic(log, v)
			}
		}()
		ticks := b.streamTicks
		if ticks == nil {
			tick := time.NewTicker(b.opts.StreamEditInterval)
			defer tick.Stop()
			ticks = tick.C
		}
		for {
			select {
			case <-s.done:
				return
			case <-ticks:
			}
			s.mu.Lock()
			text, dirty := s.text.String(), s.dirty
			s.dirty = false
			s.mu.Unlock()
			if !dirty || strings.TrimSpace(text) == "" {
				continue
			}
			embeds := renderPartial(title, text, lang)
			// A streaming edit is worth little: it is not retried past its
			// interval, so a rate limit cannot hold back the final answer.
			ectx, cancel := context.WithTimeout(ctx, max(2*b.opts.StreamEditInterval, time.Second))
			err := r.edit(ectx, &discordgo.WebhookEdit{Embeds: &embeds})
			cancel()
			if err != nil && !errors.Is(err, errAbandoned) {
				log.Warn("stream edit failed", "err", b.redact(err))
			}
		}
	}()
	return s
}

func (s *streamer) delta(d string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.text.WriteString(d)
	s.dirty = true
}

// stop ends the loop and waits for it; calling it again does nothing.
func (s *streamer) stop() {
	s.once.Do(func() { close(s.done) })
	<-s.stopped
}

// filterOf reads the since, until and source options. A bad date is told to
// the user privately, before anything else happens.
func (b *Bot) filterOf(ctx context.Context, log *slog.Logger, i *discordgo.Interaction, r responder) (corpus.Filter, bool) {
	f, err := corpus.ParseFilter(option(i, "since"), option(i, "until"), option(i, "source"))
	if err != nil {
		log.Info("bad filter", "err", err)
		b.ephemeral(ctx, log, r, fmt.Sprintf(t(localeLang(i.Locale)).BadFilter, err))
		return corpus.Filter{}, false
	}
	return f, true
}

// withFilter appends a filter's description to a title.
func withFilter(title string, f corpus.Filter) string {
	if f.IsZero() {
		return title
	}
	return title + " (" + f.String() + ")"
}
