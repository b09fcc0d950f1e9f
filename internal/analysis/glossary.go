package analysis

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Glossary is a bilingual English–Italian dictionary of phrases. Each entry is
// an equivalence: every variant on one side translates every variant on the
// other. The file format is documented in docs/glossary.md:
//
//	# comment
//	treaty, treaties, pact | trattato, trattati, patto
type Glossary struct {
	entries   [][]variant
	bySurface map[string][]int // language + folded phrase -> entries
	byStem    map[string][]int // language + stemmed phrase -> entries
	maxWords  int
}

// variant is one phrase of an entry, analysed.
type variant struct {
	lang    string
	surface string   // folded tokens joined by spaces, stop words kept
	stems   []string // stems of the non-stop tokens
	words   []string // the non-stop tokens, folded
}

// NewGlossary returns an empty glossary.
func NewGlossary() *Glossary {
	return &Glossary{bySurface: map[string][]int{}, byStem: map[string][]int{}}
}

// Len returns the number of entries.
func (g *Glossary) Len() int { return len(g.entries) }

// Parse reads entries from r into g. name labels errors ("glossary.txt:12: ...").
// Every malformed line is reported, not just the first.
func (g *Glossary) Parse(r io.Reader, name string) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var errs []string
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		en, it, ok := strings.Cut(text, "|")
		if !ok || strings.Contains(it, "|") {
			errs = append(errs, fmt.Sprintf("%s:%d: want \"english, ... | italiano, ...\"", name, line))
			continue
		}
		var entry []variant
		bad := false
		for _, side := range []struct{ lang, text string }{{"en", en}, {"it", it}} {
			n := 0
			for _, v := range strings.Split(side.text, ",") {
				if vv, ok := makeVariant(v, side.lang); ok {
					entry = append(entry, vv)
					n++
				}
			}
			if n == 0 {
				errs = append(errs, fmt.Sprintf("%s:%d: no %s words", name, line, side.lang))
				bad = true
			}
		}
		if bad {
			continue
		}
		g.add(entry)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read glossary %s: %w", name, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("glossary: %s", strings.Join(errs, "; "))
	}
	return nil
}

func makeVariant(phrase, lang string) (variant, bool) {
	toks := Tokenize(phrase)
	if len(toks) == 0 {
		return variant{}, false
	}
	words := make([]string, len(toks))
	var stems, content []string
	for i, t := range toks {
		words[i] = t.Text
		if !IsStop(t.Text, lang) {
			stems = append(stems, Stem(t.Text, lang))
			content = append(content, t.Text)
		}
	}
	// A phrase of stop words only ("how many") still matches by surface;
	// it just contributes no search terms.
	return variant{lang: lang, surface: strings.Join(words, " "), stems: stems, words: content}, true
}

func (g *Glossary) add(entry []variant) {
	idx := len(g.entries)
	g.entries = append(g.entries, entry)
	for _, v := range entry {
		k := v.lang + ":" + v.surface
		g.bySurface[k] = appendOnce(g.bySurface[k], idx)
		if len(v.stems) > 0 {
			k := v.lang + ":" + strings.Join(v.stems, " ")
			g.byStem[k] = appendOnce(g.byStem[k], idx)
		}
		if n := strings.Count(v.surface, " ") + 1; n > g.maxWords {
			g.maxWords = n
		}
	}
}

func appendOnce(s []int, v int) []int {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}
