package bot_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/bot"
	"github.com/briefing/briefing/internal/discordtest"
)

// fakeAdmin records the /corpus calls it gets.
type fakeAdmin struct {
	mu     sync.Mutex
	calls  []string // "file name", "url u", "remove id"
	data   []byte
	failOn string
}

func (f *fakeAdmin) record(call string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
	if f.failOn != "" && strings.HasPrefix(call, f.failOn) {
		return errors.New(`corpus: parse nota.md:2: unknown front matter key "titel"`)
	}
	return nil
}

func (f *fakeAdmin) got() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

var sampleChange = briefing.CorpusChange{
	Index: briefing.IndexReport{Added: 1, Unchanged: 2, Passages: 9, Embedded: 3, Duration: 250 * time.Millisecond, AddedIDs: []string{"nota"}},
	Sources: []briefing.SourceChange{
		{URL: "https://feed.example/rss", New: []string{"feed-item-1a2b3c4d"}},
		{URL: "https://down.example/p", Err: "status 500", Stale: true},
	},
}

func (f *fakeAdmin) AddFile(ctx context.Context, name string, data []byte) (briefing.CorpusChange, error) {
	f.mu.Lock()
	f.data = data
	f.mu.Unlock()
	return sampleChange, f.record("file " + name)
}

func (f *fakeAdmin) AddURL(ctx context.Context, url string) (briefing.CorpusChange, error) {
	return sampleChange, f.record("url " + url)
}

func (f *fakeAdmin) Remove(ctx context.Context, id string) (briefing.CorpusChange, error) {
	c := briefing.CorpusChange{Index: briefing.IndexReport{Removed: 1, RemovedIDs: []string{id}}}
	return c, f.record("remove " + id)
}

func add(opts ...discordtest.Option) discordtest.Option {
	return discordtest.Option{Name: "add", Type: discordtest.OptSubcommand, Options: opts}
}

func TestCorpusAddFile(t *testing.T) {
	t.Parallel()
	admin := &fakeAdmin{}
	h := startBot(t, &fakeEngine{}, nil, func(o *bot.Options) { o.CorpusAdmin = admin; o.MaxUploadBytes = 1 << 10 })
	content := []byte("---\ntitle: Nota\n---\nTesto della nota.")
	att := h.fake.Attach("nota.md", "text/markdown", content)
	in := h.fake.Command(discordtest.Invoker{UserID: adminUser}, "corpus", add(discordtest.Option{Name: "file", Type: discordtest.OptAttachment, Value: att.ID}))
	h.dispatch(t, in)
	if cb := h.callback(t, in); respFlags(cb) != int(discordgo.MessageFlagsEphemeral) {
		t.Errorf("deferral is not ephemeral: %v", cb)
	}
	final := respContent(h.final(t, in))
	for _, w := range []string{"Corpus reloaded in 250ms: 1 added, 0 changed, 0 removed, 2 unchanged; 9 passages (3 embedded).",
		"Added: `nota`", "New from <https://feed.example/rss>: `feed-item-1a2b3c4d`", "⚠ <https://down.example/p>: status 500 (kept its last good copy)"} {
		if !strings.Contains(final, w) {
			t.Errorf("reply lacks %q:\n%s", w, final)
		}
	}
	if got := admin.got(); len(got) != 1 || got[0] != "file nota.md" {
		t.Errorf("admin calls = %v, want [file nota.md]", got)
	}
	admin.mu.Lock()
	gotData := string(admin.data)
	admin.mu.Unlock()
	if gotData != string(content) || h.fake.Downloads(att) != 1 {
		t.Errorf("admin got %q after %d downloads, want the attachment once", gotData, h.fake.Downloads(att))
	}
}

func TestCorpusRefusals(t *testing.T) {
	t.Parallel()
	admin := &fakeAdmin{failOn: "file"}
	h := startBot(t, &fakeEngine{}, nil, func(o *bot.Options) { o.CorpusAdmin = admin; o.MaxUploadBytes = 64 })
	big := h.fake.Attach("big.md", "text/markdown", []byte(strings.Repeat("x", 65)))
	exe := h.fake.Attach("tool.exe", "application/octet-stream", []byte("MZ"))
	bad := h.fake.Attach("nota.md", "text/markdown", []byte("---\ntitel: x\n---\nTesto."))
	file := func(a discordtest.Attachment) discordtest.Option {
		return add(discordtest.Option{Name: "file", Type: discordtest.OptAttachment, Value: a.ID})
	}
	tests := []struct {
		name     string
		inv      discordtest.Invoker
		opt      discordtest.Option
		want     string
		download *discordtest.Attachment
	}{
		{"not an admin", discordtest.Invoker{UserID: "6", Permissions: discordgo.PermissionManageGuild}, file(bad), "Only the bot's admins", &bad},
		{"unsupported type", discordtest.Invoker{UserID: adminUser}, file(exe), "Nothing changed: tool.exe: unsupported format", &exe},
		{"over the size cap", discordtest.Invoker{UserID: adminUser}, file(big), "Nothing changed: big.md is 65 bytes, over the 64 bytes limit", &big},
		{"neither file nor url", discordtest.Invoker{UserID: adminUser}, add(), "Give either a file or a url", nil},
		{"not a URL", discordtest.Invoker{UserID: adminUser}, add(discordtest.Option{Name: "url", Value: "file:///etc/passwd"}), `Nothing changed: "file:///etc/passwd" is not an http(s) URL`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := h.fake.Command(tt.inv, "corpus", tt.opt)
			h.dispatch(t, in)
			cb := h.callback(t, in)
			if respFlags(cb) != int(discordgo.MessageFlagsEphemeral) || !strings.Contains(respContent(cb), tt.want) {
				t.Errorf("reply = %q (flags %d), want an ephemeral %q", respContent(cb), respFlags(cb), tt.want)
			}
			if tt.download != nil && h.fake.Downloads(*tt.download) != 0 {
				t.Errorf("the attachment was downloaded")
			}
		})
	}
	if got := admin.got(); len(got) != 0 {
		t.Errorf("admin called for refused commands: %v", got)
	}

	// A file the admin rejects: downloaded, refused, and the reason shown.
	in := h.fake.Command(discordtest.Invoker{UserID: adminUser}, "corpus", file(bad))
	h.dispatch(t, in)
	final := respContent(h.final(t, in))
	if !strings.Contains(final, `Nothing changed: corpus: parse nota.md:2: unknown front matter key "titel"`) {
		t.Errorf("rejected file reply = %q", final)
	}
}

// hostileAdmin refuses every URL with what a fetch or parse error may quote
// from a remote page.
type hostileAdmin struct{ fakeAdmin }

func (*hostileAdmin) AddURL(context.Context, string) (briefing.CorpusChange, error) {
	return briefing.CorpusChange{}, errors.New(`corpus: front matter id "[verify here](https://evil.example/login) <@&1> @everyone": bad id`)
}

// TestCorpusRefusalsAreInert: the reason a /corpus change is refused may
// quote a remote page, an address or a file name; like /reload's it is made
// inert, masked links and mentions included.
func TestCorpusRefusalsAreInert(t *testing.T) {
	t.Parallel()
	h := startBot(t, &fakeEngine{}, nil, func(o *bot.Options) { o.CorpusAdmin = &hostileAdmin{} })
	exe := h.fake.Attach("[gift](https:⁄⁄evil.example) @everyone.exe", "application/octet-stream", []byte("MZ"))
	tests := []struct {
		name     string
		opt      discordtest.Option
		deferred bool // refused after the deferral, by the CorpusAdmin
	}{
		{"the admin's error", add(discordtest.Option{Name: "url", Value: "https://ispi.example/nota"}), true},
		{"not a URL", add(discordtest.Option{Name: "url", Value: "ftp://x [verify here](https://evil.example/login) <@&1> @here"}), false},
		{"unsupported type", add(discordtest.Option{Name: "file", Type: discordtest.OptAttachment, Value: exe.ID}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := h.fake.Command(discordtest.Invoker{UserID: adminUser}, "corpus", tt.opt)
			h.dispatch(t, in)
			reply := h.callback(t, in)
			if tt.deferred {
				reply = h.final(t, in)
			}
			got := respContent(reply)
			if !strings.Contains(got, "Nothing changed:") {
				t.Fatalf("reply = %q, want the refusal", got)
			}
			if bad := live(got); bad != "" {
				t.Errorf("refusal holds live %q: %q", bad, got)
			}
		})
	}
}

func TestCorpusURLRemoveAndList(t *testing.T) {
	t.Parallel()
	admin := &fakeAdmin{}
	eng := &fakeEngine{DocumentsFn: func() []briefing.DocumentInfo {
		return []briefing.DocumentInfo{{ID: "nota", Title: "Nota", Date: "2025-06-03", Source: "ISPI", Passages: 2}}
	}}
	h := startBot(t, eng, nil, func(o *bot.Options) { o.CorpusAdmin = admin })
	admins := discordtest.Invoker{UserID: "9", Roles: []string{adminRole}, Locale: "it"}

	in := h.fake.Command(admins, "corpus", add(discordtest.Option{Name: "url", Value: "https://ispi.example/nota"}))
	h.dispatch(t, in)
	if final := respContent(h.final(t, in)); !strings.Contains(final, "Aggiunti: `nota`") {
		t.Errorf("add url reply = %q", final)
	}

	in = h.fake.Command(admins, "corpus", discordtest.Option{Name: "remove", Type: discordtest.OptSubcommand, Options: []discordtest.Option{{Name: "id", Value: "nota"}}})
	h.dispatch(t, in)
	if final := respContent(h.final(t, in)); !strings.Contains(final, "Rimossi: `nota`") {
		t.Errorf("remove reply = %q", final)
	}
	if got := admin.got(); len(got) != 2 || got[0] != "url https://ispi.example/nota" || got[1] != "remove nota" {
		t.Errorf("admin calls = %v", got)
	}

	in = h.fake.Command(admins, "corpus", discordtest.Option{Name: "list", Type: discordtest.OptSubcommand})
	h.dispatch(t, in)
	h.callback(t, in)
	list := h.wait(t, func(r discordtest.Request) bool {
		return r.Method == "PATCH" && strings.Contains(r.Path, in.Token) && strings.Contains(string(r.Raw), "ISPI")
	})
	if !strings.Contains(string(list.Raw), "2025-06-03") {
		t.Errorf("list = %s, want the document with its date and outlet", list.Raw)
	}
}

func TestCorpusRemoveAutocompletes(t *testing.T) {
	t.Parallel()
	h := startBot(t, &fakeEngine{}, nil, func(o *bot.Options) { o.CorpusAdmin = &fakeAdmin{} })
	in := h.fake.Autocomplete(discordtest.Invoker{UserID: adminUser}, "corpus", discordtest.Option{Name: "remove", Type: discordtest.OptSubcommand,
		Options: []discordtest.Option{{Name: "id", Value: "allean", Focused: true}}})
	h.dispatch(t, in)
	cb := h.callback(t, in)
	choices, _ := cb["data"].(map[string]any)["choices"].([]any)
	if len(choices) != 1 || choices[0].(map[string]any)["value"] != "russia-north-korea-alliance" {
		t.Errorf("choices = %v, want the one document matching \"allean\"", choices)
	}
}
