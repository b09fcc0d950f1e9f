package discordtest

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"
)

// Invoker describes who triggers an interaction and where.
type Invoker struct {
	// GuildID and ChannelID; defaults "10" and "20".
	GuildID, ChannelID string
	// UserID and Username of the member; defaults "30" and "alice".
	UserID, Username string
	// Roles are the member's role IDs.
	Roles []string
	// Permissions of the member in the channel (sent as a JSON string, as
	// Discord does).
	Permissions int64
	// Locale of the user's client, e.g. "it" or "en-US"; default "en-US".
	Locale string
}

func (inv Invoker) withDefaults() Invoker {
	if inv.GuildID == "" {
		inv.GuildID = "10"
	}
	if inv.ChannelID == "" {
		inv.ChannelID = "20"
	}
	if inv.UserID == "" {
		inv.UserID = "30"
	}
	if inv.Username == "" {
		inv.Username = "alice"
	}
	if inv.Locale == "" {
		inv.Locale = "en-US"
	}
	return inv
}

// Option is a slash-command option value.
type Option struct {
	Name  string
	Value any
	// Type is Discord's option type number (3 string, 4 integer, 5
	// boolean, …); 0 means string.
	Type int
	// Focused marks the option being typed in an autocomplete interaction.
	Focused bool
	// Options of a subcommand (Type OptSubcommand), which has no Value.
	Options []Option
}

// Interaction is a built interaction: its ID and token (to find the
// callback and webhook requests it causes) and the JSON payload to
// Dispatch or POST.
type Interaction struct {
	ID, Token string
	Payload   map[string]any
}

// Interaction types and option types, as Discord numbers them.
const (
	typeCommand      = 2
	typeComponent    = 3
	typeAutocomplete = 4
	optString        = 3
)

// Option types a test names in Option.Type.
const (
	// OptSubcommand is a subcommand; its options are in Option.Options.
	OptSubcommand = 1
	// OptAttachment is a file; the Value is an Attachment's ID.
	OptAttachment = 11
)

func (s *Server) interaction(inv Invoker, typ int, data map[string]any) Interaction {
	inv = inv.withDefaults()
	id := s.newID()
	token := "itok-" + id
	roles := inv.Roles
	if roles == nil {
		roles = []string{}
	}
	return Interaction{ID: id, Token: token, Payload: map[string]any{
		"id":             id,
		"application_id": s.opts.AppID,
		"type":           typ,
		"data":           data,
		"guild_id":       inv.GuildID,
		"channel_id":     inv.ChannelID,
		"token":          token,
		"version":        1,
		"locale":         inv.Locale,
		"guild_locale":   "en-US",
		"app_permissions": strconv.FormatInt(
			1<<11|1<<14|1<<16|1<<35|1<<38, 10), // send, embed, history, threads
		"member": map[string]any{
			"user":        map[string]any{"id": inv.UserID, "username": inv.Username},
			"roles":       roles,
			"permissions": strconv.FormatInt(inv.Permissions, 10),
			"joined_at":   "2024-01-01T00:00:00Z",
		},
	}}
}

func options(opts []Option) []any {
	out := make([]any, 0, len(opts))
	for _, o := range opts {
		typ := o.Type
		if typ == 0 {
			typ = optString
		}
		m := map[string]any{"name": o.Name, "type": typ, "value": o.Value}
		if typ == OptSubcommand {
			m = map[string]any{"name": o.Name, "type": typ, "options": options(o.Options)}
		}
		if o.Focused {
			m["focused"] = true
		}
		out = append(out, m)
	}
	return out
}

// Command builds an APPLICATION_COMMAND interaction for the slash command
// name with options (string options unless their Type says otherwise).
func (s *Server) Command(inv Invoker, name string, opts ...Option) Interaction {
	data := map[string]any{
		"id": s.newID(), "name": name, "type": 1, "options": options(opts),
	}
	// Attachments named by options travel in data.resolved, with the URL
	// the client must download them from, as Discord sends them.
	resolved := map[string]any{}
	var walk func([]Option)
	walk = func(opts []Option) {
		for _, o := range opts {
			walk(o.Options)
			if o.Type != OptAttachment {
				continue
			}
			id, _ := o.Value.(string)
			s.mu.Lock()
			a, ok := s.attachments[id]
			s.mu.Unlock()
			if ok {
				resolved[id] = map[string]any{"id": a.ID, "filename": a.Filename, "content_type": a.ContentType,
					"size": a.Size, "url": a.URL, "proxy_url": a.URL}
			}
		}
	}
	walk(opts)
	if len(resolved) > 0 {
		data["resolved"] = map[string]any{"attachments": resolved}
	}
	return s.interaction(inv, typeCommand, data)
}

// Autocomplete builds an APPLICATION_COMMAND_AUTOCOMPLETE interaction; mark
// the option being typed Focused.
func (s *Server) Autocomplete(inv Invoker, name string, opts ...Option) Interaction {
	return s.interaction(inv, typeAutocomplete, map[string]any{
		"id": s.newID(), "name": name, "type": 1, "options": options(opts),
	})
}

// Button builds a MESSAGE_COMPONENT interaction for a button click.
func (s *Server) Button(inv Invoker, customID string) Interaction {
	in := s.interaction(inv, typeComponent, map[string]any{
		"custom_id": customID, "component_type": 2,
	})
	in.Payload["message"] = map[string]any{
		"id": s.newID(), "channel_id": in.Payload["channel_id"], "content": "",
		"timestamp": time.Now().UTC().Format(time.RFC3339),
		"author":    map[string]any{"id": s.opts.BotUserID, "username": "briefing", "bot": true},
	}
	return in
}

// Message builds a MESSAGE_CREATE payload by a user in channelID; mentions
// lists the IDs of users the message mentions (put <@id> in content too).
func (s *Server) Message(guildID, channelID, userID, content string, mentions ...string) map[string]any {
	ms := make([]any, 0, len(mentions))
	for _, m := range mentions {
		ms = append(ms, map[string]any{"id": m, "username": "u" + m})
	}
	return map[string]any{
		"id":         s.newID(),
		"channel_id": channelID,
		"guild_id":   guildID,
		"type":       0,
		"content":    content,
		"timestamp":  time.Now().UTC().Format(time.RFC3339),
		"author":     map[string]any{"id": userID, "username": "u" + userID},
		"mentions":   ms,
	}
}

// SignedRequest builds a POST of body to url signed as Discord signs
// interactions: Ed25519 over timestamp+body, with the timestamp in Unix
// seconds.
func SignedRequest(url string, key ed25519.PrivateKey, ts time.Time, body []byte) (*http.Request, error) {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	sig := ed25519.Sign(key, append([]byte(stamp), body...))
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	req.Header.Set("X-Signature-Timestamp", stamp)
	return req, nil
}
