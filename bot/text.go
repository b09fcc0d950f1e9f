package bot

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/briefing/briefing/internal/analysis"
)

// msgs holds every sentence a Discord user reads, by language ("en", "it").
type msgs struct {
	Sources, SourcesCont, Refused, Uncertain, Fallback, ShowSources   string
	Thinking                                                          string
	SlowDown, Busy, TooLong, Empty, InvalidText, NoIndex, UnknownDoc  string
	Internal, Timeout, NotAdmin, NoReload, ReloadOK, ReloadFailed     string
	Reloading, Thanks, SourcesGone, ShuttingDown, SearchTitle, NoHits string
	Score, Documents, NoDocuments, Passages, Summary, Ref, NoContent  string
	HelpTitle, Help, Continued                                        string
	AsOf, AsOfReload, Undated                                         string
	CorpusUsage, CorpusAddUsage, NoCorpusAdmin, CorpusFailed          string
	ChangeAdded, ChangeChanged, ChangeRemoved, ChangeStale            string
	ChangeNewFrom, BadFilter, NoMatch                                 string
	ReloadBusy, ReloadTimedOut                                        string
	Draft, DraftNote, AnswerCut, MoreSources, MoreDocuments           string
	OneMoreDocument, ChannelBusy                                      string
	Gloss                                                             string
}

var texts = map[string]msgs{
	"en": {
		Sources:      "Sources",
		SourcesCont:  "Sources (continued)",
		Gloss:        "machine translation, rough:",
		Refused:      "Not covered by the articles",
		Uncertain:    "No direct answer: the closest passages",
		Fallback:     "⚠ Language model unavailable: extractive answer",
		ShowSources:  "Show sources",
		Thinking:     "Searching the articles…",
		SlowDown:     "You are asking a little fast. Please wait a minute and try again.",
		ChannelBusy:  "This channel is asking a lot right now. Please wait a minute and try again.",
		Busy:         "I am answering many questions right now. Please try again in a moment.",
		TooLong:      "Your question is too long (%d characters; the limit is %d). Please shorten it.",
		Empty:        "Please write a question with some words in it.",
		InvalidText:  "I could not read that text. Please type the question again.",
		NoIndex:      "The articles are not indexed yet. An admin can run /reload.",
		UnknownDoc:   "I do not know that document. Pick one from the list.",
		Internal:     "Something went wrong (ref %s).",
		Timeout:      "That took too long (ref %s). Please try again.",
		NotAdmin:     "Only the bot's admins can reload the corpus.",
		NoReload:     "Reloading is not available on this deployment.",
		ReloadOK:     "Corpus reloaded in %s: %d added, %d changed, %d removed, %d unchanged; %d passages (%d embedded).",
		ReloadFailed: "Reload failed (ref %s); the previous index keeps answering.\n%s",
		Reloading:    "Reloading…",
		Thanks:       "Thanks for the feedback!",
		SourcesGone:  "Those sources are no longer in memory. Ask the question again to see them.",
		ShuttingDown: "The bot is restarting. Please try again in a minute.",
		SearchTitle:  "Passages for “%s”",
		NoHits:       "No passage matches that query.",
		Score:        "score",
		Documents:    "Documents",
		NoDocuments:  "No documents are indexed yet.",
		Passages:     "passages",
		Summary:      "Summary",
		Ref:          "ref",
		NoContent:    "I cannot read message text here. Please use /ask instead.",
		HelpTitle:    "How to use briefing",
		Help: "I answer questions about a small set of news articles and cite the passages I rely on.\n\n" +
			"• `/ask question:` ask anything about the articles; [n] markers point to the sources.\n" +
			"• `/search query:` see the best matching passages, with scores.\n" +
			"• `/summary [topic:] [document:]` a cited briefing of everything, a topic or one document.\n" +
			"• `/sources` list the documents.\n" +
			"• Mention me in an allowed channel: I answer in a thread, and follow-ups there keep the context.\n\n" +
			"Use **Show sources** under an answer to read the full passages, and 👍/👎 to tell us how it went. " +
			"Quotes from Italian articles stay as written, with a rough machine translation under them.",
		Continued:  "(continued)",
		AsOf:       "as of %s",
		AsOfReload: "as of the last reload, %s",
		Undated:    "undated",

		CorpusUsage:    "Use /corpus add, /corpus remove id: or /corpus list.",
		CorpusAddUsage: "Give either a file or a url, not both.",
		NoCorpusAdmin:  "Documents cannot be added or removed on this deployment (set corpus.dir).",
		CorpusFailed:   "Nothing changed: %s",
		ChangeAdded:    "Added",
		ChangeChanged:  "Changed",
		ChangeRemoved:  "Removed",
		ChangeStale:    "kept its last good copy",
		ChangeNewFrom:  "New from %s",
		BadFilter:      "I could not use that filter: %s.",
		NoMatch:        "No document matches those dates or outlets, so there is nothing to answer from. Try a wider filter.",

		ReloadBusy:      "Already reloading: a reload or /corpus change is under way and reports to whoever started it. Try again when it is done.",
		ReloadTimedOut:  "Reload stopped after %s, its time limit (ref %s); the previous index keeps answering.",
		Draft:           "Draft",
		DraftNote:       "Draft: not yet verified against the sources. The checked answer replaces it.",
		AnswerCut:       "(The answer was too long and has been cut.)",
		MoreSources:     "more sources under Show sources",
		MoreDocuments:   "%d more documents not shown",
		OneMoreDocument: "1 more document not shown",
	},
	"it": {
		Sources:      "Fonti",
		SourcesCont:  "Fonti (continua)",
		Gloss:        "traduzione automatica, approssimativa:",
		Refused:      "Non coperto dagli articoli",
		Uncertain:    "Nessuna risposta diretta: i passaggi più vicini",
		Fallback:     "⚠ Modello linguistico non disponibile: risposta estrattiva",
		ShowSources:  "Mostra fonti",
		Thinking:     "Cerco negli articoli…",
		SlowDown:     "Stai facendo domande un po' troppo in fretta. Aspetta un minuto e riprova.",
		ChannelBusy:  "In questo canale si stanno facendo molte domande. Aspetta un minuto e riprova.",
		Busy:         "Sto rispondendo a molte domande in questo momento. Riprova tra poco.",
		TooLong:      "La domanda è troppo lunga (%d caratteri; il limite è %d). Accorciala, per favore.",
		Empty:        "Scrivi una domanda con qualche parola.",
		InvalidText:  "Non riesco a leggere questo testo. Riscrivi la domanda.",
		NoIndex:      "Gli articoli non sono ancora indicizzati. Un amministratore può usare /reload.",
		UnknownDoc:   "Non conosco quel documento. Scegline uno dall'elenco.",
		Internal:     "Qualcosa è andato storto (rif. %s).",
		Timeout:      "Ci ho messo troppo (rif. %s). Riprova.",
		NotAdmin:     "Solo gli amministratori del bot possono ricaricare il corpus.",
		NoReload:     "La ricarica non è disponibile in questa installazione.",
		ReloadOK:     "Corpus ricaricato in %s: %d aggiunti, %d modificati, %d rimossi, %d invariati; %d passaggi (%d calcolati).",
		ReloadFailed: "Ricarica non riuscita (rif. %s); l'indice precedente continua a rispondere.\n%s",
		Reloading:    "Ricarico…",
		Thanks:       "Grazie per il riscontro!",
		SourcesGone:  "Queste fonti non sono più in memoria. Rifai la domanda per vederle.",
		ShuttingDown: "Il bot si sta riavviando. Riprova tra un minuto.",
		SearchTitle:  "Passaggi per “%s”",
		NoHits:       "Nessun passaggio corrisponde alla ricerca.",
		Score:        "punteggio",
		Documents:    "Documenti",
		NoDocuments:  "Nessun documento è ancora indicizzato.",
		Passages:     "passaggi",
		Summary:      "Riassunto",
		Ref:          "rif.",
		NoContent:    "Qui non posso leggere il testo dei messaggi. Usa /ask.",
		HelpTitle:    "Come usare briefing",
		Help: "Rispondo a domande su un piccolo insieme di articoli e cito i passaggi su cui mi baso.\n\n" +
			"• `/ask domanda:` chiedi qualsiasi cosa sugli articoli; i segni [n] rimandano alle fonti.\n" +
			"• `/search testo:` i passaggi più pertinenti, con i punteggi.\n" +
			"• `/summary [tema:] [documento:]` un riassunto con fonti di tutto, di un tema o di un documento.\n" +
			"• `/sources` l'elenco dei documenti.\n" +
			"• Menzionami in un canale abilitato: rispondo in un thread, e lì le domande successive tengono il contesto.\n\n" +
			"Usa **Mostra fonti** sotto una risposta per leggere i passaggi completi, e 👍/👎 per dirci com'è andata.",
		Continued:  "(continua)",
		AsOf:       "aggiornato al %s",
		AsOfReload: "aggiornato all'ultimo ricaricamento, %s",
		Undated:    "senza data",

		CorpusUsage:    "Usa /corpus aggiungi, /corpus rimuovi id: oppure /corpus elenco.",
		CorpusAddUsage: "Indica un file oppure un url, non entrambi.",
		NoCorpusAdmin:  "Su questa installazione non si possono aggiungere o rimuovere documenti (imposta corpus.dir).",
		CorpusFailed:   "Nessuna modifica: %s",
		ChangeAdded:    "Aggiunti",
		ChangeChanged:  "Modificati",
		ChangeRemoved:  "Rimossi",
		ChangeStale:    "tenuta l'ultima copia valida",
		ChangeNewFrom:  "Nuovi da %s",
		BadFilter:      "Non posso usare quel filtro: %s.",
		NoMatch:        "Nessun documento corrisponde a quelle date o testate, quindi non c'è nulla da cui rispondere. Prova un filtro più ampio.",

		ReloadBusy:      "Ricarica già in corso: una ricarica o una modifica con /corpus riferirà a chi l'ha avviata. Riprova quando avrà finito.",
		ReloadTimedOut:  "Ricarica interrotta dopo %s, il suo limite di tempo (rif. %s); l'indice precedente continua a rispondere.",
		Draft:           "Bozza",
		DraftNote:       "Bozza: non ancora verificata sulle fonti. La risposta controllata la sostituirà.",
		AnswerCut:       "(La risposta era troppo lunga ed è stata tagliata.)",
		MoreSources:     "altre fonti con Mostra fonti",
		MoreDocuments:   "altri %d documenti non mostrati",
		OneMoreDocument: "un altro documento non mostrato",
	},
}

// t returns the messages for lang, English when lang is not known.
func t(lang string) msgs {
	if m, ok := texts[lang]; ok {
		return m
	}
	return texts["en"]
}

// localeLang maps a Discord locale to "it" or "en".
func localeLang(l discordgo.Locale) string {
	if strings.HasPrefix(string(l), "it") {
		return "it"
	}
	return "en"
}

// guessLang says whether text reads as Italian or English with the
// project's one detector (analysis.GuessLang); a tie goes to the user's
// locale. Only bot-authored text (errors, headings) depends on it; the
// engine reports the answer's own language.
func guessLang(text string, locale discordgo.Locale) string {
	return analysis.GuessLang(text, localeLang(locale))
}
