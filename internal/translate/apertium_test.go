package translate_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/placenames"
	"github.com/briefing/briefing/internal/translate"
)

// These tests run the installed Apertium (apt-get install apertium
// apertium-eng-spa apertium-spa-ita cg3). They skip when it is missing, unless
// BRIEFING_REQUIRE_APERTIUM is set, as .ci/run does: then they fail.

// newApertium returns a started Translator, closed at the end of the test.
func newApertium(tb testing.TB, opts translate.Options) *translate.Translator {
	tb.Helper()
	tr, err := translate.NewApertium(opts)
	if errors.Is(err, translate.ErrUnavailable) {
		if os.Getenv("BRIEFING_REQUIRE_APERTIUM") != "" {
			tb.Fatalf("BRIEFING_REQUIRE_APERTIUM is set but: %v", err)
		}
		tb.Skipf("Apertium is not installed (%v); apt-get install apertium apertium-eng-spa apertium-spa-ita cg3", err)
	}
	if err != nil {
		tb.Fatalf("NewApertium: %v", err)
	}
	tb.Cleanup(func() { tr.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := tr.Start(ctx); err != nil {
		tb.Fatalf("Start: %v", err)
	}
	return tr
}

// questions returns the English questions of testdata/questions_en.txt.
func questions(tb testing.TB) []string {
	tb.Helper()
	return lines(tb, "testdata/questions_en.txt")
}

// lines returns the lines of a file, blank lines and comments left out.
func lines(tb testing.TB, path string) []string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			qs = append(qs, line)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return qs
}

func TestTranslate(t *testing.T) {
	t.Parallel()
	tr := newApertium(t, translate.Options{})
	tests := []struct {
		en   string
		want []string // words the Italian must contain
	}{
		{"How many North Korean soldiers were killed during the Kursk operation?", []string{"soldat", "coreani", "Kursk", "operazione"}},
		{"Who is the president of Italy?", []string{"presidente", "Italia"}},
		{"What did the government announce about the new budget?", []string{"governo"}},
		{"", nil},
	}
	for _, tt := range tests {
		got, err := tr.Translate(context.Background(), tt.en)
		if err != nil {
			t.Errorf("Translate(%q): %v", tt.en, err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("Translate(%q) = %q, want it to contain %q", tt.en, got, w)
			}
		}
		if tt.en == "" && got != "" {
			t.Errorf("Translate(%q) = %q, want %q", tt.en, got, "")
		}
	}
}

// TestTranslateItalianToEnglish runs the chain the engine uses to gloss
// Italian quotes for English readers.
func TestTranslateItalianToEnglish(t *testing.T) {
	t.Parallel()
	tr := newApertium(t, translate.Options{Pairs: translate.GlossPairs})
	it := "Il parlamento russo ha ratificato il trattato di mutua difesa il 6 novembre."
	got, err := tr.Translate(context.Background(), it)
	if err != nil {
		t.Fatalf("Translate: %v", err)
	}
	for _, w := range []string{"Russian", "parliament", "ratified", "defence", "6 November"} {
		if !strings.Contains(got, w) {
			t.Errorf("Translate(%q) = %q, want it to contain %q", it, got, w)
		}
	}
	if !strings.HasSuffix(got, "November.") {
		t.Errorf("Translate(%q) = %q, want the full stop kept", it, got)
	}
}

// TestGlossPlaceNames: with CLDR's place names, the places Apertium's
// Italian dictionary reads as words or lacks come out as English names
// them, and hyphenated Korean names as written.
func TestGlossPlaceNames(t *testing.T) {
	t.Parallel()
	names, err := placenames.ItalianToEnglish()
	if err != nil {
		t.Fatal(err)
	}
	tr := newApertium(t, translate.GlossOptions(names))
	tests := []struct{ it, want string }{
		{"Mosca ha condiviso la tecnologia missilistica con Pyongyang.", "Moscow"},
		{"La Corea del Nord ha sostenuto la guerra della Russia contro l’Ucraina.", "Ukraine"},
		{"Il leader Kim Jong-Un ha ricevuto il ministro.", "Kim Jong-Un"},
		{"Il ministro ha incontrato il leader Kim Jong Un.", "Kim Jong Un"},
	}
	for _, tt := range tests {
		got, err := tr.Translate(context.Background(), tt.it)
		if err != nil {
			t.Errorf("Translate(%q): %v", tt.it, err)
			continue
		}
		if !strings.Contains(got, tt.want) || strings.Contains(strings.ToLower(got), "zqxj") {
			t.Errorf("Translate(%q) = %q, want %q and no placeholder", tt.it, got, tt.want)
		}
	}
}

func TestTranslateUnknownWords(t *testing.T) {
	t.Parallel()
	tr := newApertium(t, translate.Options{})
	got, err := tr.Translate(context.Background(), "Where does the Zorblaxian flurbington live with Kxqv?")
	if err != nil {
		t.Fatalf("Translate: %v", err)
	}
	for _, w := range []string{"Zorblaxian", "flurbington", "Kxqv"} {
		if !strings.Contains(got, w) {
			t.Errorf("Translate = %q, want the unknown word %q unchanged", got, w)
		}
	}
	if strings.ContainsAny(got, "*#@\\") {
		t.Errorf("Translate = %q, want no unknown-word marks", got)
	}
}

func TestTranslateConcurrent(t *testing.T) {
	t.Parallel()
	qs := questions(t)
	for _, procs := range []int{1, 2} {
		tr := newApertium(t, translate.Options{Processes: procs})
		want := make([]string, len(qs))
		for i, q := range qs {
			var err error
			if want[i], err = tr.Translate(context.Background(), q); err != nil {
				t.Fatalf("Translate(%q): %v", q, err)
			}
		}
		// Every question asked at once, several times over: each call must
		// get its own question's translation.
		var wg sync.WaitGroup
		for i, q := range qs {
			wg.Go(func() {
				for range 3 {
					got, err := tr.Translate(context.Background(), q)
					if err != nil || got != want[i] {
						t.Errorf("Processes %d: concurrent Translate(%q) = %q, %v, want %q", procs, q, got, err, want[i])
						return
					}
				}
			})
		}
		wg.Wait()
		// A batch gives the same translations as one call a question.
		batch, err := tr.TranslateBatch(context.Background(), append(append([]string{}, qs...), qs...))
		if err != nil {
			t.Fatalf("TranslateBatch: %v", err)
		}
		for i, got := range batch {
			if got != want[i%len(qs)] {
				t.Errorf("Processes %d: TranslateBatch()[%d] = %q, want %q", procs, i, got, want[i%len(qs)])
			}
		}
	}
}

func TestTranslateCancelRecovers(t *testing.T) {
	t.Parallel()
	tr := newApertium(t, translate.Options{})
	want, err := tr.Translate(context.Background(), "Where is the cathedral?")
	if err != nil {
		t.Fatalf("Translate: %v", err)
	}
	// 6,000 questions take seconds; the deadline ends the batch in the middle.
	qs := questions(t)
	var many []string
	for len(many) < 6000 {
		many = append(many, qs...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	out, err := tr.TranslateBatch(ctx, many)
	if !errors.Is(err, context.DeadlineExceeded) || out != nil {
		t.Fatalf("TranslateBatch past its deadline = %d translations, %v, want none and %v", len(out), err, context.DeadlineExceeded)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("TranslateBatch returned %v after a 50ms deadline", d)
	}
	// The killed pipeline is restarted and out of step with nothing.
	got, err := tr.Translate(context.Background(), "Where is the cathedral?")
	if err != nil || got != want {
		t.Errorf("Translate after the cancellation = %q, %v, want %q", got, err, want)
	}
}

// BenchmarkTranslate is the latency of one question on a started Translator,
// as the bot sees it.
func BenchmarkTranslate(b *testing.B) {
	tr := newApertium(b, translate.Options{})
	qs := questions(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := tr.Translate(ctx, qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(i), "ms/question")
}

// BenchmarkTranslateBatch600 is one batch of 600 questions, as evaluation
// runs them.
func BenchmarkTranslateBatch600(b *testing.B) {
	for _, procs := range []int{1, 2} {
		b.Run("processes="+string(rune('0'+procs)), func(b *testing.B) {
			tr := newApertium(b, translate.Options{Processes: procs})
			qs := questions(b)
			batch := make([]string, 600)
			for i := range batch {
				batch[i] = qs[i%len(qs)]
			}
			ctx := context.Background()
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if _, err := tr.TranslateBatch(ctx, batch); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(n*len(batch))/b.Elapsed().Seconds(), "questions/s")
		})
	}
}

// BenchmarkGlossAnswer translates the three quotes of an answer into
// English in one batch, as the engine glosses an answer to an English
// question (the cost Request.Gloss adds when the quotes are not cached).
func BenchmarkGlossAnswer(b *testing.B) {
	places, err := placenames.ItalianToEnglish()
	if err != nil {
		b.Fatal(err)
	}
	tr := newApertium(b, translate.GlossOptions(places))
	quotes := lines(b, "testdata/quotes_it.txt")
	ctx := context.Background()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := tr.TranslateBatch(ctx, quotes); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(n), "ms/answer")
}

// BenchmarkGlossSearch translates five whole passages of the seed
// articles (the default chunking) in one batch, as the engine glosses a
// /search for an English query when none is cached.
func BenchmarkGlossSearch(b *testing.B) {
	places, err := placenames.ItalianToEnglish()
	if err != nil {
		b.Fatal(err)
	}
	docs, _, err := corpus.Load(context.Background(), corpus.Default())
	if err != nil {
		b.Fatal(err)
	}
	// The five longest passages the engine would gloss (at most 2,000
	// bytes): a search's worst case.
	var passages []string
	for _, d := range docs {
		for _, p := range corpus.Chunk(d, corpus.ChunkOptions{}) {
			if len(p.Text) <= 2000 {
				passages = append(passages, p.Text)
			}
		}
	}
	sort.Slice(passages, func(i, j int) bool { return len(passages[i]) > len(passages[j]) })
	if len(passages) < 5 {
		b.Fatalf("%d passages in the seed articles, want 5", len(passages))
	}
	passages = passages[:5]
	tr := newApertium(b, translate.GlossOptions(places))
	ctx := context.Background()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := tr.TranslateBatch(ctx, passages); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(n), "ms/search")
}
