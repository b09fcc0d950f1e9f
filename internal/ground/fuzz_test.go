package ground_test

import (
	"strings"
	"testing"

	"github.com/briefing/briefing/internal/ground"
)

func FuzzParseCitations(f *testing.F) {
	for _, s := range []string{"Kim [1].", "[1, 2][3]", "[2-4] [9]", "[[1]]", "[1-99]", "è [ 3 ]", "[", "]", "[1,", "[0]", "a [1; 2] (see [7])"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, text string, max int) {
		valid := func(n int) bool { return n >= 1 && n <= max }
		last := 0
		for _, m := range ground.ParseCitations(text) {
			if m.Start < last || m.End <= m.Start || m.End > len(text) || text[m.Start] != '[' || text[m.End-1] != ']' {
				t.Fatalf("marker %+v out of order or range in %q", m, text)
			}
			if len(m.Numbers) == 0 {
				t.Fatalf("marker %+v without numbers in %q", m, text)
			}
			last = m.End
		}
		clean, used, _ := ground.Verify(text, valid)
		for _, m := range ground.ParseCitations(clean) {
			for _, n := range m.Numbers {
				if !valid(n) {
					t.Fatalf("Verify(%q) = %q keeps invalid [%d]", text, clean, n)
				}
			}
		}
		if len(used) > 0 && len(ground.ParseCitations(clean)) == 0 {
			t.Fatalf("Verify(%q) = %q reports %v used but keeps no marker", text, clean, used)
		}
		re, order := ground.Renumber(clean)
		for _, m := range ground.ParseCitations(re) {
			for _, n := range m.Numbers {
				if n < 1 || n > len(order) {
					t.Fatalf("Renumber(%q) = %q has [%d] outside 1..%d", clean, re, n, len(order))
				}
			}
		}
		if !strings.Contains(text, "[") && clean != text {
			t.Fatalf("Verify changed text without brackets: %q -> %q", text, clean)
		}
	})
}
