// Package langfit fits the spelling model of analysis.DetectLang from
// general word lists: it counts the letter n-grams (analysis.SpellingGrams)
// of every word of an Italian and an English list, keeps the n-grams seen
// often enough, and writes the counts with a header that records the
// command, the source packages and the accuracy on words held out of the
// fit. The same lists give the same file, byte for byte.
package langfit

import (
	"bufio"
	"bytes"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/briefing/briefing/internal/analysis"
)

// Command is how the committed model (internal/analysis/langmodel.txt) is
// made, from the repository root.
const Command = "go generate ./internal/analysis"

// Source is one language's word list: a file of one word a line from a
// Debian package.
type Source struct {
	Lang    string // "it" or "en"
	Package string // Debian package that installs Path
	Path    string
}

// Sources are the general word lists the committed model is fitted on.
var Sources = []Source{
	{Lang: "it", Package: "witalian", Path: "/usr/share/dict/italian"},
	{Lang: "en", Package: "wamerican", Path: "/usr/share/dict/american-english"},
}

// MinCount is the fewest occurrences in the training words an n-gram must
// have to get a weight: rarer n-grams barely move a score and would make
// the file several times larger.
const MinCount = 20

// heldOut is one word in this many, chosen by a hash of the word so the
// split does not depend on list order, left out of the fit to measure it.
const heldOut = 10

// The optimiser: stochastic gradient descent, epochs passes over the
// training words in a fixed order, the step shrinking by decay each pass,
// with an L2 pull of l2 per step on the weights a word touches. They were
// chosen on the held-out words of the lists (balanced accuracy), never on
// questions.
const (
	epochs = 5
	step   = 0.1
	decay  = 0.6
	l2     = 0.002
)

// Report is what a fit measured.
type Report struct {
	// Words is the number of distinct usable words of each language;
	// Shared those in both, which spelling cannot tell apart and which are
	// not scored.
	Words  map[string]int
	Shared int
	// Grams is the number of n-grams kept.
	Grams int
	// Tested and Correct count the held-out words of each language
	// (shared words excluded) and those the model assigns to it.
	Tested, Correct map[string]int
}

// Accuracy returns the share of lang's held-out words the model gets right.
func (r Report) Accuracy(lang string) float64 {
	if r.Tested[lang] == 0 {
		return 0
	}
	return float64(r.Correct[lang]) / float64(r.Tested[lang])
}

// Versions returns the installed version of each source's package, from
// dpkg, in the order of srcs.
func Versions(srcs []Source) ([]string, error) {
	var out []string
	for _, s := range srcs {
		v, err := exec.Command("dpkg-query", "-W", "-f=${Version}", s.Package).Output()
		if err != nil {
			return nil, fmt.Errorf("langfit: version of %s: %w", s.Package, err)
		}
		out = append(out, strings.TrimSpace(string(v)))
	}
	return out, nil
}

// Fit reads the word lists of srcs (one "it" and one "en"), whose
// packages have the given versions, and returns the model file and what
// it measured.
func Fit(srcs []Source, versions []string) ([]byte, Report, error) {
	if len(versions) != len(srcs) {
		return nil, Report{}, fmt.Errorf("langfit: %d versions for %d sources", len(versions), len(srcs))
	}
	words := map[string][]string{}
	listed := make([]int, len(srcs)) // usable words of each source
	for i, s := range srcs {
		if s.Lang != "it" && s.Lang != "en" {
			return nil, Report{}, fmt.Errorf("langfit: source %s: language %q, want it or en", s.Path, s.Lang)
		}
		w, err := readWords(s.Path)
		if err != nil {
			return nil, Report{}, err
		}
		words[s.Lang] = append(words[s.Lang], w...)
		listed[i] = len(w)
	}
	for _, l := range []string{"it", "en"} {
		if len(words[l]) == 0 {
			return nil, Report{}, fmt.Errorf("langfit: no %s words", l)
		}
		words[l] = dedupe(words[l])
	}
	rep := Report{Words: map[string]int{}, Tested: map[string]int{}, Correct: map[string]int{}}
	for _, l := range []string{"it", "en"} {
		rep.Words[l] = len(words[l])
	}
	train, test, shared := split(words)
	rep.Shared = shared
	names, w := fitWeights(train)

	// Three decimals are far finer than any decision needs and keep the
	// file reproducible across floating-point quirks; weights that round
	// to zero are left out.
	var body bytes.Buffer
	for i, g := range names {
		v := strconv.FormatFloat(w[i], 'f', 3, 64)
		if v == "0.000" || v == "-0.000" {
			continue
		}
		fmt.Fprintf(&body, "%s\t%s\n", g, v)
		rep.Grams++
	}

	// Score the held-out words with the production parser and scorer, so
	// the figure is the committed file's.
	m, err := analysis.ParseSpellingModel(body.Bytes())
	if err != nil {
		return nil, Report{}, fmt.Errorf("langfit: parse fitted model: %w", err)
	}
	for _, l := range []string{"it", "en"} {
		for _, word := range test[l] {
			rep.Tested[l]++
			s := m.Score(word)
			if (l == "it" && s > 0) || (l == "en" && s < 0) {
				rep.Correct[l]++
			}
		}
	}

	var out bytes.Buffer
	fmt.Fprintf(&out, "# Spelling model of analysis.DetectLang: logistic regression of a word's language\n")
	fmt.Fprintf(&out, "# (Italian positive) on its letter n-grams (1 to %d runes; \"_\" marks a word's start\n", analysis.MaxGram)
	fmt.Fprintf(&out, "# and end, and alone is the intercept), fitted on general word lists. Not edited:\n")
	fmt.Fprintf(&out, "#   %s\n", Command)
	fmt.Fprintf(&out, "# (internal/analysis/langfit). Sources, lowercase all-letter words only:\n")
	for i, s := range srcs {
		fmt.Fprintf(&out, "#   %s: Debian %s %s, %s, %d words\n", s.Lang, s.Package, versions[i], s.Path, listed[i])
	}
	fmt.Fprintf(&out, "# %d words are in both lists. One word in %d (by FNV-1a hash) is held out of the\n", rep.Shared, heldOut)
	fmt.Fprintf(&out, "# fit; n-grams seen fewer than %d times in training words, or whose weight rounds\n", MinCount)
	fmt.Fprintf(&out, "# to zero, are dropped (%d kept). Classes weigh equally; SGD, %d epochs, L2 %g.\n", rep.Grams, epochs, l2)
	fmt.Fprintf(&out, "# Held-out accuracy (words in one list only): it %.4f (%d/%d), en %.4f (%d/%d).\n",
		rep.Accuracy("it"), rep.Correct["it"], rep.Tested["it"], rep.Accuracy("en"), rep.Correct["en"], rep.Tested["en"])
	fmt.Fprintf(&out, "# Format: gram<TAB>weight.\n")
	out.Write(body.Bytes())
	return out.Bytes(), rep, nil
}

// example is a training word and its list.
type example struct {
	word    string
	italian bool
}

// split holds out one word in heldOut of each language. Words in both
// lists train both ways but are not tested, since spelling cannot tell
// them apart; shared counts them. words holds sorted lists.
func split(words map[string][]string) (train []example, test map[string][]string, shared int) {
	test = map[string][]string{}
	for _, l := range []string{"it", "en"} {
		other := words["en"]
		if l == "en" {
			other = words["it"]
		}
		for _, w := range words[l] {
			both := contains(other, w)
			if both && l == "en" {
				shared++
			}
			switch {
			case !isHeldOut(w):
				train = append(train, example{w, l == "it"})
			case !both:
				test[l] = append(test[l], w)
			}
		}
	}
	// A fixed order that mixes the languages: by hash, then word.
	sort.Slice(train, func(i, j int) bool {
		hi, hj := hash(train[i].word), hash(train[j].word)
		if hi != hj {
			return hi < hj
		}
		if train[i].word != train[j].word {
			return train[i].word < train[j].word
		}
		return train[i].italian
	})
	return train, test, shared
}

// fitWeights fits the logistic regression on the n-grams seen at least
// MinCount times in train, returned sorted with their weights.
func fitWeights(train []example) (names []string, w []float64) {
	freq := map[string]int{}
	for _, e := range train {
		for _, g := range analysis.SpellingGrams(e.word) {
			freq[g]++
		}
	}
	for g, c := range freq {
		if c >= MinCount {
			names = append(names, g)
		}
	}
	sort.Strings(names)
	index := make(map[string]int, len(names))
	for i, g := range names {
		index[g] = i
	}
	feats := make([][]int, len(train))
	for i, e := range train {
		for _, g := range analysis.SpellingGrams(e.word) {
			if j, ok := index[g]; ok {
				feats[i] = append(feats[i], j)
			}
		}
	}

	// Each language weighs as much as the other, however long its list,
	// so a score of zero means "as likely either way".
	var nIt float64
	for _, e := range train {
		if e.italian {
			nIt++
		}
	}
	nEn := float64(len(train)) - nIt
	classWeight := map[bool]float64{true: float64(len(train)) / (2 * nIt), false: float64(len(train)) / (2 * nEn)}
	w = make([]float64, len(names))
	rate := step
	for range epochs {
		for i, e := range train {
			var z float64
			for _, j := range feats[i] {
				z += w[j]
			}
			y := 0.0
			if e.italian {
				y = 1
			}
			g := rate * classWeight[e.italian] * (y - 1/(1+math.Exp(-z)))
			for _, j := range feats[i] {
				w[j] += g - rate*l2*w[j]
			}
		}
		rate *= decay
	}
	return names, w
}

// readWords returns the usable words of a word list: lowercase entries of
// letters only. Capitalised entries are names, whose spelling DetectLang
// ignores too; entries with an apostrophe ("all'abate", "cat's") are
// inflections of words listed on their own.
func readWords(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("langfit: read %s: %w", path, err)
	}
	defer f.Close()
	var words []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); usable(w) {
			words = append(words, w)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("langfit: read %s: %w", path, err)
	}
	return words, nil
}

func usable(w string) bool {
	if w == "" {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) || !unicode.IsLower(r) {
			return false
		}
	}
	return true
}

func dedupe(ws []string) []string {
	sort.Strings(ws)
	out := ws[:0]
	for i, w := range ws {
		if i == 0 || w != ws[i-1] {
			out = append(out, w)
		}
	}
	return out
}

// contains reports whether sorted ws holds w.
func contains(ws []string, w string) bool {
	i := sort.SearchStrings(ws, w)
	return i < len(ws) && ws[i] == w
}

func isHeldOut(w string) bool { return hash(w)%heldOut == 0 }

func hash(w string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(w))
	return h.Sum32()
}
