package corpus_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
)

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func TestLoad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		fsys        fstest.MapFS
		wantIDs     []string
		wantSkipped []string
		wantErrs    []string // substrings, all of which must appear
		wantIs      error
	}{
		{
			name: "documents in path order, others reported",
			fsys: fstest.MapFS{
				"b.md":           file("---\nid: bravo\n---\nTesto."),
				"a.txt":          file("Testo."),
				"sub/c.MD":       file("Testo."),
				"notes.odt":      file("PK"),
				"sub/img.png":    file("png"),
				".git/config":    file("x"),
				".git/HEAD":      file("x"),
				"sub/.hidden.md": file("Testo nascosto ma letto."),
			},
			wantIDs:     []string{"a", "bravo", "hidden", "c"},
			wantSkipped: []string{".git/", "notes.odt", "sub/img.png"},
		},
		{
			name: "every problem reported at once",
			fsys: fstest.MapFS{
				"bad-utf8.md": file("ok\n\xff"),
				"empty.txt":   file("  \n"),
				"key.md":      file("---\ntitel: x\n---\nTesto."),
				"open.md":     file("---\ntitle: x\nTesto."),
				"good.md":     file("Testo."),
			},
			wantErrs: []string{
				"bad-utf8.md:2: invalid UTF-8",
				"empty.txt:2: empty document body",
				`key.md:2: unknown front matter key "titel"`,
				"open.md:1: bad front matter: unterminated",
			},
		},
		{
			name: "duplicate IDs name both files",
			fsys: fstest.MapFS{
				"a.md":     file("---\nid: same\n---\nUno."),
				"dir/b.md": file("---\nid: same\n---\nDue."),
				"same.txt": file("Tre."),
			},
			wantErrs: []string{`duplicate document id "same" in a.md and dir/b.md`, `"same" in a.md and same.txt`},
		},
		{
			name:   "no documents",
			fsys:   fstest.MapFS{"readme.rtf": file("x")},
			wantIs: corpus.ErrNoDocuments, wantSkipped: []string{"readme.rtf"},
		},
		{name: "empty", fsys: fstest.MapFS{}, wantIs: corpus.ErrNoDocuments},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			docs, report, err := corpus.Load(context.Background(), tt.fsys)
			if diff := cmp.Diff(tt.wantSkipped, report.Skipped); diff != "" {
				t.Errorf("Load() skipped mismatch (-want +got):\n%s", diff)
			}
			if tt.wantErrs == nil && tt.wantIs == nil {
				if err != nil {
					t.Fatalf("Load() error: %v", err)
				}
				var ids []string
				for _, d := range docs {
					ids = append(ids, d.ID)
				}
				if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
					t.Errorf("Load() IDs mismatch (-want +got):\n%s", diff)
				}
				return
			}
			if err == nil {
				t.Fatalf("Load() = %d documents, nil error; want an error", len(docs))
			}
			if docs != nil {
				t.Errorf("Load() returned %d documents with an error, want none", len(docs))
			}
			for _, want := range tt.wantErrs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Load() error = %q, want it to contain %q", err, want)
				}
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("Load() error = %v, want errors.Is %v", err, tt.wantIs)
			}
		})
	}
}

func TestLoadCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := corpus.Load(ctx, fstest.MapFS{"a.md": file("Testo.")})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Load(cancelled) error = %v, want context.Canceled", err)
	}
}

func TestLoadDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.md"), []byte("Il testo."), 0o644); err != nil {
		t.Fatal(err)
	}
	notDir := filepath.Join(dir, "a.md")
	tests := []struct {
		name    string
		dir     string
		wantErr string
		wantIs  error
	}{
		{name: "ok", dir: dir},
		{name: "missing", dir: filepath.Join(dir, "nope"), wantErr: "does not exist", wantIs: os.ErrNotExist},
		{name: "not a directory", dir: notDir, wantErr: "is not a directory"},
		{name: "empty directory", dir: t.TempDir(), wantIs: corpus.ErrNoDocuments},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			docs, _, err := corpus.LoadDir(context.Background(), tt.dir)
			if tt.wantErr == "" && tt.wantIs == nil {
				if err != nil || len(docs) != 1 {
					t.Fatalf("LoadDir(%q) = %d documents, %v; want 1, nil", tt.dir, len(docs), err)
				}
				return
			}
			if err == nil {
				t.Fatalf("LoadDir(%q) error = nil, want one", tt.dir)
			}
			if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.dir) && tt.wantErr != "" {
				t.Errorf("LoadDir(%q) error = %q, want it to contain %q and the path", tt.dir, err, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("LoadDir(%q) error = %v, want errors.Is %v", tt.dir, err, tt.wantIs)
			}
		})
	}
}

// mustLoadDefault loads the embedded corpus or stops the test.
func mustLoadDefault(t *testing.T) []corpus.Document {
	t.Helper()
	docs, report, err := corpus.Load(context.Background(), corpus.Default())
	if err != nil {
		t.Fatalf("Load(Default()) error: %v", err)
	}
	if len(report.Skipped) != 0 {
		t.Errorf("Load(Default()) skipped %v, want nothing", report.Skipped)
	}
	return docs
}

func TestDefaultCorpus(t *testing.T) {
	t.Parallel()
	docs := mustLoadDefault(t)
	type meta struct{ ID, Title, Lang, Date, Author, Source string }
	var got []meta
	for _, d := range docs {
		got = append(got, meta{d.ID, d.Title, d.Lang, d.Date, d.Author, d.Source})
	}
	want := []meta{
		{"lavrov-pyongyang-visit", "Lavrov a Pyongyang: il sostegno della Corea del Nord alla guerra russa", "it", "", "Luke Coffey", "seed article 002_8431df91ac060f4b"},
		{"russia-north-korea-alliance", "Corea del Nord e Russia: l’alleanza rafforzata dalla guerra in Ucraina", "it", "", "", "seed article 000_4cc8e844121922f2"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("default corpus mismatch (-want +got):\n%s", diff)
	}
	for _, d := range docs {
		if got := analysis.DetectLang(d.Body); got != "it" {
			t.Errorf("DetectLang(body of %s) = %q, want %q", d.ID, got, "it")
		}
		ps := corpus.Chunk(d, corpus.ChunkOptions{})
		if len(ps) < 5 {
			t.Errorf("Chunk(%s) = %d passages, want at least 5", d.ID, len(ps))
		}
		checkPassages(t, d, ps, corpus.DefaultMaxChars)
		for _, p := range ps {
			if !utf8.ValidString(p.Text) {
				t.Errorf("passage %s of %s is not valid UTF-8", p.ID, d.ID)
			}
		}
	}
}

// TestDefaultCorpusVerbatim checks that the text the evaluation cites as
// gold evidence, typographic apostrophes included, is found inside one
// passage: a quote split across passages could not be cited.
func TestDefaultCorpusVerbatim(t *testing.T) {
	t.Parallel()
	docs := mustLoadDefault(t)
	quotes := []string{
		"Il parlamento russo ha ratificato il trattato di mutua difesa il 6 novembre",
		"l’11 novembre, anche la Corea del Nord ha approvato il trattato",
		"L’Unione Sovietica era stata la prima nazione a riconoscere la Corea del Nord nel 1948",
		"circa 4.000 soldati nordcoreani sono stati uccisi",
		"gli fu ordinato di uccidersi piuttosto che essere fatti prigionieri",
		"“tutti i mezzi”",
	}
	for _, q := range quotes {
		found := 0
		for _, d := range docs {
			for _, p := range corpus.Chunk(d, corpus.ChunkOptions{}) {
				if strings.Contains(p.Text, q) {
					found++
				}
			}
		}
		if found != 1 {
			t.Errorf("quote %q found in %d passages, want 1", q, found)
		}
	}
}
