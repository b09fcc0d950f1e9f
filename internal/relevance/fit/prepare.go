package fit

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
	"github.com/briefing/briefing/internal/eval"
	"github.com/briefing/briefing/internal/relevance"
	"github.com/briefing/briefing/rag/lexical"
)

// prepare builds the indexes and every question's candidates.
func prepare(ctx context.Context, sets []Set, opts Options, logf func(string, ...any)) ([]*item, []*eval.Judge, error) {
	var items []*item
	judges := make([]*eval.Judge, len(sets))
	// Each set's full corpus, for the other sets' questions.
	type corpusOf struct {
		ix       *relevance.Index
		passages []corpus.Passage
		vecs     [][]float32
		lx       *lexical.Index
		lang     string
		trans    map[string]string
	}
	built := make([]corpusOf, len(sets))
	for si, s := range sets {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		docs := slices.Clone(s.Docs)
		sort.Slice(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
		judges[si] = eval.NewJudge(docs)
		docFold := map[string]int{}
		for i, d := range docs {
			docFold[d.ID] = i % opts.Folds
		}
		langs := make([]string, len(docs))
		for i, d := range docs {
			langs[i] = d.Lang
		}
		lang := analysis.MainLang(langs) // as the engine reads a corpus
		var trans map[string]string
		var err error
		if lang == opts.To {
			trans, err = translations(ctx, s.Questions, opts.From, opts.Translate)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("fit: %s: %w", s.Name, err)
		}
		logf("%s: %d questions translated", s.Name, len(trans))
		lx := map[*relevance.Index]*lexical.Index{}
		full, fullPassages := build(docs, opts.Chunk)
		lx[full] = lexicalIndex(opts.Analyzer, docs, fullPassages)
		fullVecs, err := embedPassages(ctx, opts.Embedder, fullPassages)
		if err != nil {
			return nil, nil, fmt.Errorf("fit: %s: %w", s.Name, err)
		}
		absent := make([]*relevance.Index, opts.Folds)
		absentPassages := make([][]corpus.Passage, opts.Folds)
		absentVecs := make([][][]float32, opts.Folds)
		if s.LeaveOut {
			for f := range absent {
				kept := slices.DeleteFunc(slices.Clone(docs), func(d corpus.Document) bool { return docFold[d.ID] == f })
				absent[f], absentPassages[f] = build(kept, opts.Chunk)
				lx[absent[f]] = lexicalIndex(opts.Analyzer, kept, absentPassages[f])
				if absentVecs[f], err = embedPassages(ctx, opts.Embedder, absentPassages[f]); err != nil {
					return nil, nil, fmt.Errorf("fit: %s: %w", s.Name, err)
				}
			}
		}
		var prepErr error
		for qi, q := range s.Questions {
			ev := judges[si].Locate(q.Evidence)
			fold := qi % opts.Folds
			if s.LeaveOut {
				ds := ev.Docs()
				if len(ds) == 0 {
					continue // evidence in no article: cannot be labelled
				}
				fold = docFold[ds[0]]
			}
			mk := func(ix *relevance.Index, ps []corpus.Passage, vecs [][]float32, isAbsent bool) *item {
				it := &item{set: si, fold: fold, q: q, ev: ev, absent: isAbsent, answerable: q.Answerable && !isAbsent, ix: ix, passages: ps}
				tr, trLang := "", ""
				if t, ok := trans[q.Lang+"/"+q.ID]; ok {
					tr, trLang = t, lang
				}
				it.query = ix.NewQuery(opts.Analyzer, q.Question, q.Lang, tr, trLang)
				dense, err := denseScores(ctx, opts.Embedder, vecs, q.Question, tr)
				if err != nil {
					prepErr = err
				}
				it.cands = ix.Candidates(it.query, conceptSignals(opts.Analyzer, lx[ix], dense, q.Question, q.Lang, tr))
				it.labels = make([]bool, len(it.cands))
				if it.answerable {
					for i, c := range it.cands {
						it.labels[i] = judges[si].Relevant(ps[c.Passage], ev)
					}
				}
				return it
			}
			items = append(items, mk(full, fullPassages, fullVecs, false))
			if s.LeaveOut && q.Answerable {
				items = append(items, mk(absent[fold], absentPassages[fold], absentVecs[fold], true))
			}
			if prepErr != nil {
				return nil, nil, fmt.Errorf("fit: %s: %w", s.Name, prepErr)
			}
		}
		translation := func(q eval.Question) (string, string) {
			if t, ok := trans[q.Lang+"/"+q.ID]; ok {
				return t, lang
			}
			return "", ""
		}
		gaps, err := gapItems(ctx, items, si, opts, judges[si], docs, fullPassages, fullVecs, translation)
		if err != nil {
			return nil, nil, fmt.Errorf("fit: %s: %w", s.Name, err)
		}
		items = append(items, gaps...)
		struck, err := struckItems(ctx, items, si, opts, judges[si], docs, fullPassages, fullVecs, translation)
		if err != nil {
			return nil, nil, fmt.Errorf("fit: %s: %w", s.Name, err)
		}
		items = append(items, struck...)
		logf("%s: %d documents, %d passages, %d questions, %d near misses without their passages, %d with their answer struck", s.Name, len(docs), len(fullPassages), len(s.Questions), len(gaps), len(struck))
		built[si] = corpusOf{full, fullPassages, fullVecs, lx[full], lang, trans}
	}
	// Questions of one set asked of another set's corpus are about a
	// subject it does not hold: the plainest unanswerable questions, the
	// ones a corpus of another kind gets.
	for si := range sets {
		c := built[si]
		for sj, other := range sets {
			if sj == si {
				continue
			}
			stride := max(1, len(other.Questions)/foreignQuestions)
			for qi := 0; qi < len(other.Questions); qi += stride {
				if err := ctx.Err(); err != nil {
					return nil, nil, err
				}
				q := other.Questions[qi]
				it := &item{set: si, fold: qi % opts.Folds, q: q, absent: true, foreign: true, ix: c.ix, passages: c.passages}
				tr, trLang := "", ""
				if t, ok := built[sj].trans[q.Lang+"/"+q.ID]; ok && built[sj].lang == c.lang {
					tr, trLang = t, c.lang
				}
				it.query = c.ix.NewQuery(opts.Analyzer, q.Question, q.Lang, tr, trLang)
				dense, err := denseScores(ctx, opts.Embedder, c.vecs, q.Question, tr)
				if err != nil {
					return nil, nil, fmt.Errorf("fit: %s: %w", sets[si].Name, err)
				}
				it.cands = c.ix.Candidates(it.query, conceptSignals(opts.Analyzer, c.lx, dense, q.Question, q.Lang, tr))
				it.labels = make([]bool, len(it.cands))
				items = append(items, it)
			}
		}
	}
	return items, judges, nil
}

// gapQuestions is about how many of a set's questions gapItems samples.
const gapQuestions = 500

// gapItems makes near misses of a set's answerable questions: each asked
// of the corpus without the passages holding its answer, so the subject's
// words are all there and the answer is not. Questions sharing their
// passages share one corpus; every stride-th such group is taken, in the
// order of the questions, for about gapQuestions questions. Of those, the
// questions whose answer the remaining passages still hold are left out
// (on the dev split more than half: SQuAD answers are often repeated
// names and numbers).
func gapItems(ctx context.Context, items []*item, si int, opts Options, j *eval.Judge, docs []corpus.Document, ps []corpus.Passage, vecs [][]float32, translation func(eval.Question) (string, string)) ([]*item, error) {
	type group struct {
		gold []int
		its  []*item
	}
	var groups []*group
	byKey := map[string]*group{}
	n := 0
	for _, it := range items {
		if !madeFrom(it, si) {
			continue
		}
		gold := goldPassages(it, j, ps)
		if len(gold) == 0 {
			continue
		}
		key := fmt.Sprint(gold)
		g := byKey[key]
		if g == nil {
			g = &group{gold: gold}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.its = append(g.its, it)
		n++
	}
	if n == 0 {
		return nil, nil
	}
	stride := max(1, (n+gapQuestions-1)/gapQuestions)
	var out []*item
	for gi := 0; gi < len(groups); gi += stride {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		g := groups[gi]
		var kept []corpus.Passage
		var keptVecs [][]float32
		for p := range ps {
			if !slices.Contains(g.gold, p) {
				kept = append(kept, ps[p])
				if vecs != nil {
					keptVecs = append(keptVecs, vecs[p])
				}
			}
		}
		ix := indexPassages(docs, kept)
		lx := lexicalIndex(opts.Analyzer, docs, kept)
		for _, src := range g.its {
			if slices.ContainsFunc(kept, func(p corpus.Passage) bool { return eval.Satisfies(p.Text, src.q.AnswerAny) }) {
				continue
			}
			it := &item{set: si, fold: src.fold, q: src.q, gap: true, ix: ix, passages: kept}
			if err := askNearMiss(ctx, it, opts, lx, keptVecs, translation); err != nil {
				return nil, err
			}
			out = append(out, it)
		}
	}
	return out, nil
}

// askNearMiss asks the near miss it of its corpus (it.ix, lx and the
// passages' vectors): its query, and its candidates, each labelled
// irrelevant.
func askNearMiss(ctx context.Context, it *item, opts Options, lx *lexical.Index, vecs [][]float32, translation func(eval.Question) (string, string)) error {
	q := it.q
	tr, trLang := translation(q)
	it.query = it.ix.NewQuery(opts.Analyzer, q.Question, q.Lang, tr, trLang)
	dense, err := denseScores(ctx, opts.Embedder, vecs, q.Question, tr)
	if err != nil {
		return err
	}
	it.cands = it.ix.Candidates(it.query, conceptSignals(opts.Analyzer, lx, dense, q.Question, q.Lang, tr))
	it.labels = make([]bool, len(it.cands))
	return nil
}

// madeFrom reports whether near misses of set si can be made from it: an
// answerable question of the set asked of its own corpus, with the answer
// to look for.
func madeFrom(it *item, si int) bool {
	return it.set == si && !it.absent && !it.foreign && !it.gap && !it.struck && it.answerable && len(it.q.AnswerAny) > 0
}

// goldPassages are the passages of ps relevant to it.
func goldPassages(it *item, j *eval.Judge, ps []corpus.Passage) []int {
	// Only the evidence's documents can hold a relevant passage.
	evDocs := it.ev.Docs()
	var gold []int
	for p := range ps {
		if slices.Contains(evDocs, ps[p].DocID) && j.Relevant(ps[p], it.ev) {
			gold = append(gold, p)
		}
	}
	return gold
}

// struckItems makes near misses of up to about gapQuestions of a set's
// answerable questions by striking their answer (every string of
// answer_any, in any case) from the passages holding it: the passage still
// says what the question says, and not what it asks, as in a report that
// announces the talks and not their outcome. Questions whose answer
// another passage holds too are left out; the others are struck in
// batches, questions whose passages do not overlap sharing one corpus.
func struckItems(ctx context.Context, items []*item, si int, opts Options, j *eval.Judge, docs []corpus.Document, ps []corpus.Passage, vecs [][]float32, translation func(eval.Question) (string, string)) ([]*item, error) {
	type source struct {
		it   *item
		gold []int
	}
	var srcs []source
	for _, it := range items {
		if !madeFrom(it, si) {
			continue
		}
		gold := goldPassages(it, j, ps)
		if len(gold) == 0 {
			continue
		}
		elsewhere := false
		for p := range ps {
			if !slices.Contains(gold, p) && eval.Satisfies(ps[p].Text, it.q.AnswerAny) {
				elsewhere = true
				break
			}
		}
		if !elsewhere {
			srcs = append(srcs, source{it, gold})
		}
	}
	if len(srcs) == 0 {
		return nil, nil
	}
	// Every stride-th question, each in the first corpus none of whose
	// struck passages it shares.
	stride := max(1, (len(srcs)+gapQuestions-1)/gapQuestions)
	type batch struct {
		used map[int]bool
		srcs []source
	}
	var batches []*batch
	for i := 0; i < len(srcs); i += stride {
		s := srcs[i]
		k := slices.IndexFunc(batches, func(b *batch) bool {
			return !slices.ContainsFunc(s.gold, func(p int) bool { return b.used[p] })
		})
		if k < 0 {
			k = len(batches)
			batches = append(batches, &batch{used: map[int]bool{}})
		}
		for _, p := range s.gold {
			batches[k].used[p] = true
		}
		batches[k].srcs = append(batches[k].srcs, s)
	}
	var out []*item
	for _, b := range batches {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// A struck passage keeps its ID, Start and End, which no longer
		// locate its text in the document: nothing reads them for an
		// unanswerable item, which is never judged.
		struck := slices.Clone(ps)
		var changed []int
		for _, s := range b.srcs {
			for _, p := range s.gold {
				struck[p].Text = strike(struck[p].Text, s.it.q.AnswerAny)
				changed = append(changed, p)
			}
		}
		var bvecs [][]float32
		if vecs != nil {
			bvecs = slices.Clone(vecs)
			cps := make([]corpus.Passage, len(changed))
			for i, p := range changed {
				cps[i] = struck[p]
			}
			vs, err := embedPassages(ctx, opts.Embedder, cps)
			if err != nil {
				return nil, err
			}
			for i, p := range changed {
				bvecs[p] = vs[i]
			}
		}
		ix := indexPassages(docs, struck)
		lx := lexicalIndex(opts.Analyzer, docs, struck)
		for _, s := range b.srcs {
			q := s.it.q
			if slices.ContainsFunc(s.gold, func(p int) bool { return eval.Satisfies(struck[p].Text, q.AnswerAny) }) {
				continue // striking joined the text around it into the answer again
			}
			it := &item{set: si, fold: s.it.fold, q: q, struck: true, ix: ix, passages: struck}
			if err := askNearMiss(ctx, it, opts, lx, bvecs, translation); err != nil {
				return nil, err
			}
			out = append(out, it)
		}
	}
	return out, nil
}

// strike removes from text every occurrence, in any case, of every string
// of groups, longest first (an apostrophe matching either spelling). It
// matches as eval.Satisfies does, within words too ("Roma" in "Romania"):
// what Satisfies would still find, the near miss would still hold.
func strike(text string, groups [][]string) string {
	var alts []string
	for _, g := range groups {
		for _, s := range g {
			if strings.TrimSpace(s) != "" {
				alts = append(alts, s)
			}
		}
	}
	if len(alts) == 0 {
		return text
	}
	// Longest first: an alternation takes the first alternative that
	// matches, and "6 novembre" must go whole, not leave "novembre".
	slices.SortStableFunc(alts, func(a, b string) int { return len(b) - len(a) })
	for i, s := range alts {
		alts[i] = strings.ReplaceAll(regexp.QuoteMeta(strings.ReplaceAll(s, "’", "'")), "'", "['’]")
	}
	return regexp.MustCompile("(?i)"+strings.Join(alts, "|")).ReplaceAllString(text, "")
}

// foreignQuestions is about how many of each other set's questions a
// set's corpus is asked.
const foreignQuestions = 300

// lexicalIndex is the engine's concept index (rag/lexical) over passages.
func lexicalIndex(a *analysis.Analyzer, docs []corpus.Document, ps []corpus.Passage) *lexical.Index {
	meta := map[string]lexical.DocMeta{}
	for _, d := range docs {
		meta[d.ID] = lexical.DocMeta{Lang: d.Lang, Author: analysis.Fold(strings.TrimSpace(d.Author))}
	}
	return lexical.Build(a, ps, func(id string) lexical.DocMeta { return meta[id] })
}

// conceptSignals are the engine's concept BM25 and phrase coverage of the
// question and its translation, with the dense scores.
func conceptSignals(a *analysis.Analyzer, l *lexical.Index, dense map[int]float64, q, lang, tr string) relevance.Signals {
	cs := l.Resolve(a.Query(q, lang))
	var alt []lexical.Concept
	if tr != "" {
		alt = l.Resolve(a.Query(tr, analysis.DetectLang(tr)))
	}
	concept, cover := l.ConceptScores(cs, alt, relevance.ConceptDepth)
	return relevance.Signals{Dense: dense, Concept: concept, ConceptCover: cover}
}

func embedPassages(ctx context.Context, e briefing.Embedder, ps []corpus.Passage) ([][]float32, error) {
	if e == nil {
		return nil, nil
	}
	texts := make([]string, len(ps))
	for i, p := range ps {
		texts[i] = p.Text
	}
	vs, err := e.EmbedDocuments(ctx, texts)
	if err != nil {
		return nil, fmt.Errorf("embed passages: %w", err)
	}
	return vs, nil
}

// denseScores is the engine's dense search: the DenseDepth passages most
// similar to the question or its translation, with their similarity.
func denseScores(ctx context.Context, e briefing.Embedder, vecs [][]float32, texts ...string) (map[int]float64, error) {
	if e == nil {
		return nil, nil
	}
	sim := map[int]float64{}
	for _, t := range texts {
		if t == "" {
			continue
		}
		qv, err := e.EmbedQuery(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("embed question: %w", err)
		}
		scores := make(map[int]float64, len(vecs))
		for i, v := range vecs {
			d := 0.0
			for j := range v {
				d += float64(v[j]) * float64(qv[j])
			}
			scores[i] = d
		}
		for _, p := range topN(scores, relevance.DenseDepth) {
			sim[p] = max(sim[p], scores[p])
		}
	}
	return sim, nil
}

func topN(m map[int]float64, n int) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	if len(keys) > n {
		keys = keys[:n]
	}
	return keys
}

func build(docs []corpus.Document, co corpus.ChunkOptions) (*relevance.Index, []corpus.Passage) {
	var ps []corpus.Passage
	for _, d := range docs {
		ps = append(ps, corpus.Chunk(d, co)...)
	}
	return indexPassages(docs, ps), ps
}

// indexPassages indexes passages cut from docs.
func indexPassages(docs []corpus.Document, ps []corpus.Passage) *relevance.Index {
	byID := map[string]corpus.Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	rp := make([]relevance.Passage, len(ps))
	for i, p := range ps {
		d := byID[p.DocID]
		rp[i] = relevance.Passage{Text: p.Text, Title: p.Title, Lang: d.Lang, Doc: p.DocID, Author: d.Author}
	}
	return relevance.NewIndex(rp)
}

// translations translates the questions in language from.
func translations(ctx context.Context, qs []eval.Question, from string, tr func(context.Context, []string) ([]string, error)) (map[string]string, error) {
	out := map[string]string{}
	if tr == nil {
		return out, nil
	}
	var ids, texts []string
	for _, q := range qs {
		if q.Lang == from {
			ids = append(ids, q.Lang+"/"+q.ID)
			texts = append(texts, q.Question)
		}
	}
	if len(texts) == 0 {
		return out, nil
	}
	got, err := tr(ctx, texts)
	if err != nil {
		return nil, fmt.Errorf("translate questions: %w", err)
	}
	if len(got) != len(texts) {
		return nil, fmt.Errorf("translate questions: %d translations for %d questions", len(got), len(texts))
	}
	for i, id := range ids {
		out[id] = got[i]
	}
	return out, nil
}
