// Package placenames holds the English names of places as Italian writes
// them ("Mosca" → "Moscow", "Corea del Nord" → "North Korea"), derived
// from the Unicode CLDR's country and city names, so a machine translation
// of Italian text can name places as English does. Apertium's Italian
// dictionary reads some as common words ("Mosca", a fly) and lacks others
// ("Ucraina").
package placenames

import (
	"bufio"
	_ "embed"
	"fmt"
	"strings"
)

//go:generate go run ./cmd/placenames -out it_en.txt

//go:embed it_en.txt
var itEn string

// ItalianToEnglish returns the Italian form of each place name with its
// English form, parsed from the committed list on each call (the caller
// keeps it).
func ItalianToEnglish() (map[string]string, error) {
	return Parse(itEn)
}

// Parse reads a list in the format Write writes: "#" comment lines, then
// one "Italian<TAB>English" pair a line.
func Parse(text string) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		it, en, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(it) == "" || strings.TrimSpace(en) == "" || strings.Contains(en, "\t") {
			return nil, fmt.Errorf("placenames: line %d: want Italian<TAB>English, got %q", n, line)
		}
		if prev, dup := out[it]; dup && prev != en {
			return nil, fmt.Errorf("placenames: line %d: %q is both %q and %q", n, it, prev, en)
		}
		out[it] = en
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("placenames: %w", err)
	}
	return out, nil
}
