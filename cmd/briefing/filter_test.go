package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/briefing/briefing/internal/cliout"
)

func TestTimeFilters(t *testing.T) {
	t.Parallel()
	dir := corpusDir(t, map[string]string{
		"old.md": "---\ndate: 2024-11-06\nsource: ANSA\n---\nIl parlamento russo ha ratificato il trattato di mutua difesa con la Corea del Nord.",
		"new.md": "---\ndate: 2025-06-10\nsource: Reuters\nurl: https://reuters.example/t\n---\nIl trattato di mutua difesa tra Russia e Corea del Nord è entrato in vigore dopo la ratifica.",
		"x.md":   "---\ndate: 2025-07-01\n---\nLa Banca centrale ha lasciato invariati i tassi di interesse.",
	})
	search := func(args ...string) []cliout.HitJSON {
		t.Helper()
		r := cli(t, quiet, "", append([]string{"--corpus", dir, "search", "--json"}, args...)...)
		if r.code != 0 {
			t.Fatalf("search %v: exit %d\n%s", args, r.code, r.stderr)
		}
		var got struct{ Hits []cliout.HitJSON }
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatal(err)
		}
		return got.Hits
	}
	ids := func(hits []cliout.HitJSON) string {
		var s []string
		for _, h := range hits {
			s = append(s, h.DocID)
		}
		return strings.Join(s, " ")
	}
	if got := ids(search("trattato", "di", "mutua", "difesa")); !strings.Contains(got, "old") || !strings.Contains(got, "new") {
		t.Fatalf("unfiltered search = %q, want both reports", got)
	}
	if got := search("--since", "2025-01-01", "trattato di mutua difesa"); len(got) == 0 || strings.Contains(ids(got), "old") || got[0].DocID != "new" || got[0].Source != "Reuters" || got[0].Date != "2025-06-10" || got[0].URL != "https://reuters.example/t" {
		t.Errorf("search --since 2025-01-01 = %+v, want only new with its metadata", got)
	}
	if got := ids(search("--until", "2024-12-31", "trattato di mutua difesa")); got != "old" { // x and new are later
		t.Errorf("search --until 2024-12-31 = %q, want old", got)
	}
	if got := ids(search("--source", "ansa", "trattato di mutua difesa")); got != "old" { // the only ANSA document
		t.Errorf("search --source ansa = %q, want old", got)
	}

	r := cli(t, quiet, "", "--corpus", dir, "ask", "--json", "--since", "2025-01-01", "Il trattato di mutua difesa è in vigore?")
	if r.code != 0 {
		t.Fatalf("ask --since: exit %d\n%s", r.code, r.stderr)
	}
	var ans cliout.AnswerJSON
	if err := json.Unmarshal([]byte(r.stdout), &ans); err != nil {
		t.Fatal(err)
	}
	for _, c := range ans.Citations {
		if c.DocID != "new" {
			t.Errorf("ask --since 2025-01-01 cites %s", c.DocID)
		}
	}
	if ans.AsOf != "2025-06-10" || ans.AsOfKind != "documents" {
		t.Errorf("ask as_of = %q (%s), want 2025-06-10 from the documents", ans.AsOf, ans.AsOfKind)
	}

	r = cli(t, quiet, "", "--corpus", dir, "summary", "--json", "--since", "2025-07-01")
	if r.code != 0 {
		t.Fatalf("summary --since: exit %d\n%s", r.code, r.stderr)
	}
	if err := json.Unmarshal([]byte(r.stdout), &ans); err != nil {
		t.Fatal(err)
	}
	for _, c := range ans.Citations {
		if c.DocID != "x" {
			t.Errorf("summary --since 2025-07-01 cites %s", c.DocID)
		}
	}

	for _, args := range [][]string{{"ask", "--since", "2030-01-01", "trattato"}, {"summary", "--until", "2000-01-01"}} {
		r = cli(t, quiet, "", append([]string{"--corpus", dir}, args...)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "no document matches the filter") {
			t.Errorf("%v = exit %d, %q; want a usage error saying the filter leaves no document", args, r.code, r.stderr)
		}
	}

	r = cli(t, quiet, "", "--corpus", dir, "search", "--since", "last week", "trattato")
	if r.code != exitUsage || !strings.Contains(r.stderr, `since "last week" is not a date`) {
		t.Errorf("search --since 'last week' = exit %d, %q; want a usage error naming the date", r.code, r.stderr)
	}
}
