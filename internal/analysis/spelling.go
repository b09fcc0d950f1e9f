package analysis

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The spelling model is fitted, not written: langfit fits a logistic
// regression on the letter n-grams of general Italian and English word lists
// (Debian's witalian and wamerican) and writes langmodel.txt, whose header
// records the command, the sources and the held-out accuracy.
//
//go:generate go run ./langfit/cmd/langfit -out langmodel.txt
//go:embed langmodel.txt
var langModelData []byte

// defaultSpelling parses the committed model once; a model that does not
// parse is a build defect, caught by the package's tests.
var defaultSpelling = sync.OnceValue(func() *SpellingModel {
	m, err := ParseSpellingModel(langModelData)
	if err != nil {
		panic(err)
	}
	return m
})

// MaxGram is the longest letter n-gram the spelling model counts.
const MaxGram = 4

// gramMark stands for a word's start and end in its n-grams, so "_tr" (a
// word that begins "tr") differs from "tr" anywhere.
const gramMark = '_'

// SpellingGrams returns the letter n-grams of a lowercase word that the
// spelling model weighs: every run of 1 to MaxGram runes of the word framed
// by "_" marks, and the mark alone once, which every word has, so its
// weight is the model's intercept. Accents are kept: "à" is evidence.
func SpellingGrams(word string) []string {
	framed := string(gramMark) + word + string(gramMark)
	// Rune offsets, so a gram never cuts an accented letter.
	offs := make([]int, 0, len(framed)+1)
	for i := range framed {
		offs = append(offs, i)
	}
	offs = append(offs, len(framed))
	runes := len(offs) - 1
	grams := []string{string(gramMark)}
	for n := 1; n <= MaxGram; n++ {
		for i := 0; i+n <= runes; i++ {
			g := framed[offs[i]:offs[i+n]]
			if n == 1 && g[0] == gramMark {
				continue
			}
			grams = append(grams, g)
		}
	}
	return grams
}

// SpellingModel is a logistic regression of a single word's language on
// its letter n-grams (SpellingGrams): a weight per n-gram, Italian
// positive. It is immutable once parsed.
type SpellingModel struct {
	weights map[string]float64
}

// ParseSpellingModel reads a model file: lines "gram<TAB>weight"; blank
// lines and lines starting with "#" are comments. An n-gram the file does
// not list weighs nothing.
func ParseSpellingModel(data []byte) (*SpellingModel, error) {
	m := &SpellingModel{weights: map[string]float64{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		g, v, ok := strings.Cut(text, "\t")
		if !ok {
			return nil, fmt.Errorf("analysis: spelling model line %d: no tab", line)
		}
		if n := utf8.RuneCountInString(g); n < 1 || n > MaxGram {
			return nil, fmt.Errorf("analysis: spelling model line %d: gram %q is %d runes, want 1 to %d", line, g, n, MaxGram)
		}
		if _, dup := m.weights[g]; dup {
			return nil, fmt.Errorf("analysis: spelling model line %d: gram %q repeated", line, g)
		}
		w, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("analysis: spelling model line %d: weight: %w", line, err)
		}
		m.weights[g] = w
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("analysis: read spelling model: %w", err)
	}
	if len(m.weights) == 0 {
		return nil, fmt.Errorf("analysis: spelling model has no grams")
	}
	return m, nil
}

// Score returns the log-odds that a lowercase word is Italian rather than
// English, by its spelling alone: above zero Italian, below English. The
// fit weighs both lists equally, so neither language is favoured
// beforehand.
func (m *SpellingModel) Score(word string) float64 {
	var s float64
	for _, g := range SpellingGrams(word) {
		s += m.weights[g]
	}
	return s
}
