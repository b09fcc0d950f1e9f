package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// firstResponseTimeout bounds how long the HTTP handler waits for the
// command code's first response; Discord allows three seconds.
const firstResponseTimeout = 2500 * time.Millisecond

// InteractionsHandler serves Discord's HTTP interactions: it verifies the
// Ed25519 signature (401 when bad), rejects timestamps outside the replay
// window (401), answers PING with PONG, and hands every other interaction
// to the same code as the gateway. The first response travels back as the
// HTTP reply; later edits and follow-ups go through REST webhooks. Replies
// keep running after the HTTP request ends and are awaited by Run's
// shutdown. An interaction with no first response within 2.5s is answered
// 503 and abandoned: its work's context is cancelled and nothing more is
// sent for it.
func (b *Bot) InteractionsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
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
	_, _ = w.Write(buf.Bytes())
}
