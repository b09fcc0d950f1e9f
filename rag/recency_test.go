package rag_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/rag"
)

// datedDocs are reports of one fact from different outlets and dates: three
// worded the same (one undated), the newest (mid, ISPI, 2025-03-01) in other
// words; and four unrelated documents, so word weights mean something.
func datedDocs(t *testing.T) []corpus.Document {
	t.Helper()
	same := "I soldati nordcoreani inviati in Russia combattono a Kursk: sono circa diecimila."
	files := map[string]string{
		"old.md":     "---\ndate: 2024-11-01\nsource: ANSA\n---\n" + same,
		"new.md":     "---\ndate: 2025-02-10\nsource: Reuters\n---\n" + same,
		"undated.md": "---\nsource: Blog\n---\n" + same,
		"mid.md":     "---\ndate: 2025-03-01\nsource: ISPI\n---\nSecondo l'ISPI i soldati nordcoreani inviati in Russia combattono a Kursk e hanno subito perdite pesanti.",
		"f1.md":      "Il governo italiano ha approvato la legge di bilancio dopo un lungo dibattito parlamentare.",
		"f2.md":      "La Banca centrale europea ha lasciato invariati i tassi di interesse per il terzo mese.",
		"f3.md":      "Il prezzo del gas naturale è sceso in Europa grazie alle scorte abbondanti.",
		"f4.md":      "La nazionale di calcio ha vinto la partita di qualificazione ai mondiali.",
	}
	var docs []corpus.Document
	for _, name := range []string{"f1.md", "f2.md", "f3.md", "f4.md", "mid.md", "new.md", "old.md", "undated.md"} {
		d, err := corpus.Parse(name, []byte(files[name]))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	return docs
}

func docIDs(hits []briefing.Hit) []string {
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.Passage.DocID)
	}
	return ids
}

func TestSameFactNewerFirst(t *testing.T) {
	t.Parallel()
	e := mustEngine(t, "", rag.Options{}, datedDocs(t))
	hits, err := e.Search(context.Background(), "soldati nordcoreani inviati in Russia a Kursk", 10)
	if err != nil {
		t.Fatal(err)
	}
	ids := docIDs(hits)
	// The three identical passages keep their place as a group, newest
	// first and the undated one last.
	i := slices.Index(ids, "new")
	if i < 0 || i+2 >= len(ids) || ids[i+1] != "old" || ids[i+2] != "undated" {
		t.Errorf("Search order = %v, want new, old, undated side by side", ids)
	}
}

func TestLatestPrefersNewer(t *testing.T) {
	t.Parallel()
	e := mustEngine(t, "", rag.Options{}, datedDocs(t))
	ctx := context.Background()
	plain, err := e.Search(ctx, "soldati nordcoreani inviati a Kursk", 10)
	if err != nil {
		t.Fatal(err)
	}
	latest, err := e.Search(ctx, "ultime notizie: soldati nordcoreani inviati a Kursk", 10)
	if err != nil {
		t.Fatal(err)
	}
	// The ISPI report (mid) is the newest but words the fact differently:
	// plainly it ranks after the three identical reports, and first when
	// the question asks for the latest.
	if got := docIDs(plain); len(got) == 0 || got[0] == "mid" {
		t.Fatalf("plain Search order = %v, want the ISPI report (mid) not first", got)
	}
	if got := docIDs(latest); len(got) == 0 || got[0] != "mid" {
		t.Errorf("latest Search order = %v (plain %v), want the newest relevant report first", got, docIDs(plain))
	}
	for i, h := range latest {
		if h.Rank != i+1 {
			t.Errorf("hit %d has Rank %d", i, h.Rank)
		}
	}
}

func TestFilters(t *testing.T) {
	t.Parallel()
	e := mustEngine(t, "", rag.Options{}, datedDocs(t))
	ctx := context.Background()
	tests := []struct {
		name                  string
		since, until, sources string
		want                  []string // sorted doc IDs
	}{
		{"since", "2025-01-01", "", "", []string{"mid", "new"}},
		{"until", "", "2024-12-31", "", []string{"old"}},
		{"source", "", "", "reuters,ispi", []string{"mid", "new"}},
		{"nothing in range", "2030-01-01", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := corpus.ParseFilter(tt.since, tt.until, tt.sources)
			if err != nil {
				t.Fatal(err)
			}
			hits, err := e.SearchFilter(ctx, "soldati nordcoreani Kursk", 10, f)
			if len(tt.want) == 0 {
				// Nothing could answer: the user is told the filter is
				// why, not that the corpus lacks the subject.
				if !errors.Is(err, briefing.ErrNoMatch) {
					t.Errorf("SearchFilter(%s) = %v, %v; want ErrNoMatch", f, docIDs(hits), err)
				}
				if _, err := e.Answer(ctx, briefing.Request{Question: "Quanti soldati nordcoreani sono a Kursk?", Filter: f}); !errors.Is(err, briefing.ErrNoMatch) {
					t.Errorf("Answer with %s: err %v, want ErrNoMatch", f, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := docIDs(hits)
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("SearchFilter(%s) = %v, want %v", f, got, tt.want)
			}
			a, err := e.Answer(ctx, briefing.Request{Question: "Quanti soldati nordcoreani sono a Kursk?", Filter: f})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range a.Citations {
				if !f.Match(c.Passage) {
					t.Errorf("Answer with %s cites %s (%s)", f, c.Passage.DocID, c.Passage.Date)
				}
			}
		})
	}
}

func TestSummaryFilter(t *testing.T) {
	t.Parallel()
	e := mustEngine(t, "", rag.Options{}, datedDocs(t))
	f, err := corpus.ParseFilter("2025-01-01", "", "")
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.Summarize(context.Background(), briefing.SummaryRequest{Filter: f})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Citations) == 0 || a.State != briefing.StateAnswer {
		t.Fatalf("summary since 2025: state %q, text %q; want a cited answer", a.State, a.Text)
	}
	for _, c := range a.Citations {
		if !f.Match(c.Passage) {
			t.Errorf("summary since 2025 cites %s of %s", c.Passage.DocID, c.Passage.Date)
		}
	}
	future, err := corpus.ParseFilter("2030-01-01", "", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, topic := range []string{"", "soldati nordcoreani"} {
		if a, err := e.Summarize(context.Background(), briefing.SummaryRequest{Topic: topic, Filter: future}); !errors.Is(err, briefing.ErrNoMatch) {
			t.Errorf("summary of %q since 2030 = %q, %v; want ErrNoMatch", topic, a.Text, err)
		}
	}
}
