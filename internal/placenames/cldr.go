package placenames

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultCLDR is where Debian's unicode-cldr-core puts the locale files.
const DefaultCLDR = "/usr/share/unicode/cldr/common/main"

// Pair is a place's Italian and English names.
type Pair struct{ Italian, English string }

// ldml is the part of a CLDR locale file the names come from.
type ldml struct {
	Territories []struct {
		Type string `xml:"type,attr"`
		Alt  string `xml:"alt,attr"`
		Name string `xml:",chardata"`
	} `xml:"localeDisplayNames>territories>territory"`
	Zones []struct {
		Type string `xml:"type,attr"`
		City string `xml:"exemplarCity"`
	} `xml:"dates>timeZoneNames>zone"`
}

func readLDML(dir, locale string) (ldml, error) {
	var l ldml
	b, err := os.ReadFile(filepath.Join(dir, locale+".xml"))
	if err != nil {
		return l, fmt.Errorf("placenames: %w", err)
	}
	if err := xml.Unmarshal(b, &l); err != nil {
		return l, fmt.Errorf("placenames: %s.xml: %w", locale, err)
	}
	return l, nil
}

// FromCLDR pairs the Italian and English names of CLDR's territories
// (countries, regions, unions: the default name and its short and
// variant forms) and of its time zones' exemplar cities, read from the
// locale files it.xml, en.xml and root.xml in dir. A city English CLDR
// does not name is named by its zone's ID ("Europe/Moscow": "Moscow"), as
// CLDR's own fallback does. Pairs whose names do not both start with a
// capital letter ("Mondo": "world") are left out: a name is what the
// list is for. When an Italian name has two English forms, the default
// name's wins and then the first in code order.
func FromCLDR(dir string) ([]Pair, error) {
	it, err := readLDML(dir, "it")
	if err != nil {
		return nil, err
	}
	en, err := readLDML(dir, "en")
	if err != nil {
		return nil, err
	}
	root, err := readLDML(dir, "root")
	if err != nil {
		return nil, err
	}
	type key struct{ typ, alt string }
	enTerr := map[key]string{}
	for _, t := range en.Territories {
		enTerr[key{t.Type, t.Alt}] = strings.TrimSpace(t.Name)
	}
	enCity := map[string]string{}
	for _, z := range root.Zones {
		if z.City != "" {
			enCity[z.Type] = z.City
		}
	}
	for _, z := range en.Zones {
		if z.City != "" {
			enCity[z.Type] = z.City
		}
	}
	type cand struct {
		Pair
		rank int    // 0 default names, 1 alternative forms
		code string // the territory or zone code, for a stable order
	}
	var cands []cand
	for _, t := range it.Territories {
		if t.Type == "XA" || t.Type == "XB" {
			continue // CLDR's pseudo-locales, not places
		}
		e, ok := enTerr[key{t.Type, t.Alt}]
		if !ok {
			e = enTerr[key{t.Type, ""}]
		}
		rank := 0
		if t.Alt != "" {
			rank = 1
		}
		cands = append(cands, cand{Pair{strings.TrimSpace(t.Name), e}, rank, "t:" + t.Type + ":" + t.Alt})
	}
	for _, z := range it.Zones {
		if z.City == "" || strings.HasPrefix(z.Type, "Etc/") || oceanZone(z.Type) {
			continue
		}
		e, ok := enCity[z.Type]
		if !ok {
			e = strings.ReplaceAll(z.Type[strings.LastIndexByte(z.Type, '/')+1:], "_", " ")
		}
		cands = append(cands, cand{Pair{strings.TrimSpace(z.City), e}, 0, "z:" + z.Type})
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].rank != cands[j].rank {
			return cands[i].rank < cands[j].rank
		}
		return cands[i].code < cands[j].code
	})
	seen := map[string]bool{}
	var out []Pair
	for _, c := range cands {
		if !capitalised(c.Italian) || !capitalised(c.English) || seen[c.Italian] {
			continue
		}
		seen[c.Italian] = true
		out = append(out, c.Pair)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Italian < out[j].Italian })
	return out, nil
}

// oceanZone reports a time zone of the Atlantic, Indian or Pacific
// Ocean: their exemplar "cities" name islands and archipelagos as often as
// towns, in the singular or not ("Canarie": Canary; "Marchesi", also a
// surname: Marquesas), and the islands that are territories have
// territory names of their own.
func oceanZone(zone string) bool {
	area, _, _ := strings.Cut(zone, "/")
	return area == "Atlantic" || area == "Indian" || area == "Pacific"
}

func capitalised(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// Write writes pairs in Parse's format under a header of comment lines.
func Write(w io.Writer, header []string, pairs []Pair) error {
	var b strings.Builder
	for _, h := range header {
		b.WriteString("# " + h + "\n")
	}
	for _, p := range pairs {
		if strings.ContainsAny(p.Italian+p.English, "\t\n") {
			return fmt.Errorf("placenames: %q / %q: tab or line break in a name", p.Italian, p.English)
		}
		b.WriteString(p.Italian + "\t" + p.English + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Generate writes the committed list from the CLDR files in dir, with a
// header naming its source.
func Generate(w io.Writer, dir string) error {
	pairs, err := FromCLDR(dir)
	if err != nil {
		return err
	}
	header := []string{
		"Italian and English names of places, one pair a line (Italian<TAB>English).",
		"Generated by go generate ./internal/placenames from the Unicode CLDR locale files",
		"it.xml, en.xml and root.xml (Debian package unicode-cldr-core, " + cldrVersion(dir) + "):",
		"territory names and time-zone exemplar cities. Do not edit: regenerate.",
		"CLDR data: Copyright © 1991-2022 Unicode, Inc.; Unicode License (Unicode-DFS-2016).",
		fmt.Sprintf("%d pairs.", len(pairs)),
	}
	return Write(w, header, pairs)
}

// cldrVersion reads the CLDR version from dir's ../dtd/ldml.dtd
// ("cldrVersion" fixed value), or says it is unknown.
func cldrVersion(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "..", "dtd", "ldml.dtd"))
	if err != nil {
		return "CLDR version unknown"
	}
	s := string(b)
	i := strings.Index(s, "cldrVersion CDATA #FIXED \"")
	if i < 0 {
		return "CLDR version unknown"
	}
	s = s[i+len("cldrVersion CDATA #FIXED \""):]
	if j := strings.IndexByte(s, '"'); j > 0 {
		return "CLDR " + s[:j]
	}
	return "CLDR version unknown"
}
