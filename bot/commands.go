package bot

import "github.com/bwmarrin/discordgo"

// Command names.
const (
	cmdAsk     = "ask"
	cmdSearch  = "search"
	cmdSummary = "summary"
	cmdSources = "sources"
	cmdReload  = "reload"
	cmdCorpus  = "corpus"
	cmdHelp    = "help"
)

func it(s string) *map[discordgo.Locale]string {
	return &map[discordgo.Locale]string{discordgo.Italian: s}
}

func intPtr(n int) *int { return &n }

// commands returns the slash commands the bot registers, with Italian
// localisations beside English. /reload and /corpus are hidden from members
// without Manage Server; the handlers check the configured admins again.
func commands() []*discordgo.ApplicationCommand {
	manageGuild := int64(discordgo.PermissionManageGuild)
	guildOnly := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	return []*discordgo.ApplicationCommand{
		{
			Name: cmdAsk, NameLocalizations: it("chiedi"),
			Description:              "Ask a question about the articles; the answer cites its sources",
			DescriptionLocalizations: it("Fai una domanda sugli articoli; la risposta cita le fonti"),
			Contexts:                 guildOnly,
			Options: append([]*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "question", NameLocalizations: *it("domanda"),
				Description: "Your question, in Italian or English", DescriptionLocalizations: *it("La tua domanda, in italiano o in inglese"),
				Required: true, MinLength: intPtr(2), MaxLength: 1000,
			}}, filterOptions()...),
		},
		{
			Name: cmdSearch, NameLocalizations: it("cerca"),
			Description:              "Show the passages that best match a query, with scores",
			DescriptionLocalizations: it("Mostra i passaggi più pertinenti a una ricerca, con i punteggi"),
			Contexts:                 guildOnly,
			Options: append([]*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "query", NameLocalizations: *it("testo"),
				Description: "Words to look for", DescriptionLocalizations: *it("Parole da cercare"),
				Required: true, MinLength: intPtr(2), MaxLength: 200,
			}}, filterOptions()...),
		},
		{
			Name: cmdSummary, NameLocalizations: it("riassunto"),
			Description:              "A cited briefing of the corpus, one document, or a topic",
			DescriptionLocalizations: it("Un riassunto con fonti del corpus, di un documento o di un tema"),
			Contexts:                 guildOnly,
			Options: append([]*discordgo.ApplicationCommandOption{
				{
					Type: discordgo.ApplicationCommandOptionString, Name: "topic", NameLocalizations: *it("tema"),
					Description: "Topic to focus on (optional)", DescriptionLocalizations: *it("Tema su cui concentrarsi (facoltativo)"),
					MaxLength: 200,
				},
				{
					Type: discordgo.ApplicationCommandOptionString, Name: "document", NameLocalizations: *it("documento"),
					Description: "Only this document (optional)", DescriptionLocalizations: *it("Solo questo documento (facoltativo)"),
					Autocomplete: true, MaxLength: 100,
				},
			}, filterOptions()...),
		},
		{
			Name: cmdSources, NameLocalizations: it("fonti"),
			Description:              "List the documents the bot answers from",
			DescriptionLocalizations: it("Elenca i documenti da cui il bot risponde"),
			Contexts:                 guildOnly,
		},
		{
			Name: cmdReload, NameLocalizations: it("ricarica"),
			Description:              "Re-read and re-index the corpus (admins only)",
			DescriptionLocalizations: it("Rilegge e reindicizza il corpus (solo amministratori)"),
			DefaultMemberPermissions: &manageGuild,
			Contexts:                 guildOnly,
		},
		corpusCommand(&manageGuild, guildOnly),
		{
			Name: cmdHelp, NameLocalizations: it("aiuto"),
			Description:              "How to use the bot",
			DescriptionLocalizations: it("Come usare il bot"),
		},
	}
}

// filterOptions are the optional since, until and source options of /ask,
// /search and /summary.
func filterOptions() []*discordgo.ApplicationCommandOption {
	return []*discordgo.ApplicationCommandOption{
		{
			Type: discordgo.ApplicationCommandOptionString, Name: "since", NameLocalizations: *it("dal"),
			Description: "Only articles published on or after this date (2025-06-01)", DescriptionLocalizations: *it("Solo articoli pubblicati da questa data (2025-06-01)"),
			MaxLength: 25,
		},
		{
			Type: discordgo.ApplicationCommandOptionString, Name: "until", NameLocalizations: *it("al"),
			Description: "Only articles published on or before this date (2025-06-30)", DescriptionLocalizations: *it("Solo articoli pubblicati fino a questa data (2025-06-30)"),
			MaxLength: 25,
		},
		{
			Type: discordgo.ApplicationCommandOptionString, Name: "source", NameLocalizations: *it("fonte"),
			Description: "Only articles from these outlets, comma-separated", DescriptionLocalizations: *it("Solo articoli di queste testate, separate da virgole"),
			MaxLength: 200,
		},
	}
}
