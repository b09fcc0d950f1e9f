package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// gatewayConn is one websocket client of the fake gateway.
type gatewayConn struct {
	ws    *websocket.Conn
	wmu   sync.Mutex // serialises writes
	ready chan struct{}
	once  sync.Once
}

func (c *gatewayConn) write(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return err
	}
	return c.ws.WriteJSON(v)
}

func (c *gatewayConn) markReady() { c.once.Do(func() { close(c.ready) }) }

const sessionID = "fake-session"

// frame is a gateway payload as the client sends it.
type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
}

// serveGateway speaks the gateway protocol: HELLO, then IDENTIFY (token
// checked, READY sent) or RESUME (RESUMED sent), heartbeat ACKs, and events
// from Dispatch. Frames are text JSON.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gatewayConn{ws: ws, ready: make(chan struct{})}
	s.mu.Lock()
	s.conns[c] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		ws.Close()
	}()

	hello := map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": s.opts.HeartbeatInterval.Milliseconds()}}
	if err := c.write(hello); err != nil {
		return
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var f frame
		if err := json.Unmarshal(data, &f); err != nil {
			return
		}
		req := Request{Method: "GATEWAY", Raw: data, At: time.Now(), Status: http.StatusOK}
		_ = json.Unmarshal(f.D, &req.Body)
		switch f.Op {
		case 1:
			req.Path = "HEARTBEAT"
			s.record(req)
			if err := c.write(map[string]any{"op": 11}); err != nil {
				return
			}
		case 2:
			req.Path = "IDENTIFY"
			var id struct {
				Token string `json:"token"`
			}
			_ = json.Unmarshal(f.D, &id)
			if id.Token != s.opts.Token {
				req.Status = http.StatusUnauthorized
				s.record(req)
				_ = ws.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(4004, "Authentication failed."), time.Now().Add(time.Second))
				return
			}
			s.record(req)
			ready := map[string]any{
				"v":                  9,
				"session_id":         sessionID,
				"resume_gateway_url": "ws" + s.srv.URL[len("http"):] + "/gateway",
				"user":               map[string]any{"id": s.opts.BotUserID, "username": "briefing", "bot": true},
				"application":        map[string]any{"id": s.opts.AppID, "flags": 0},
				"guilds":             []any{},
				"private_channels":   []any{},
			}
			if err := c.write(s.event("READY", ready)); err != nil {
				return
			}
			c.markReady()
		case 6:
			req.Path = "RESUME"
			var rs struct {
				Token     string `json:"token"`
				SessionID string `json:"session_id"`
			}
			_ = json.Unmarshal(f.D, &rs)
			if rs.Token != s.opts.Token || rs.SessionID != sessionID {
				req.Status = http.StatusUnauthorized
				s.record(req)
				if err := c.write(map[string]any{"op": 9, "d": false}); err != nil {
					return
				}
				continue
			}
			s.record(req)
			if err := c.write(s.event("RESUMED", map[string]any{})); err != nil {
				return
			}
			c.markReady()
		default:
			req.Path = fmt.Sprintf("OP%d", f.Op)
			s.record(req)
		}
	}
}

// event wraps a dispatch payload with the next sequence number.
func (s *Server) event(name string, payload any) map[string]any {
	s.mu.Lock()
	s.seq++
	seq := s.seq
	s.mu.Unlock()
	return map[string]any{"op": 0, "t": name, "s": seq, "d": payload}
}

// Dispatch sends event with payload to every ready gateway client, waiting
// (until ctx is done) for one to be ready.
func (s *Server) Dispatch(ctx context.Context, event string, payload any) error {
	for {
		s.mu.Lock()
		var conns []*gatewayConn
		for c := range s.conns {
			conns = append(conns, c)
		}
		s.mu.Unlock()
		var ready []*gatewayConn
		for _, c := range conns {
			select {
			case <-c.ready:
				ready = append(ready, c)
			default:
			}
		}
		if len(ready) > 0 {
			msg := s.event(event, payload)
			for _, c := range ready {
				if err := c.write(msg); err != nil {
					return fmt.Errorf("discordtest: dispatch %s: %w", event, err)
				}
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("discordtest: dispatch %s: %w: %w", event, errNoGateway, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// DropGateway closes every gateway connection abruptly, without a close
// frame, as a network failure would.
func (s *Server) DropGateway() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.ws.NetConn().Close()
		delete(s.conns, c)
	}
}
