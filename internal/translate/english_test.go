package translate

import (
	"regexp"
	"slices"
	"testing"
)

func TestEnglishArticles(t *testing.T) {
	t.Parallel()
	edit := EnglishArticles(map[string]string{
		"Russia": "Russia", "Corea del Nord": "North Korea", "Ucraina": "Ukraine", "Stati Uniti": "United States",
		"Isole Cayman": "Cayman Islands", "Denver": "Denver", "Mosca": "Moscow",
	})
	tests := []struct{ in, want string }{
		// Places English names without the article lose it, as whole names.
		{"The historical bonds among the North Korea and the Russia.", "The historical bonds among North Korea and Russia."},
		{"The Ukraine had launched an offensive.", "Ukraine had launched an offensive."},
		{"the war of the Russia, against the Ukraine", "the war of Russia, against Ukraine"},
		{"the Russian parliament, the Russians", "the Russian parliament, the Russians"},
		{"the North Korean troops", "the North Korean troops"},
		// Those English names with the article, and longer names, keep it.
		{"sanctions of the United States and the Cayman Islands", "sanctions of the United States and the Cayman Islands"},
		{"the Denver Broncos played in the Denver of the 1990s", "the Denver Broncos played in Denver of the 1990s"},
		// Only the word "the".
		{"bathe Russia, breathe Ukraine", "bathe Russia, breathe Ukraine"},
		// Dates: years and months lose it; a day and month gets "on" unless a preposition leads.
		{"in the 1948 and in the February 2022", "in 1948 and in February 2022"},
		{"has ratified the treaty the 6 November.", "has ratified the treaty on 6 November."},
		{"Successively, the 11 November, also", "Successively, on 11 November, also"},
		{"The 7 January 2016, it was confirmed", "On 7 January 2016, it was confirmed"},
		{"from the 6 November to the 11 November", "from 6 November to 11 November"},
		{"The 2015, a year", "2015, a year"},
		// Four digits before a word in lower case, with no preposition, are a
		// quantity; other numbers are left.
		{"sent the 1500 soldiers and the 50 tanks", "sent the 1500 soldiers and the 50 tanks"},
		{"the Mayan calendar, the Maybach", "the Mayan calendar, the Maybach"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := edit(tt.in); got != tt.want {
			t.Errorf("EnglishArticles(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// wordRun is a word, for FuzzEnglishEdits.
var wordRun = regexp.MustCompile(`[\pL\pN]+`)

// FuzzEnglishEdits: the edits only drop "the", turn it into "on" or turn
// "among" into "between"; every other word stays, in order.
func FuzzEnglishEdits(f *testing.F) {
	edit := EnglishEdits(map[string]string{"Corea del Nord": "North Korea", "Russia": "Russia", "Stati Uniti": "United States"})
	for _, s := range []string{"The 7 January 2016, the North Korea", "in the 1948, the Russia.", "the the Russia Russia", "théthe 12 May", "among Russia and Ukraine", "éamong A and B"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := edit(s)
		rest := func(s string) []string {
			var kept []string
			for _, w := range wordRun.FindAllString(s, -1) {
				if !slices.Contains([]string{"the", "The", "on", "On", "among", "Among", "between", "Between"}, w) {
					kept = append(kept, w)
				}
			}
			return kept
		}
		if a, b := rest(s), rest(out); !slices.Equal(a, b) {
			t.Errorf("EnglishArticles(%q) = %q: other words %q, want %q", s, out, b, a)
		}
	})
}

func TestEnglishBetween(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"the conflict among Russia and Ukraine", "the conflict between Russia and Ukraine"},
		{"Among the two states and their allies", "Between the two states and their allies"},
		{"worries among the western allies.", "worries among the western allies."},
		{"among the observers, and then", "among the observers, and then"},
		{"among one two three four five six seven and eight", "among one two three four five six seven and eight"},
		{"the crowd amongst them and us", "the crowd amongst them and us"},
		{"éamong A and B", "éamong A and B"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := EnglishBetween(tt.in); got != tt.want {
			t.Errorf("EnglishBetween(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
