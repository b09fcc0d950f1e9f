package rag

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
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

// Answer answers a question with cited passages, or refuses when the corpus
// does not cover it (Answer.Refused, no citations). Errors are reserved for
// bad questions (ErrEmptyQuestion, ErrQuestionTooLong, ErrInvalidText), a
// missing index (ErrNoIndex) and cancellation of ctx, which stops the
// request and is returned wrapped.
//
// Without a Generator the answer is extractive. With one, retrieval runs as
// usual (on the question and, with RewriteQueries, its translation into the
// corpus language); a question without evidence above MinScore is refused
// without calling the LLM; otherwise the LLM answers from the top passages
// within GenerateTimeout (brought forward so the fallback still fits the
// caller's deadline), its [n] citations are verified sentence by sentence
// (markers naming no passage sent, or a passage sharing nothing with their
// sentence, are removed; factual sentences left uncited are dropped) and
// renumbered 1..m in order of use, and Answer.Generated is set. When the LLM
// fails, times out, or writes an answer that is mostly uncited or has no
// valid citation left and is not a refusal, the extractive answer is
// returned instead with Answer.Fallback and FallbackReason set, and one Warn
// line is logged.
func (e *Engine) Answer(ctx context.Context, req Request) (Answer, error) {
	start := time.Now()
	q, err := e.checkQuestion(req.Question)
	if err != nil {
		return Answer{}, err
	}
	s := e.cur.Load()
	if s == nil {
		return Answer{}, ErrNoIndex
	}
	var extra []string
	for _, t := range req.History {
		extra = append(extra, t.Question)
	}
	llmCtx, cancel := ctx, context.CancelFunc(func() {})
	if e.opts.Generator != nil {
		llmCtx, cancel = e.llmContext(ctx)
	}
	defer cancel()
	rewrite, rwErr := e.rewriteQuery(llmCtx, s, q)
	if err := ctx.Err(); err != nil {
		return Answer{}, fmt.Errorf("rag: answer: %w", err)
	}
	r, err := e.retrieveWith(ctx, q, rewrite, extra, e.opts.TopK)
	if err != nil {
		return Answer{}, err
	}
	a := Answer{Question: q, Lang: r.lang, Hits: r.hits}
	a.Timings.Retrieval = r.took
	logRewrite := func() {
		if rwErr != nil {
			e.log.Warn("query rewrite failed; retrieval used the glossary bridge only", "err", rwErr)
		}
	}
	switch {
	case !e.evidenced(r):
		logRewrite()
		a.Refused = true
		a.Text = refusal(r.lang)
	case e.opts.Generator == nil:
		e.extract(r, &a)
	default:
		genStart := time.Now()
		g, err := e.generateAnswer(llmCtx, r, q, req)
		a.Timings.Generation = time.Since(genStart)
		if cerr := ctx.Err(); cerr != nil {
			return Answer{}, fmt.Errorf("rag: answer: %w", cerr)
		}
		if err != nil {
			e.extract(r, &a)
			a.Fallback, a.FallbackReason = true, reason(err)
			attrs := []any{"reason", a.FallbackReason, "passages", len(r.hits), "generation_ms", a.Timings.Generation.Milliseconds()}
			if rwErr != nil {
				attrs = append(attrs, "rewrite_err", rwErr)
			}
			e.log.Warn("llm answer replaced by the extractive answer", attrs...)
			break
		}
		logRewrite()
		if g.removed > 0 {
			e.log.Info("removed invalid citations from llm answer", "removed", g.removed, "kept", len(g.citations))
		}
		a.Text, a.Citations, a.Refused, a.Generated = g.text, g.citations, g.refused, true
	}
	a.Timings.Total = time.Since(start)
	return a, nil
}

// evidenced reports whether retrieval found evidence for the question: a
// passage covering at least MinScore of its weight and, when the question
// asks how many, holding a quantity next to one of its concepts ("4.000
// soldati", "decine di migliaia di proiettili"): a passage that merely
// shares the question's words cannot say how many.
func (e *Engine) evidenced(r *retrieval) bool {
	for _, h := range r.hits {
		p := r.snap.byID[h.Passage.ID]
		if h.Score < e.opts.MinScore && !r.snap.lex.supports(r.concepts, p) {
			continue
		}
		if r.snap.lex.missesMain(r.concepts, p) && (len(r.altConcepts) == 0 || r.snap.lex.missesMain(r.altConcepts, p)) {
			continue
		}
		m := r.snap.meta(h.Passage.DocID)
		switch r.query.Kind {
		case analysis.KindNumber:
			if quantityNear(e.analyzer, h.Passage.Text, m, counted(r.concepts)) ||
				(len(r.altConcepts) > 0 && quantityNear(e.analyzer, h.Passage.Text, m, counted(r.altConcepts))) {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// counted returns the concepts a how-many question counts, or all of them
// when it names none ("what number of ...").
func counted(concepts []concept) []concept {
	var out []concept
	for _, c := range concepts {
		if c.Counted {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return concepts
	}
	return out
}

// quantityWindow is how many words apart a quantity and the thing counted
// may stand ("circa 4.000 soldati", "decine di migliaia di proiettili").
const quantityWindow = 3

// quantityNear reports whether text holds a number or a quantity word within
// quantityWindow words of a word expressing one of the concepts.
func quantityNear(a *analysis.Analyzer, text string, m docMeta, concepts []concept) bool {
	toks := analysis.Tokenize(text)
	var qty, hit []int
	for i, t := range toks {
		if t.Number || scale[t.Text] {
			qty = append(qty, i)
		}
		if analysis.IsStop(t.Text, m.lang) {
			continue
		}
		st := stemSet{analysis.Stem(t.Text, m.lang): {t.Text}}
		for _, c := range concepts {
			if c.Number {
				continue
			}
			for _, alt := range c.Alts {
				if len(alt.Terms) == 1 && altIn(alt, st) || len(alt.Terms) > 1 && anyTermIn(alt, st) {
					hit = append(hit, i)
					break
				}
			}
		}
	}
	for _, q := range qty {
		for _, h := range hit {
			if d := q - h; d != 0 && d >= -quantityWindow && d <= quantityWindow {
				return true
			}
		}
	}
	return false
}

// anyTermIn reports whether one term of a phrase alternative is in stems.
func anyTermIn(alt analysis.Alt, stems stemSet) bool {
	for i := range alt.Terms {
		one := analysis.Alt{Terms: alt.Terms[i : i+1]}
		if i < len(alt.Words) {
			one.Words = alt.Words[i : i+1]
		}
		if altIn(one, stems) {
			return true
		}
	}
	return false
}

// refusal is the "not in the corpus" answer in the question's language.
func refusal(lang string) string {
	if lang == "it" {
		return "Il corpus non tratta questo argomento: nessun passaggio dei documenti risponde alla domanda."
	}
	return "The corpus does not cover this: no passage of the documents answers the question."
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

func (e *Engine) extract(r *retrieval, a *Answer) {
	var cands []candidate
	for hi, h := range r.hits {
		if hi >= answerPassages {
			break
		}
		if h.Score < e.opts.MinScore/2 {
			continue
		}
		meta := r.snap.meta(h.Passage.DocID)
		sents := corpus.Sentences(h.Passage.Text)
		sentStems := make([]stemSet, len(sents))
		for i, sp := range sents {
			sentStems[i] = stemsOf(e.analyzer, h.Passage.Text[sp.Start:sp.End], meta)
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
				has, cov := r.cover(unionStems(sentStems[i : j+1]))
				score := cov + 0.15*kindBonus(r.query.Kind, text) + 0.1/float64(hi+1) - extraSentenceCost*float64(j-i)
				if !endsSentence(text) {
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
		p := r.hits[c.hit].Passage
		for _, sp := range corpus.Sentences(p.Text) {
			if sp.Start < c.span.End || between(p.Text, c.span.End, sp.Start) {
				continue
			}
			next := p.Text[sp.Start:sp.End]
			if has, _ := coverStems(r.concepts, stemsOf(e.analyzer, next, r.snap.meta(p.DocID))); endsSentence(next) && len(has) > 0 {
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
	b.WriteString(intro(a.Lang, r.snap, r.hits, picked))
	for _, c := range picked {
		n, ok := num[c.hit]
		if !ok {
			n = len(a.Citations) + 1
			num[c.hit] = n
			a.Citations = append(a.Citations, quoteCitation(n, r.hits[c.hit].Passage, []corpus.Span{c.span}))
		} else {
			a.Citations[n-1] = quoteCitation(n, r.hits[c.hit].Passage, append(citedSpans(a.Citations[n-1]), c.span))
		}
		// Line breaks inside a window (a quote over two paragraphs) would break
		// the answer's flow; the citation keeps the verbatim text.
		fmt.Fprintf(&b, " “%s” [%d]", strings.Join(strings.Fields(c.text), " "), n)
	}
	a.Text = b.String()
}

// cover is coverStems over the question's concepts or, when the rewrite's
// concepts cover more, over those (their indices offset past the
// question's so the two sets never collide).
func (r *retrieval) cover(stems stemSet) (map[int]bool, float64) {
	has, cov := coverStems(r.concepts, stems)
	if r.rewrite == "" {
		return has, cov
	}
	if h2, c2 := coverStems(r.altConcepts, stems); c2 > cov {
		has = make(map[int]bool, len(h2))
		for k := range h2 {
			has[len(r.concepts)+k] = true
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

// citedSpans recovers the passage-relative span of a citation's quote.
func citedSpans(c Citation) []corpus.Span {
	return []corpus.Span{{Start: c.QuoteStart - c.Passage.Start, End: c.QuoteEnd - c.Passage.Start}}
}

func intro(lang string, s *snapshot, hits []Hit, picked []candidate) string {
	foreign := ""
	for _, c := range picked {
		if dl := s.docLang(hits[c.hit].Passage.DocID); dl != "" && dl != lang {
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

// stemSet maps the stems of a text to the words they come from.
type stemSet map[string][]string

func stemsOf(a *analysis.Analyzer, text string, m docMeta) stemSet {
	stems := stemSet{}
	for _, t := range a.Terms(text, m.lang) {
		stems[t.Stem] = append(stems[t.Stem], t.Word)
	}
	if namesAuthor(text, m.author) {
		stems[analysis.AuthorTerm] = []string{analysis.AuthorTerm}
	}
	return stems
}

func unionStems(sets []stemSet) stemSet {
	if len(sets) == 1 {
		return sets[0]
	}
	out := stemSet{}
	for _, s := range sets {
		for k, v := range s {
			out[k] = append(out[k], v...)
		}
	}
	return out
}

// sentenceCoverage is the weighted share of concepts a text expresses.
func sentenceCoverage(a *analysis.Analyzer, concepts []concept, text string, m docMeta) (map[int]bool, float64) {
	return coverStems(concepts, stemsOf(a, text, m))
}

func coverStems(concepts []concept, stems stemSet) (map[int]bool, float64) {
	has := map[int]bool{}
	var got, all float64
	for i, c := range concepts {
		all += c.weight
		for _, alt := range c.Alts {
			if altIn(alt, stems) {
				has[i] = true
				got += c.weight * alt.Weight
				break
			}
		}
	}
	if all == 0 {
		return has, 0
	}
	return has, got / all
}

// altIn reports whether every term of alt is in stems in a compatible form.
func altIn(alt analysis.Alt, stems stemSet) bool {
	if len(alt.Terms) == 0 {
		return false
	}
	for ti, t := range alt.Terms {
		want := ""
		if ti < len(alt.Words) {
			want = alt.Words[ti]
		}
		found := false
		for _, w := range stems[t] {
			if analysis.Compatible(w, want) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

var (
	months = map[string]bool{}
	scale  = map[string]bool{}
)

func init() {
	for _, m := range strings.Fields(`gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre
		january february march april may june july august september october november december`) {
		months[m] = true
	}
	for _, w := range strings.Fields(`decine centinaia migliaia milioni miliardi dozzine dozens hundreds thousands millions billions
		mille cento dieci venti trenta quaranta cinquanta ten hundred thousand million billion meta half
		due tre quattro cinque sei sette otto nove two three four five six seven eight nine dozzina dozen`) {
		scale[w] = true
	}
}

// kindBonus is 1 when a sentence holds what the question asks for: a number,
// a date, a name.
func kindBonus(k analysis.Kind, text string) float64 {
	if k == analysis.KindOther {
		return 0
	}
	toks := analysis.Tokenize(text)
	for i, t := range toks {
		switch k {
		case analysis.KindNumber:
			if t.Number || scale[t.Text] {
				return 1
			}
		case analysis.KindTime:
			if months[t.Text] || (t.Number && len(t.Text) == 4 && (t.Text[:2] == "19" || t.Text[:2] == "20")) ||
				(t.Number && (t.Text == "anni" || (i+1 < len(toks) && (toks[i+1].Text == "anni" || toks[i+1].Text == "years")))) {
				return 1
			}
		case analysis.KindPerson, analysis.KindPlace:
			if i > 0 {
				r := []rune(text[t.Start:t.End])
				if len(r) > 1 && unicode.IsUpper(r[0]) {
					return 1
				}
			}
		}
	}
	return 0
}

// quoteCitation cites passage p around the given sentence spans (relative to
// the passage): the sentences themselves plus their neighbours while the
// quote stays near quoteChars, so the reader sees the context.
func quoteCitation(n int, p corpus.Passage, spans []corpus.Span) Citation {
	lo, hi := spans[0].Start, spans[0].End
	for _, s := range spans[1:] {
		lo, hi = min(lo, s.Start), max(hi, s.End)
	}
	sents := corpus.Sentences(p.Text)
	for grew := true; grew; {
		grew = false
		for _, s := range sents {
			// Context is whole sentences: not a heading, nor a sentence
			// announcing (":") what the quote would leave out.
			if t := p.Text[s.Start:s.End]; !endsSentence(t) && !strings.HasSuffix(t, "?") {
				continue
			}
			if s.End <= lo && s.Start < lo && hi-s.Start <= quoteChars && !between(p.Text, s.End, lo) {
				lo, grew = s.Start, true
			}
			if s.Start >= hi && s.End-lo <= quoteChars && !between(p.Text, hi, s.Start) {
				hi, grew = s.End, true
			}
		}
	}
	return Citation{N: n, Passage: p, Quote: p.Text[lo:hi], QuoteStart: p.Start + lo, QuoteEnd: p.Start + hi}
}

// between reports whether text[a:b] holds anything but white space: only
// adjacent sentences are joined into a quote.
func between(text string, a, b int) bool {
	if a > b {
		return true
	}
	return strings.TrimSpace(text[a:b]) != ""
}

func (s *snapshot) docLang(id string) string {
	if i, ok := s.docByID[id]; ok {
		return s.docs[i].Lang
	}
	return ""
}
