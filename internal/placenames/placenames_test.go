package placenames_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/briefing/briefing/internal/placenames"
)

func TestCommittedList(t *testing.T) {
	t.Parallel()
	names, err := placenames.ItalianToEnglish()
	if err != nil {
		t.Fatal(err)
	}
	for it, en := range map[string]string{
		"Mosca": "Moscow", "Corea del Nord": "North Korea", "Corea del Sud": "South Korea",
		"Stati Uniti": "United States", "Ucraina": "Ukraine", "Seul": "Seoul", "Pyongyang": "Pyongyang",
	} {
		if names[it] != en {
			t.Errorf("%s = %q, want %q", it, names[it], en)
		}
	}
	// Only names: "Mondo" is "world" in English, not a name.
	if _, ok := names["Mondo"]; ok {
		t.Errorf("Mondo is listed, want only pairs of capitalised names")
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	got, err := placenames.Parse("# header\n\nMosca\tMoscow\n")
	if err != nil || len(got) != 1 || got["Mosca"] != "Moscow" {
		t.Errorf("Parse = %v, %v", got, err)
	}
	for _, bad := range []string{"Mosca Moscow\n", "Mosca\t\n", "Mosca\tMoscow\nMosca\tMoskva\n", "\tMoscow\n"} {
		if _, err := placenames.Parse(bad); err == nil {
			t.Errorf("Parse(%q) = nil error, want one", bad)
		}
	}
}

// TestRegenerateReproducesCommittedList builds the list again from the
// installed CLDR and checks it matches it_en.txt byte for byte: the list
// comes from CLDR and the code here, and no one edited it by hand. Without
// Debian's unicode-cldr-core it skips, unless BRIEFING_REQUIRE_CLDR=1 (set
// by .ci/run, which installs it).
func TestRegenerateReproducesCommittedList(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(placenames.DefaultCLDR + "/it.xml"); err != nil {
		if os.Getenv("BRIEFING_REQUIRE_CLDR") != "" {
			t.Fatalf("CLDR required (BRIEFING_REQUIRE_CLDR=1) but missing: %v", err)
		}
		t.Skipf("CLDR not installed (apt-get install unicode-cldr-core): %v", err)
	}
	var got bytes.Buffer
	if err := placenames.Generate(&got, placenames.DefaultCLDR); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("it_en.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		gl, wl := strings.Split(got.String(), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("regenerated list differs at line %d: %q, committed %q (go generate ./internal/placenames)", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("regenerated list has %d lines, committed %d (go generate ./internal/placenames)", len(gl), len(wl))
	}
}
