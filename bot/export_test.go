package bot

import (
	"context"
	"net/http"
	"time"
)

// SetDeliveryTimeout shortens the bound on delivering one reply.
func SetDeliveryTimeout(b *Bot, d time.Duration) { b.deliveryTimeout = d }

// NewHTTPServer returns the http.Server Run would serve h with, its read
// timeout shortened to read.
func NewHTTPServer(b *Bot, h http.Handler, read time.Duration) *http.Server {
	b.httpReadTimeout = read
	return b.newHTTPServer(h)
}

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
