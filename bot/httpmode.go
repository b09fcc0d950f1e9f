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
// shutdown.
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
			b.log.Warn("interaction rejected: undecodable", "err", err)
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if i.Type == discordgo.InteractionPing {
			writeResponse(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
			return
		}
		resp := httpResponder{b: b, i: &i, first: make(chan *discordgo.InteractionResponse, 1), sent: new(int32)}
		go b.handle(context.WithoutCancel(r.Context()), &i, resp)
		timer := time.NewTimer(firstResponseTimeout)
		defer timer.Stop()
		select {
		case first := <-resp.first:
			writeResponse(w, first)
		case <-timer.C:
			b.log.Error("no response within the deadline", "interaction_id", i.ID)
			http.Error(w, "timeout", http.StatusServiceUnavailable)
		case <-r.Context().Done():
		}
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
