package analysis

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Analyzer analyses documents and questions. It is immutable once built and
// safe for concurrent use.
type Analyzer struct {
	glossary *Glossary
}

// New returns an Analyzer using g for cross-language query expansion; g may
// be nil.
func New(g *Glossary) *Analyzer {
	if g == nil {
		g = NewGlossary()
	}
	return &Analyzer{glossary: g}
}

// Glossary returns the analyzer's glossary.
func (a *Analyzer) Glossary() *Glossary { return a.glossary }

// Term is an analysed word of a document.
type Term struct {
	Stem  string
	Word  string // folded surface form
	Start int
	End   int
}

// Terms analyses document text in lang: folded, stop words dropped, stemmed.
func (a *Analyzer) Terms(text, lang string) []Term {
	toks := Tokenize(text)
	out := make([]Term, 0, len(toks))
	for _, t := range toks {
		if IsStop(t.Text, lang) {
			continue
		}
		out = append(out, Term{Stem: Stem(t.Text, lang), Word: t.Text, Start: t.Start, End: t.End})
	}
	return out
}

// Alt is one way a concept can appear in a passage: all of Terms (stems).
// Words holds, for each term, the folded word it came from (or "" when
// unknown): matching also requires the passage's word to be close to it, so
// that Snowball's derivational conflations ("popolazione" and "popolare"
// both stem to "popol") do not pass for the same word.
type Alt struct {
	Terms  []string
	Words  []string
	Weight float64
}

// Key identifies the alternative's terms.
func (a Alt) Key() string { return strings.Join(a.Terms, " ") }

// Compatible reports whether word, found in a passage under the same stem,
// is a form of want: equal, or differing only in the last three letters of
// the longer one ("ratificato" ~ "ratificare", "soldato" ~ "soldati", but not
// "popolazione" ~ "popolare"). An empty want accepts every form.
func Compatible(word, want string) bool {
	if want == "" || word == want {
		return true
	}
	n := 0
	for n < len(word) && n < len(want) && word[n] == want[n] {
		n++
	}
	return n >= max(len(word), len(want))-3
}

// Concept is one thing a question asks about: a word or a glossary phrase
// with the alternatives (own stems, translations) that express it.
type Concept struct {
	// Text is the question's wording of the concept, folded.
	Text string
	// Words are its folded content words, for cognate matching.
	Words []string
	// Alts are alternatives; a passage expresses the concept when it holds
	// every term of at least one alternative.
	Alts []Alt
	// Translated is true when the glossary supplied alternatives.
	Translated bool
	// Number is true for a numeric concept ("1948").
	Number bool
	// Entity is true when the question capitalises the concept mid-sentence
	// ("Japan", "Cina"): a name the question is about.
	Entity bool
	// Counted is true for the words a how-many question counts: the first
	// two concepts after "how many" / "quanti" ("quanti *missili balistici*",
	// "how many *North Korean soldiers*").
	Counted bool
}

// Query is an analysed question.
type Query struct {
	Lang     string
	Concepts []Concept
	Kind     Kind
}

// Query analyses a question asked in lang ("it" or "en"; other values
// consult both stop lists).
func (a *Analyzer) Query(text, lang string) Query {
	toks := Tokenize(text)
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.Text
	}
	q := Query{Lang: lang, Kind: answerKind(words)}
	cue := countCue(words)
	counted := 0
	g := a.glossary
	seen := map[string]bool{}
	for i := 0; i < len(words); {
		n, entries := a.lookup(words[i:], lang)
		if n == 0 {
			w := words[i]
			i++
			if IsStop(w, lang) || queryFiller[w] || (len(w) == 1 && !toks[i-1].Number) {
				continue
			}
			c := Concept{Text: w, Words: []string{w}, Number: toks[i-1].Number, Entity: isEntity(text, toks, i-1)}
			c.Alts = ownAlts(w, lang)
			c.Alts = withAuthor(c)
			if cue >= 0 && i-1 > cue && counted < 2 {
				c.Counted = true
				counted++
			}
			if !seen[c.Text] {
				seen[c.Text] = true
				q.Concepts = append(q.Concepts, c)
			}
			continue
		}
		phrase := words[i : i+n]
		i += n
		c := Concept{Text: strings.Join(phrase, " "), Translated: true, Entity: isEntity(text, toks, i-n)}
		for _, w := range phrase {
			if !IsStop(w, lang) && !queryFiller[w] {
				c.Words = append(c.Words, w)
			}
		}
		if len(c.Words) == 0 || functionPhrase(g, entries) {
			// Phrases of function words ("how many", "in che anno") steer
			// the answer kind, not the search.
			continue
		}
		alts := map[string]Alt{}
		add := func(terms, words []string, w float64) {
			if len(terms) == 0 {
				return
			}
			k := strings.Join(terms, " ") + "|" + strings.Join(words, " ")
			if old, ok := alts[k]; !ok || old.Weight < w {
				alts[k] = Alt{Terms: terms, Words: words, Weight: w}
			}
		}
		for _, alt := range ownPhraseAlts(phrase, lang) {
			add(alt.Terms, alt.Words, alt.Weight)
		}
		// The words of a phrase also count alone, at half weight: "defensive
		// pact" is half answered by a passage that says "difensivo". Not the
		// words of a name: "Korea" is not half of "South Korea".
		if content := contentWords(phrase, lang); len(content) > 1 && !c.Entity {
			for _, w := range content {
				for _, a := range ownAlts(w, lang) {
					add(a.Terms, a.Words, partWeight)
				}
				if n, es := a.lookup([]string{w}, lang); n == 1 {
					for _, e := range es {
						for _, v := range g.entries[e] {
							if len(v.stems) == 1 {
								add(v.stems, v.words, partWeight)
							}
						}
					}
				}
			}
		}
		for _, e := range entries {
			for _, v := range g.entries[e] {
				add(v.stems, v.words, 1)
				// Stemmed the other language's way too: English words
				// stand in Italian text ("Hudson Institute", "know-how")
				// and are stemmed there as Italian.
				other := make([]string, len(v.words))
				for i, w := range v.words {
					other[i] = Stem(w, otherLang(v.lang))
				}
				add(other, v.words, 1)
			}
		}
		c.Alts = sortedAlts(alts)
		c.Alts = withAuthor(c)
		if cue >= 0 && i-n > cue && counted < 2 {
			c.Counted = true
			counted++
		}
		if !seen[c.Text] {
			seen[c.Text] = true
			q.Concepts = append(q.Concepts, c)
		}
	}
	return q
}

// lookup finds the longest glossary phrase at the start of words, by surface
// form first and by stems second (so "ratifies" finds "ratify").
func (a *Analyzer) lookup(words []string, lang string) (int, []int) {
	g := a.glossary
	max := g.maxWords
	if max > len(words) {
		max = len(words)
	}
	for n := max; n >= 1; n-- {
		if n == 1 && (IsStop(words[0], lang) || queryFiller[words[0]]) {
			break
		}
		// A phrase written in the glossary as such ("in exchange for",
		// "corea del nord") matches word for word.
		for _, l := range langsFor(lang) {
			if e, ok := g.bySurface[l+":"+strings.Join(words[:n], " ")]; ok {
				return n, e
			}
		}
		// Matched by stems, a phrase must not start or end with a function
		// word, or it would swallow the question's ("which country was
		// the" would pass for "country").
		if n > 1 && (isFunction(words[0], lang) || isFunction(words[n-1], lang)) {
			continue
		}
		for _, l := range langsFor(lang) {
			var stems []string
			for _, w := range words[:n] {
				if !IsStop(w, l) {
					stems = append(stems, Stem(w, l))
				}
			}
			if len(stems) == 0 {
				continue
			}
			if e, ok := g.byStem[l+":"+strings.Join(stems, " ")]; ok {
				return n, e
			}
		}
	}
	return 0, nil
}

// isEntity reports whether token i of text is capitalised and not the first
// word of a sentence, or is an acronym ("NATO").
func isEntity(text string, toks []Token, i int) bool {
	t := toks[i]
	r, _ := utf8.DecodeRuneInString(text[t.Start:])
	if !unicode.IsUpper(r) {
		// The lower-case part of a hyphenated name ("Kim Il-sung") is the
		// name too.
		return i > 0 && t.Start > 0 && text[t.Start-1] == '-' && toks[i-1].End == t.Start-1 && isEntity(text, toks, i-1)
	}
	if upper := strings.ToUpper(text[t.Start:t.End]); upper == text[t.Start:t.End] && t.End-t.Start > 1 {
		return true
	}
	if i == 0 {
		return false
	}
	gap := strings.TrimSpace(text[toks[i-1].End:t.Start])
	return !strings.ContainsAny(gap, ".!?:")
}

// partWeight is the weight of one word of a phrase standing alone.
const partWeight = 0.5

// contentWords are the words of a phrase that are neither stop words nor
// question filler.
func contentWords(phrase []string, lang string) []string {
	var out []string
	for _, w := range phrase {
		if !isFunction(w, lang) {
			out = append(out, w)
		}
	}
	return out
}

// withAuthor adds the AuthorTerm alternative to a concept asking for an author.
func withAuthor(c Concept) []Alt {
	for _, w := range c.Words {
		if authorWords[w] {
			return append(c.Alts, Alt{Terms: []string{AuthorTerm}, Weight: 1})
		}
	}
	return c.Alts
}

// functionPhrase reports whether a matched glossary entry is a question
// phrase: one of its variants is nothing but stop words ("quanti" for "how
// many"), so it names no content a passage could hold.
func functionPhrase(g *Glossary, entries []int) bool {
	for _, e := range entries {
		for _, v := range g.entries[e] {
			if len(v.stems) == 0 {
				return true
			}
		}
	}
	return false
}

func otherLang(l string) string {
	if l == "it" {
		return "en"
	}
	return "it"
}

func isFunction(w, lang string) bool { return IsStop(w, lang) || queryFiller[w] }

func langsFor(lang string) []string {
	switch lang {
	case "en":
		return []string{"en", "it"}
	default:
		return []string{"it", "en"}
	}
}

// ownAlts are the stems of an untranslated word in both languages: an
// English question may name an Italian word (a cognate, a name) and the
// corpus may hold documents in either language.
func ownAlts(w, lang string) []Alt {
	alts := map[string]Alt{}
	for _, l := range langsFor(lang) {
		s := Stem(w, l)
		alts[s] = Alt{Terms: []string{s}, Words: []string{w}, Weight: 1}
	}
	return sortedAlts(alts)
}

func ownPhraseAlts(phrase []string, lang string) []Alt {
	var out []Alt
	for _, l := range langsFor(lang) {
		var stems, words []string
		for _, w := range phrase {
			if !IsStop(w, l) && !queryFiller[w] {
				stems = append(stems, Stem(w, l))
				words = append(words, w)
			}
		}
		if len(stems) > 0 {
			out = append(out, Alt{Terms: stems, Words: words, Weight: 1})
		}
	}
	return out
}

func sortedAlts(m map[string]Alt) []Alt {
	// By terms, then by the map's own key (terms and words): a total
	// order. By terms alone, alternatives differing only in their words
	// came out in map order, and the hashed query vector, summed in that
	// order, varied in its last bits from run to run.
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if a, b := m[keys[i]].Key(), m[keys[j]].Key(); a != b {
			return a < b
		}
		return keys[i] < keys[j]
	})
	out := make([]Alt, 0, len(m))
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}
