package bot

import (
	"context"
	"time"
)

// SetHTTPTestHooks shortens the HTTP handler's first-response deadline and
// runs before on each HTTP interaction's work goroutine, with the work's
// context, before the command code. Call it before serving.
func SetHTTPTestHooks(b *Bot, deadline time.Duration, before func(ctx context.Context)) {
	b.firstResponseTimeout = deadline
	b.beforeHTTPWork = before
}

// SetStreamClock makes streamed answers edit on the ticks sent on ticks
// instead of every StreamEditInterval. Call it before serving.
func SetStreamClock(b *Bot, ticks <-chan time.Time) {
	b.streamTicks = ticks
}
