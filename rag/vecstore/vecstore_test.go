package vecstore

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/briefing/briefing/corpus"
)

// sample is a manifest of one document with three passages and their
// vectors (unit vectors, so cosine similarity is the dot product).
func sample(t *testing.T) (*Manifest, *Store) {
	t.Helper()
	texts := []string{"Il trattato è stato firmato.", "Le truppe sono arrivate.", "La Duma ha ratificato."}
	m := &Manifest{Version: FormatVersion, Settings: "test", Built: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Documents: []DocRecord{{ID: "d", Title: "D", Lang: "it", Path: "d.md", Passages: len(texts)}}}
	var ids []string
	off := 0
	for i, s := range texts {
		p := corpus.Passage{ID: corpus.PassageID("d", s), DocID: "d", Paragraph: i, Start: off, End: off + len(s), Text: s}
		off += len(s) + 2
		m.Passages = append(m.Passages, p)
		ids = append(ids, p.ID)
	}
	vecs := [][]float32{{1, 0, 0}, {0, 1, 0}, {0.6, 0.8, 0}}
	vs, err := New(context.Background(), ids, vecs)
	if err != nil {
		t.Fatal(err)
	}
	return m, vs
}

func generations(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "gen-") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestWriteReadRoundTrip(t *testing.T) {
	ctx := context.Background()
	m, vs := sample(t)
	dir := filepath.Join(t.TempDir(), "index")
	if err := Write(ctx, dir, m, vs); err != nil {
		t.Fatal(err)
	}
	got, store, err := Read(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Settings != "test" || !got.Built.Equal(m.Built) || !slices.Equal(got.Passages, m.Passages) {
		t.Errorf("manifest read back as %+v", got)
	}
	if v, ok := store.Vector(ctx, m.Passages[2].ID); !ok || !slices.Equal(v, []float32{0.6, 0.8, 0}) {
		t.Errorf("vector of passage 2 = %v, %v", v, ok)
	}
	if _, ok := store.Vector(ctx, "nessuno"); ok {
		t.Error("a vector for an unknown passage")
	}

	// Best first; n beyond the store is cut to what it holds.
	matches, err := store.Query(ctx, []float32{0.8, 0.6, 0}, 10)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, x := range matches {
		order = append(order, x.ID)
	}
	want := []string{m.Passages[2].ID, m.Passages[0].ID, m.Passages[1].ID}
	if !slices.Equal(order, want) || matches[0].Similarity < 0.95 || matches[0].Similarity > 0.97 {
		t.Errorf("query = %+v, want passages 2, 0, 1 with 0.96 first", matches)
	}
	if none, err := store.Query(ctx, []float32{1, 0, 0}, 0); err != nil || len(none) != 0 {
		t.Errorf("query of 0 = %v, %v", none, err)
	}
	empty, err := New(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if none, err := empty.Query(ctx, []float32{1, 0, 0}, 3); err != nil || len(none) != 0 {
		t.Errorf("query of an empty store = %v, %v", none, err)
	}
}

// A new generation replaces the old one, and a crashed writer's leftover
// goes once it is old; a fresh one may be another writer's and stays.
func TestWriteReplacesGenerations(t *testing.T) {
	ctx := context.Background()
	m, vs := sample(t)
	dir := t.TempDir()
	if err := Write(ctx, dir, m, vs); err != nil {
		t.Fatal(err)
	}
	first := generations(t, dir)
	stale := filepath.Join(dir, "gen-crashed.tmp")
	fresh := filepath.Join(dir, "gen-writing.tmp")
	for _, d := range []string{stale, fresh} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleTemp)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	m.Settings = "second"
	if err := Write(ctx, dir, m, vs); err != nil {
		t.Fatal(err)
	}
	gens := generations(t, dir)
	if len(first) != 1 || slices.Contains(gens, first[0]) || !slices.Contains(gens, "gen-writing.tmp") || slices.Contains(gens, "gen-crashed.tmp") || len(gens) != 2 {
		t.Errorf("generations %v after %v, want one new generation and the fresh temporary only", gens, first)
	}
	got, _, err := Read(ctx, dir)
	if err != nil || got.Settings != "second" {
		t.Errorf("read after the second write: %+v, %v", got, err)
	}
}

// A writer waits for the directory's lock no longer than its context, and
// writes once the holder lets go.
func TestWriteWaitsForTheLockUntilItsDeadline(t *testing.T) {
	m, vs := sample(t)
	dir := t.TempDir()
	holder := flock.New(filepath.Join(dir, lockFile))
	if err := holder.Lock(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := Write(ctx, dir, m, vs); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("write while another process holds the lock = %v, want its deadline", err)
	}
	if gens := generations(t, dir); len(gens) != 0 {
		t.Errorf("generations %v written without the lock", gens)
	}
	if err := holder.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), dir, m, vs); err != nil {
		t.Errorf("write after the lock is free: %v", err)
	}
}

func TestReadRefusesWhatItCannotTrust(t *testing.T) {
	ctx := context.Background()
	if _, _, err := Read(ctx, t.TempDir()); !errors.Is(err, ErrNoStoredIndex) {
		t.Errorf("empty directory = %v, want ErrNoStoredIndex", err)
	}

	m, vs := sample(t)
	dir := t.TempDir()
	if err := Write(ctx, dir, m, vs); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := Read(cancelled, dir); !errors.Is(err, context.Canceled) || errors.Is(err, ErrCorrupt) {
		t.Errorf("cancelled read = %v, want context.Canceled, not corruption", err)
	}

	// An index of another format version, its checksums right, is refused
	// (the engine rebuilds it), and not as corrupt.
	gen := filepath.Join(dir, generations(t, dir)[0])
	old := *m
	old.Version = FormatVersion - 1
	data, err := json.Marshal(&old)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(gen, manifestFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeSums(gen, manifestFile, vectorsFile); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Read(ctx, dir); err == nil || !strings.Contains(err.Error(), "index format") {
		t.Errorf("old format = %v", err)
	}

	// A manifest listing a passage the vectors lack is corrupt.
	extra := *m
	s := "Un passaggio senza vettore."
	extra.Passages = append(slices.Clone(m.Passages), corpus.Passage{ID: corpus.PassageID("d", s), DocID: "d", Start: 500, End: 500 + len(s), Text: s})
	extra.Documents = []DocRecord{{ID: "d", Path: "d.md", Passages: len(extra.Passages)}}
	if data, err = json.Marshal(&extra); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(gen, manifestFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeSums(gen, manifestFile, vectorsFile); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Read(ctx, dir); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a passage without a vector = %v, want ErrCorrupt", err)
	}
}
