package analysis

import "strings"

// Stop words are folded (no accents). They are dropped from documents and
// questions alike; the lists are the Snowball ones, trimmed of words that
// carry meaning in news questions ("contro", "senza", "against", "without").
var stopIT = words(`
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
`)

var stopEN = words(`
a about above again all am an and any are aren as at be because been being below between both but by
can cannot could couldn did didn do does doesn doing don down during each few for from further had hadn has hasn
have haven having he her here hers herself him himself his how i if in into is isn it its itself let me more most
mustn my myself no nor not of off on once only or other ought our ours ourselves out over own same shan she should
shouldn so some such than that the their theirs them themselves then there these they this those through to too
under until up very was wasn we were weren what when where which while who whom why will with won would wouldn you
your yours yourself yourselves s t d ll m re ve y also just now ever
rather instead even still yet already quite many much
`)

// queryFiller are words of questions that ask rather than describe: they
// say nothing about which passage holds the answer.
var queryFiller = words(`
tell me please explain describe know according reportedly allegedly exactly approximately roughly
main mainly actually really kind sort name named does did do anything something happen happened happens
dimmi spiegami spiega sai sapere secondo circa esattamente principalmente effettivamente davvero
article articles analysis text piece articolo articoli analisi testo pezzo
`)

// authorWords ask who wrote a document: such a concept is also expressed by
// a passage naming the document's author (AuthorTerm).
var authorWords = words(`author authors writer wrote written autore autori autrice scrittore scritto scritta`)

// AuthorTerm is the synthetic term a passage carries when it names its
// document's author (a byline), so "who wrote it?" finds it.
const AuthorTerm = "@author"

func words(s string) map[string]bool {
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
