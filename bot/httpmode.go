package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// firstResponseTimeout bounds how long the HTTP handler waits for the
// command code's first response; Discord allows three seconds.
const firstResponseTimeout = 2500 * time.Millisecond

// Limits of the HTTP servers (interactions and ops). An interaction is a
// few kilobytes; a client sending one byte every few seconds, or headers
// without end, is cut off.
const (
	maxInteractionBody = 1 << 20
	httpReadTimeout    = 10 * time.Second
	httpWriteTimeout   = 15 * time.Second
	httpIdleTimeout    = 60 * time.Second
	httpMaxHeaderBytes = 16 << 10
	// seenInteractions bounds how many interaction IDs are remembered
	// for replay detection.
	seenInteractions = 10000
)

// newHTTPServer is the http.Server every listener of the bot uses, with
// read, write and idle timeouts and a header size limit.
func (b *Bot) newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(b.httpReadTimeout, 5*time.Second),
		ReadTimeout:       b.httpReadTimeout,
		WriteTimeout:      httpWriteTimeout,
		IdleTimeout:       httpIdleTimeout,
		MaxHeaderBytes:    httpMaxHeaderBytes,
	}
}

// firstSighting records interaction id as seen at now and reports whether
// it was new. A signed request replayed within the replay window (a valid
// signature, a fresh enough timestamp) carries an ID already seen: it must
// not be answered twice. IDs are kept for twice the window, longer than a
// replay can pass the timestamp check.
func (b *Bot) firstSighting(id string, now time.Time) bool {
	b.seenMu.Lock()
	defer b.seenMu.Unlock()
	if at, ok := b.seen.Get(id); ok && now.Sub(at) < 2*b.opts.ReplayWindow {
		return false
	}
	b.seen.Add(id, now)
	return true
}

// InteractionsHandler serves Discord's HTTP interactions: it verifies the
// Ed25519 signature (401 when bad), rejects timestamps outside the replay
// window (401), answers PING with PONG, and hands every other interaction
// to the same code as the gateway. The first response travels back as the
// HTTP reply; later edits and follow-ups go through REST webhooks. Replies
// keep running after the HTTP request ends and are awaited by Run's
// shutdown. An interaction with no first response within 2.5s is answered
// 503 and abandoned: its work's context is cancelled and nothing more is
// sent for it. A body over 1 MiB is answered 413; an interaction ID seen
// before (a replay of a signed request within the window) is answered 409
// Conflict and not processed again.
func (b *Bot) InteractionsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if r.ContentLength > maxInteractionBody {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxInteractionBody))
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		if !discordgo.VerifyInteraction(r, b.pubKey) {
			b.log.Warn("interaction rejected: bad signature", "remote", r.RemoteAddr)
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		ts, err := strconv.ParseInt(r.Header.Get("X-Signature-Timestamp"), 10, 64)
		if age := time.Since(time.Unix(ts, 0)); err != nil || age > b.opts.ReplayWindow || age < -b.opts.ReplayWindow {
			b.log.Warn("interaction rejected: timestamp outside replay window", "remote", r.RemoteAddr)
			http.Error(w, "stale request", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var i discordgo.Interaction
		if err := json.Unmarshal(body, &i); err != nil {
			b.log.Warn("interaction rejected: undecodable", "err", b.redact(err))
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if i.Type == discordgo.InteractionPing {
			writeResponse(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
			return
		}
		if !b.firstSighting(i.ID, time.Now()) {
			b.log.Warn("interaction rejected: replayed", "interaction_id", i.ID, "remote", r.RemoteAddr)
			http.Error(w, "interaction already received", http.StatusConflict)
			return
		}
		resp := newHTTPResponder(b, &i)
		// The work outlives this request (the answer is edited in later) but
		// not an abandoned interaction: cancel stops it then.
		ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
		go func() {
			defer cancel()
			if b.beforeHTTPWork != nil {
				b.beforeHTTPWork(ctx)
			}
			b.handle(ctx, &i, resp)
		}()
		// Edits and follow-ups wait until the first response is written
		// or the interaction abandoned (deferred: after the write below).
		defer resp.settle()
		timer := time.NewTimer(b.firstResponseTimeout)
		defer timer.Stop()
		select {
		case first := <-resp.first:
			writeResponse(w, first)
			return
		case <-timer.C:
		case <-r.Context().Done():
		}
		if !resp.abandon() {
			// The first response came in just now: it can still go out.
			writeResponse(w, <-resp.first)
			return
		}
		// Discord never sees this interaction acknowledged, so the work
		// stops and nothing more is sent for it (the responder refuses).
		cancel()
		if r.Context().Err() != nil {
			b.log.Warn("interaction abandoned: request ended before the first response", "interaction_id", i.ID)
			return
		}
		b.log.Error("interaction abandoned: no first response within the deadline", "interaction_id", i.ID, "deadline", b.firstResponseTimeout.String())
		http.Error(w, "timeout", http.StatusServiceUnavailable)
	})
}

func writeResponse(w http.ResponseWriter, resp *discordgo.InteractionResponse) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(resp); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	// A length, so that the flushed reply is complete (not a chunked one
	// whose end goes out when the handler returns) before edits and
	// follow-ups may go.
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}
