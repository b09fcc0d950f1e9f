package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
)

// CorpusAdmin changes the corpus for /corpus add and /corpus remove. Each
// method validates everything before changing anything and leaves the
// corpus and the index as they were when it returns an error; on success the
// index is up to date. The bot serialises the calls with reloads.
type CorpusAdmin interface {
	// AddFile adds (or replaces) the document file name with data.
	AddFile(ctx context.Context, name string, data []byte) (briefing.CorpusChange, error)
	// AddURL fetches one page and adds it as a document.
	AddURL(ctx context.Context, url string) (briefing.CorpusChange, error)
	// Remove removes the document with this ID.
	Remove(ctx context.Context, id string) (briefing.CorpusChange, error)
}

// corpusCommand is /corpus with its add, remove and list subcommands.
func corpusCommand(manageGuild *int64, guildOnly *[]discordgo.InteractionContextType) *discordgo.ApplicationCommand {
	return &discordgo.ApplicationCommand{
		Name: cmdCorpus, NameLocalizations: it("corpus"),
		Description:              "Add, remove or list the documents (admins only)",
		DescriptionLocalizations: it("Aggiungi, rimuovi o elenca i documenti (solo amministratori)"),
		DefaultMemberPermissions: manageGuild,
		Contexts:                 guildOnly,
		Options: []*discordgo.ApplicationCommandOption{
			{
				Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add", NameLocalizations: *it("aggiungi"),
				Description:              "Add a document: a file (.md, .txt, .html, .pdf, .docx) or a web page",
				DescriptionLocalizations: *it("Aggiungi un documento: un file (.md, .txt, .html, .pdf, .docx) o una pagina web"),
				Options: []*discordgo.ApplicationCommandOption{
					{
						Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", NameLocalizations: *it("file"),
						Description: "The document file", DescriptionLocalizations: *it("Il file del documento"),
					},
					{
						Type: discordgo.ApplicationCommandOptionString, Name: "url", NameLocalizations: *it("url"),
						Description: "Or the address of a page", DescriptionLocalizations: *it("Oppure l'indirizzo di una pagina"),
						MaxLength: 2000,
					},
				},
			},
			{
				Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", NameLocalizations: *it("rimuovi"),
				Description: "Remove a document", DescriptionLocalizations: *it("Rimuovi un documento"),
				Options: []*discordgo.ApplicationCommandOption{{
					Type: discordgo.ApplicationCommandOptionString, Name: "id", NameLocalizations: *it("id"),
					Description: "The document's ID", DescriptionLocalizations: *it("L'ID del documento"),
					Required: true, Autocomplete: true, MaxLength: 100,
				}},
			},
			{
				Type: discordgo.ApplicationCommandOptionSubCommand, Name: "list", NameLocalizations: *it("elenco"),
				Description: "List the documents with their sources", DescriptionLocalizations: *it("Elenca i documenti con le loro fonti"),
			},
		},
	}
}

// doCorpus runs /corpus: admins only, every reply private.
func (b *Bot) doCorpus(ctx context.Context, log *slog.Logger, i *discordgo.Interaction, r responder) {
	lang := localeLang(i.Locale)
	m := t(lang)
	if !b.isAdmin(i) {
		log.Warn("corpus command denied: not an admin")
		b.ephemeral(ctx, log, r, m.NotAdmin)
		return
	}
	data := i.ApplicationCommandData()
	if len(data.Options) != 1 || data.Options[0].Type != discordgo.ApplicationCommandOptionSubCommand {
		b.ephemeral(ctx, log, r, m.CorpusUsage)
		return
	}
	sub := data.Options[0]
	log = log.With("subcommand", sub.Name)
	if sub.Name == "list" {
		if !b.deferReply(ctx, log, r, true) {
			return
		}
		b.send(ctx, log, r, lang, renderDocuments(b.engine.Documents(), lang), true)
		return
	}
	if b.opts.CorpusAdmin == nil {
		b.ephemeral(ctx, log, r, m.NoCorpusAdmin)
		return
	}
	// Checks that need no download answer at once.
	var (
		att *discordgo.MessageAttachment
		raw string
		id  string
	)
	switch sub.Name {
	case "add":
		for _, o := range sub.Options {
			switch o.Name {
			case "file":
				if ref, ok := o.Value.(string); ok && data.Resolved != nil {
					att = data.Resolved.Attachments[ref]
				}
			case "url":
				raw, _ = stringValue(o)
				raw = strings.TrimSpace(raw)
			}
		}
		switch {
		case (att == nil) == (raw == ""):
			b.ephemeral(ctx, log, r, m.CorpusAddUsage)
			return
		case att != nil:
			// Every reason shown goes through safe, as /reload's does: it
			// may quote a file name, an address or a remote page.
			if err := b.checkAttachment(att); err != nil {
				b.ephemeral(ctx, log, r, fmt.Sprintf(m.CorpusFailed, safe(b.redact(err))))
				return
			}
		default:
			if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				b.ephemeral(ctx, log, r, fmt.Sprintf(m.CorpusFailed, safe(fmt.Sprintf("%q is not an http(s) URL", raw))))
				return
			}
		}
	case "remove":
		for _, o := range sub.Options {
			if v, ok := stringValue(o); ok && o.Name == "id" {
				id = strings.TrimSpace(v)
			}
		}
		if id == "" {
			b.ephemeral(ctx, log, r, m.CorpusUsage)
			return
		}
	default:
		b.ephemeral(ctx, log, r, m.CorpusUsage)
		return
	}
	// One change of the corpus at a time, reloads included (CorpusAdmin
	// relies on it); another admin is told at once rather than queued.
	if !b.reloading.CompareAndSwap(false, true) {
		log.Info("corpus change refused: a reload or change is running")
		b.ephemeral(ctx, log, r, m.ReloadBusy)
		return
	}
	if !b.deferReply(ctx, log, r, true) {
		b.reloading.Store(false)
		return
	}
	start := time.Now()
	// Under the reload deadline; the flag is cleared before the report is
	// sent, so an admin who reads it may change the corpus again at once.
	c, err := func() (briefing.CorpusChange, error) {
		defer b.reloading.Store(false)
		ctx, cancel := context.WithTimeout(ctx, b.opts.ReloadTimeout)
		defer cancel()
		switch {
		case att != nil:
			data, err := b.download(ctx, att)
			if err != nil {
				return briefing.CorpusChange{}, err
			}
			log.Info("corpus add file", "file", att.Filename, "bytes", len(data))
			return b.opts.CorpusAdmin.AddFile(ctx, att.Filename, data)
		case raw != "":
			log.Info("corpus add url")
			return b.opts.CorpusAdmin.AddURL(ctx, raw)
		default:
			log.Info("corpus remove", "doc_id", id)
			return b.opts.CorpusAdmin.Remove(ctx, id)
		}
	}()
	if err != nil {
		log.Warn("corpus change refused", "err", b.redact(err), "duration_ms", time.Since(start).Milliseconds())
		b.send(ctx, log, r, lang, []outMessage{{Content: trimText(fmt.Sprintf(m.CorpusFailed, safe(b.redact(err))), maxContent)}}, true)
		return
	}
	b.indexed.Store(time.Now().UnixNano())
	log.Info("corpus changed", "added", c.Index.Added, "changed", c.Index.Changed, "removed", c.Index.Removed,
		"passages", c.Index.Passages, "embedded", c.Index.Embedded, "duration_ms", time.Since(start).Milliseconds())
	b.send(ctx, log, r, lang, []outMessage{{Content: renderChange(c, m)}}, true)
}

// checkAttachment applies the type and size caps before any download.
func (b *Bot) checkAttachment(a *discordgo.MessageAttachment) error {
	if _, ok := corpus.FormatOf(a.Filename); !ok {
		return fmt.Errorf("%s: %w", a.Filename, corpus.ErrUnsupportedFormat)
	}
	if int64(a.Size) > b.opts.MaxUploadBytes {
		return fmt.Errorf("%s is %s, over the %s limit", a.Filename, byteSize(int64(a.Size)), byteSize(b.opts.MaxUploadBytes))
	}
	return nil
}

// download fetches an attachment from the URL Discord gave for it, and from
// nowhere else, within the size cap and the download timeout.
func (b *Bot) download(ctx context.Context, a *discordgo.MessageAttachment) ([]byte, error) {
	u, err := url.Parse(a.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("attachment %s has no downloadable URL", a.Filename)
	}
	ctx, cancel := context.WithTimeout(ctx, b.opts.DownloadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", a.Filename, err)
	}
	resp, err := b.downloads.Do(req)
	if err != nil {
		// The *url.Error names the URL, which carries Discord's signed
		// query; the cause alone is what the admin needs.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("download %s: %w", a.Filename, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: status %s", a.Filename, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, b.opts.MaxUploadBytes+1))
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", a.Filename, err)
	}
	if int64(len(data)) > b.opts.MaxUploadBytes {
		return nil, fmt.Errorf("%s is over the %s limit", a.Filename, byteSize(b.opts.MaxUploadBytes))
	}
	return data, nil
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// renderChange is the admin's private report of a reload or a /corpus
// change: the counts, then the documents by ID, then what the feeds brought.
func renderChange(c briefing.CorpusChange, m msgs) string {
	r := c.Index
	var b strings.Builder
	fmt.Fprintf(&b, m.ReloadOK, r.Duration.Round(time.Millisecond), r.Added, r.Changed, r.Removed, r.Unchanged, r.Passages, r.Embedded)
	list := func(label string, ids []string) {
		if len(ids) == 0 {
			return
		}
		quoted := make([]string, len(ids))
		for i, id := range ids {
			quoted[i] = "`" + id + "`"
		}
		fmt.Fprintf(&b, "\n%s: %s", label, strings.Join(quoted, ", "))
	}
	list(m.ChangeAdded, r.AddedIDs)
	list(m.ChangeChanged, r.ChangedIDs)
	list(m.ChangeRemoved, r.RemovedIDs)
	for _, s := range c.Sources {
		switch {
		case s.Err != "" && s.Stale:
			// A fetch error may quote what a remote server sent.
			fmt.Fprintf(&b, "\n⚠ <%s>: %s (%s)", s.URL, safe(oneLine(s.Err)), m.ChangeStale)
		case s.Err != "":
			fmt.Fprintf(&b, "\n⚠ <%s>: %s", s.URL, safe(oneLine(s.Err)))
		}
		if len(s.New) > 0 {
			list(fmt.Sprintf(m.ChangeNewFrom, "<"+s.URL+">"), s.New)
		}
	}
	return trimText(b.String(), maxContent)
}
