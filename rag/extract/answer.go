package extract

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/rag/answerable"
	"github.com/briefing/briefing/rag/hashed"
	"github.com/briefing/briefing/rag/lexical"
)

// Extractive answers quote the corpus: the sentences of the top passages that
// best cover the question, each followed by its [n] citation.
const (
	// answerPassages is how many top passages offer sentences.
	answerPassages = 3
	// maxAnswerSentences bounds the excerpts of an extractive answer.
	maxAnswerSentences = 2
	// quoteChars is the target size of a citation's quote around its sentence.
	quoteChars = 420
)

// Extractor writes extractive answers and summaries.
type Extractor struct {
	// Analyzer analyses sentences as the engine analyses passages.
	Analyzer *analysis.Analyzer
	// Hashed compares sentences for summaries (local and free, whatever
	// the engine's embedder).
	Hashed *hashed.Embedder
	// Policy says which passages are relevant enough to quote.
	Policy answerable.Policy
}

// Question is what an extractive answer needs of the question: its
// language, kind and concepts, and those of its rewrite into the corpus
// language when there is one (Rewritten).
type Question struct {
	Lang                  string
	Kind                  analysis.Kind
	Concepts, AltConcepts []lexical.Concept
	Rewritten             bool
}

// Docs is what the extracts need of the indexed documents (the engine's
// index snapshot).
type Docs interface {
	// Meta describes a passage's document (zero when unknown).
	Meta(docID string) lexical.DocMeta
	// Title is a document's title.
	Title(docID string) string
	// ScopeLang is the most common language of the documents in scope (one
	// document, or all when docID is empty).
	ScopeLang(docID string) string
}

// candidate is a run of consecutive sentences of a retrieved passage.
type candidate struct {
	hit   int // index into hits
	span  corpus.Span
	text  string
	score float64
	has   map[int]bool // concepts expressed
}

// Windows of up to maxWindowSentences consecutive sentences (and at most
// maxWindowChars) compete: a reader gets a coherent excerpt, and an answer
// spread over two sentences ("officials said X. After losses, Y.") is found
// whole. Each extra sentence costs a little, so one sentence that says it
// all wins.
const (
	maxWindowSentences = 3
	maxWindowChars     = 520
	extraSentenceCost  = 0.04
	fragmentCost       = 0.1
	// minAnswerChars is the length under which a one-sentence answer takes
	// the next sentence along.
	minAnswerChars = 80
)

// Answer is the extractive answer to q from hits (best first): the
// sentences of the top passages that best cover the question, each
// followed by its [n] citation, and the citations.
func (x Extractor) Answer(docs Docs, q Question, hits []briefing.Hit) (string, []briefing.Citation) {
	var cits []briefing.Citation
	var cands []candidate
	for hi, h := range hits {
		if hi >= answerPassages {
			break
		}
		if !x.Policy.Quotable(h.Score) {
			continue
		}
		meta := docs.Meta(h.Passage.DocID)
		sents := corpus.Sentences(h.Passage.Text)
		sentStems := make([]lexical.StemSet, len(sents))
		for i, sp := range sents {
			sentStems[i] = lexical.StemsOf(x.Analyzer, h.Passage.Text[sp.Start:sp.End], meta)
		}
		for i := range sents {
			for j := i; j < len(sents) && j < i+maxWindowSentences; j++ {
				sp := corpus.Span{Start: sents[i].Start, End: sents[j].End}
				if j > i && sp.End-sp.Start > maxWindowChars {
					break
				}
				text := h.Passage.Text[sp.Start:sp.End]
				// A window ending in a colon announces what follows: it
				// never stands alone.
				if strings.HasSuffix(text, ":") {
					continue
				}
				has, cov := q.cover(lexical.UnionStems(sentStems[i : j+1]))
				score := cov + 0.15*kindBonus(q.Kind, text) + 0.1/float64(hi+1) - extraSentenceCost*float64(j-i)
				if !isStatement(text) {
					// A heading or a byline names things but says nothing
					// about them, and a window ending in a question asks
					// rather than answers.
					score -= fragmentCost
				}
				cands = append(cands, candidate{hit: hi, span: sp, text: text, score: score, has: has})
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	var picked []candidate
	covered := map[int]bool{}
	for _, c := range cands {
		if len(picked) == maxAnswerSentences {
			break
		}
		if len(picked) > 0 {
			// A further excerpt must be nearly as good, come from another
			// passage and say something about the question the first did not.
			if c.score < 0.75*picked[0].score || !addsConcept(c.has, covered) || overlapsPicked(picked, c) {
				continue
			}
		}
		picked = append(picked, c)
		for k := range c.has {
			covered[k] = true
		}
	}
	// A lone short sentence ("Quella clausola è già stata testata.") rarely
	// says enough: the sentence after it in the passage comes along when it
	// is about the question too.
	if len(picked) == 1 && utf8.RuneCountInString(picked[0].text) < minAnswerChars {
		c := &picked[0]
		p := hits[c.hit].Passage
		for _, sp := range corpus.Sentences(p.Text) {
			if sp.Start < c.span.End || between(p.Text, c.span.End, sp.Start) {
				continue
			}
			next := p.Text[sp.Start:sp.End]
			if has, _ := lexical.CoverStems(q.Concepts, lexical.StemsOf(x.Analyzer, next, docs.Meta(p.DocID))); isStatement(next) && len(has) > 0 {
				c.span.End = sp.End
				c.text = p.Text[c.span.Start:c.span.End]
			}
			break
		}
	}
	// Quote in reading order within each passage, passages in rank order.
	sort.SliceStable(picked, func(i, j int) bool {
		if picked[i].hit != picked[j].hit {
			return picked[i].hit < picked[j].hit
		}
		return picked[i].span.Start < picked[j].span.Start
	})
	num := map[int]int{}
	var b strings.Builder
	b.WriteString(intro(q.Lang, docs, hits, picked))
	for _, c := range picked {
		n, ok := num[c.hit]
		if !ok {
			n = len(cits) + 1
			num[c.hit] = n
			cits = append(cits, Cite(n, hits[c.hit].Passage, []corpus.Span{c.span}))
		} else {
			cits[n-1] = Cite(n, hits[c.hit].Passage, append(citedSpans(cits[n-1]), c.span))
		}
		// Line breaks inside a window (a quote over two paragraphs) would break
		// the answer's flow; the citation keeps the verbatim text.
		fmt.Fprintf(&b, " “%s” [%d]", strings.Join(strings.Fields(c.text), " "), n)
	}
	return b.String(), cits
}

// cover is coverStems over the question's concepts or, when the rewrite's
// concepts cover more, over those (their indices offset past the
// question's so the two sets never collide).
func (q Question) cover(stems lexical.StemSet) (map[int]bool, float64) {
	has, cov := lexical.CoverStems(q.Concepts, stems)
	if !q.Rewritten {
		return has, cov
	}
	if h2, c2 := lexical.CoverStems(q.AltConcepts, stems); c2 > cov {
		has = make(map[int]bool, len(h2))
		for k := range h2 {
			has[len(q.Concepts)+k] = true
		}
		cov = c2
	}
	return has, cov
}

// overlapsPicked reports whether c shares text with an excerpt already
// chosen from the same passage.
func overlapsPicked(picked []candidate, c candidate) bool {
	for _, p := range picked {
		if p.hit == c.hit && c.span.Start < p.span.End && p.span.Start < c.span.End {
			return true
		}
	}
	return false
}

func intro(lang string, docs Docs, hits []briefing.Hit, picked []candidate) string {
	foreign := ""
	for _, c := range picked {
		if dl := docs.Meta(hits[c.hit].Passage.DocID).Lang; dl != "" && dl != lang {
			foreign = dl
		}
	}
	if lang == "it" {
		if foreign == "en" {
			return "Secondo le fonti (in inglese):"
		}
		return "Secondo le fonti:"
	}
	if foreign == "it" {
		return "According to the sources (in Italian):"
	}
	return "According to the sources:"
}

func addsConcept(has, covered map[int]bool) bool {
	for k := range has {
		if !covered[k] {
			return true
		}
	}
	return false
}

// Pick is a retrieved passage (an index into the hits) and the spans of
// its text an answer quotes, in reading order.
type Pick struct {
	Hit   int
	Spans []corpus.Span
}

// Quote renders an extractive answer in lang: an intro, then each pick's
// sentences in quotation marks, each followed by its [n] citation, and
// the citations (verbatim quotes with their offsets). uncertain frames it
// as the closest passages rather than an answer.
func Quote(docs Docs, lang string, uncertain bool, hits []briefing.Hit, picks []Pick) (string, []briefing.Citation) {
	var cits []briefing.Citation
	var b strings.Builder
	b.WriteString(framing(lang, docs, hits, picks, uncertain))
	for _, pk := range picks {
		if len(pk.Spans) == 0 {
			continue
		}
		p := hits[pk.Hit].Passage
		n := len(cits) + 1
		cits = append(cits, Cite(n, p, pk.Spans))
		for _, sp := range joinAdjacent(p.Text, pk.Spans) {
			// Line breaks inside a quote (one over two paragraphs) would
			// break the answer's flow; the citation keeps the verbatim text.
			fmt.Fprintf(&b, " “%s” [%d]", strings.Join(strings.Fields(p.Text[sp.Start:sp.End]), " "), n)
		}
	}
	return b.String(), cits
}

// joinAdjacent merges spans separated only by white space, so two
// consecutive sentences read as one quote.
func joinAdjacent(text string, spans []corpus.Span) []corpus.Span {
	var out []corpus.Span
	for _, sp := range spans {
		if n := len(out); n > 0 && !between(text, out[n-1].End, sp.Start) {
			out[n-1].End = sp.End
			continue
		}
		out = append(out, sp)
	}
	return out
}

// framing introduces a quoted answer: as the sources' or as the closest
// passages, noting when they are in another language.
func framing(lang string, docs Docs, hits []briefing.Hit, picks []Pick, uncertain bool) string {
	foreign := ""
	for _, pk := range picks {
		if dl := docs.Meta(hits[pk.Hit].Passage.DocID).Lang; dl != "" && dl != lang {
			foreign = dl
		}
	}
	switch {
	case uncertain && lang == "it":
		if foreign == "en" {
			return "Nessun passaggio risponde direttamente; i più vicini (in inglese) sono:"
		}
		return "Nessun passaggio risponde direttamente; i più vicini sono:"
	case uncertain:
		if foreign == "it" {
			return "No passage answers this directly; the closest ones (in Italian) are:"
		}
		return "No passage answers this directly; the closest ones are:"
	case lang == "it":
		if foreign == "en" {
			return "Secondo le fonti (in inglese):"
		}
		return "Secondo le fonti:"
	case foreign == "it":
		return "According to the sources (in Italian):"
	}
	return "According to the sources:"
}
