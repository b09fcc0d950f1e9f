package corpus_test

import (
	"errors"
	"testing"
	"time"

	"github.com/briefing/briefing/corpus"
)

func TestFilter(t *testing.T) {
	t.Parallel()
	day := func(s string) time.Time {
		t.Helper()
		d, ok := corpus.ParseDate(s)
		if !ok {
			t.Fatalf("ParseDate(%q) failed", s)
		}
		return d
	}
	june := corpus.Passage{Source: "ISPI", URL: "https://www.ispi.example/a", Published: day("2025-06-15T10:00:00Z")}
	may := corpus.Passage{Source: "Reuters", Published: day("2025-05-20")}
	undated := corpus.Passage{Source: "ISPI"}
	tests := []struct {
		name                  string
		since, until, sources string
		want                  []bool // june, may, undated
	}{
		{"no filter", "", "", "", []bool{true, true, true}},
		{"since", "2025-06-01", "", "", []bool{true, false, false}},
		{"until covers its day", "", "2025-06-15", "", []bool{true, true, false}},
		{"range", "2025-05-01", "2025-05-31", "", []bool{false, true, false}},
		{"source by outlet, any case", "", "", "ispi", []bool{true, false, true}},
		{"source by URL host", "", "", "ispi.example", []bool{true, false, false}},
		{"sources listed", "", "", "reuters, ansa", []bool{false, true, false}},
		{"date and source", "2025-06-01", "", "ISPI", []bool{true, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := corpus.ParseFilter(tt.since, tt.until, tt.sources)
			if err != nil {
				t.Fatalf("ParseFilter error: %v", err)
			}
			for i, p := range []corpus.Passage{june, may, undated} {
				if got := f.Match(p); got != tt.want[i] {
					t.Errorf("Filter{%s}.Match(passage %d) = %v, want %v", f, i, got, tt.want[i])
				}
			}
		})
	}
	for _, bad := range [][2]string{{"yesterday", ""}, {"", "2025-13-01"}, {"2025-06-02", "2025-06-01"}} {
		if _, err := corpus.ParseFilter(bad[0], bad[1], ""); !errors.Is(err, corpus.ErrBadFilter) {
			t.Errorf("ParseFilter(%q, %q) error = %v, want ErrBadFilter", bad[0], bad[1], err)
		}
	}
}
