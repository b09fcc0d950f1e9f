package analysis

import "strings"

// Stop words are folded (no accents). They are dropped from documents and
// questions alike; the lists are the Snowball ones, trimmed of words that
// carry meaning in news questions ("contro", "senza", "against", "without"),
// with the modal verbs added: the English ones Snowball lacks (may, might,
// must, shall) and the forms of potere, dovere and volere (infinitive,
// present, imperfect, future, conditional, present subjunctive), which
// say how, not what.
var stopIT = WordSet(`
a ad al all alla alle allo agli ai anche avere abbia abbiamo abbiano abbiate ad
avemmo avendo avesse avessero avessi avessimo aveste avesti avete aveva avevamo avevano avevate avevi avevo avrai
avranno avrebbe avrebbero avrei avremmo avremo avreste avresti avrete avro avuta avute avuti avuto c ci che chi
cio coi col come con cui da dagli dai dal dall dalla dalle dallo de degl degli dei del dell della delle dello
di dov dove e ebbe ebbero ebbi ed era erano eravamo eravate eri ero essendo faccia facciamo facciano facciate faccio
facemmo facendo facesse facessero facessi facessimo faceste facesti faceva facevamo facevano facevate facevi facevo
fai fanno farai faranno farebbe farebbero farei faremmo faremo fareste faresti farete faro fece fecero feci fosse
fossero fossi fossimo foste fosti fu fui fummo furono gli ha hai hanno ho i il in io l la le lei li lo loro lui ma
mi mia mie miei mio ne negl negli nei nel nell nella nelle nello noi non nostra nostre nostri nostro o per perche
piu quale quali qual quanta quante quanti quanto quella quelle quelli quello questa queste questi questo sarai
saranno sarebbe sarebbero sarei saremmo saremo sareste saresti sarete saro se sei si sia siamo siano siate siete
sono sta stai stando stanno starai staranno starebbe starebbero starei staremmo staremo stareste staresti starete
staro stava stavamo stavano stavate stavi stavo stemmo stesse stessero stessi stessimo steste stesti stette stettero
stetti stia stiamo stiano stiate sto su sua sue sugl sugli sui sul sull sulla sulle sullo suo suoi ti tra tu tua tue
tuo tuoi tutti tutto tutte tutta un una uno vi voi vostra vostre vostri vostro e è cosa cos quando qualcosa
essere stato stata stati state fra d un' po cosi
potere posso puoi puo possiamo potete possono potevo potevi poteva potevamo potevate potevano potro potrai potra
potremo potrete potranno potrei potresti potrebbe potremmo potreste potrebbero possa possano
dovere devo devi deve dobbiamo dovete devono dovevo dovevi doveva dovevamo dovevate dovevano dovro dovrai dovra
dovremo dovrete dovranno dovrei dovresti dovrebbe dovremmo dovreste dovrebbero debba debbano
volere voglio vuoi vuole vogliamo volete vogliono volevo volevi voleva volevamo volevate volevano vorro vorrai vorra
vorremo vorrete vorranno vorrei vorresti vorrebbe vorremmo vorreste vorrebbero voglia vogliano
`)

var stopEN = WordSet(`
a about above again all am an and any are aren as at be because been being below between both but by
can cannot could couldn did didn do does doesn doing don down during each few for from further had hadn has hasn
have haven having he her here hers herself him himself his how i if in into is isn it its itself let me more most
mustn my myself no nor not of off on once only or other ought our ours ourselves out over own same shan she should
shouldn so some such than that the their theirs them themselves then there these they this those through to too
under until up very was wasn we were weren what when where which while who whom why will with won would wouldn you
your yours yourself yourselves s t d ll m re ve y also just now ever
rather instead even still yet already quite many much
may might must shall
`)

// Function words of Italian and English. They are the most frequent words
// of any text and rarely shared, so a handful of them decide even a short
// question. Accentless spellings ("perche", "piu") are included because
// people type questions without accents.
// The language detector (DetectLang) counts these; they are not the stop
// lists above, which decide what retrieval ignores.
var (
	italianWords = WordSet(`il lo la le gli i un una uno del della dello dei degli delle a in
		di da dal dalla dai dalle nel nella nei nelle al alla ai alle allo sul sulla
		con per tra fra su che chi cosa cos come dove quando quale quali qual quanto
		quanti quanta quante perché perche poiché è e ed ha hanno ho sono era erano
		stato stata stati state essere avere non ma anche più piu questo questa questi
		queste quello quella quelli cui si ci ne suo sua suoi sue loro dopo prima
		molto ogni già gia ancora sempre mai cosa chi qual perchè quanto dell nell
		all dall sull c l un d qualcosa contro durante secondo tutto tutti oggi`)
	englishWords = WordSet(`the of and to is are was were be been being a an this that
		these those what when where who whom whose why how which did does do done
		has have had with for from by on at it its into about after before between
		than then there their they them he she his her we our you your not no or
		will would can could should shall may might must many much any some all
		more most other such only also very s t don doesn didn isn aren wasn
		against during under over while because if so as up out in`)
)

// months are the month names of both languages, folded: what a "when"
// question looks for in a passage besides a year. English "may" is left
// out: it is a modal verb far more often than the month.
var months = WordSet(`gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre
	january february march april june july august september october november december`)

// IsMonth reports whether the folded word w names a month.
func IsMonth(w string) bool { return months[w] }

// queryFiller are the words that ask rather than describe — verbs of
// asking and telling, their imperatives, and "please" — which say nothing
// about which passage holds the answer.
var queryFiller = WordSet(`
tell explain describe please know
dimmi spiegami spiega descrivi sai sapere
`)

// authorWords ask who wrote a document: such a concept is also expressed by
// a passage naming the document's author (AuthorTerm).
var authorWords = WordSet(`author authors writer wrote written autore autori autrice scrittore scritto scritta`)

// IsAuthorWord reports whether the folded word w asks who wrote something.
func IsAuthorWord(w string) bool { return authorWords[w] }

// AuthorTerm is the synthetic term a passage carries when it names its
// document's author (a byline), so "who wrote it?" finds it.
const AuthorTerm = "@author"

// WordSet is the set of the white-space separated words of s.
func WordSet(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// IsStop reports whether the folded word w is a stop word in lang.
// Unknown languages use both lists.
func IsStop(w, lang string) bool {
	switch lang {
	case "it":
		return stopIT[w]
	case "en":
		return stopEN[w]
	}
	return stopIT[w] || stopEN[w]
}
