// Package vecstore is the dense side of the index and its persistence: an
// in-memory chromem-go collection of passage vectors, and on disk a
// generation directory per index (Manifest and vectors) named by CURRENT,
// written beside the live one and switched by rename under a file lock
// (gofrs/flock) shared by every process using the directory.
//
// It is the only package of the module that imports chromem-go or flock.
package vecstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/gofrs/flock"
	chromem "github.com/philippgille/chromem-go"

	"github.com/briefing/briefing/corpus"
)

// On disk an index is a generation directory holding manifest.json (settings,
// documents, passages) and vectors.gob.gz (the chromem-go collection), named
// by the file CURRENT. A new generation is written completely beside the live
// one and CURRENT is replaced by rename, so a crash or a full disk leaves the
// previous index intact.
const (
	currentFile    = "CURRENT"
	manifestFile   = "manifest.json"
	vectorsFile    = "vectors.gob.gz"
	collectionName = "passages"
	// FormatVersion 2 added SHA256SUMS; an index of version 1 is
	// rebuilt.
	FormatVersion = 2
)

// Manifest records what an index was built from and with.
type Manifest struct {
	Version   int              `json:"version"`
	Settings  string           `json:"settings"`
	Built     time.Time        `json:"built"`
	Documents []DocRecord      `json:"documents"`
	Passages  []corpus.Passage `json:"passages"`
}

// DocRecord is an indexed document as the manifest keeps it.
type DocRecord struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Lang     string `json:"lang"`
	Date     string `json:"date,omitempty"`
	Author   string `json:"author,omitempty"`
	Source   string `json:"source,omitempty"`
	URL      string `json:"url,omitempty"`
	Format   string `json:"format,omitempty"`
	Path     string `json:"path"`
	Hash     string `json:"hash"`
	Passages int    `json:"passages"`
}

// Store is the dense side of the index: an in-memory chromem-go
// collection, exported to one file per generation.
type Store struct {
	db   *chromem.DB
	coll *chromem.Collection
}

// noEmbed guards the collection: the engine always supplies vectors, and a
// call here would mean chromem-go tried to reach a default provider.
func noEmbed(context.Context, string) ([]float32, error) {
	return nil, errors.New("vecstore: vectors are supplied by the engine")
}

// New returns a store holding vecs under ids.
func New(ctx context.Context, ids []string, vecs [][]float32) (*Store, error) {
	db := chromem.NewDB()
	coll, err := db.CreateCollection(collectionName, nil, noEmbed)
	if err != nil {
		return nil, fmt.Errorf("create collection: %w", err)
	}
	if len(ids) > 0 {
		docs := make([]chromem.Document, len(ids))
		for i, id := range ids {
			docs[i] = chromem.Document{ID: id, Embedding: vecs[i]}
		}
		if err := coll.AddDocuments(ctx, docs, runtime.GOMAXPROCS(0)); err != nil {
			return nil, fmt.Errorf("add vectors: %w", err)
		}
	}
	return &Store{db: db, coll: coll}, nil
}

// Vector returns the stored vector of a passage, if any.
func (v *Store) Vector(ctx context.Context, id string) ([]float32, bool) {
	d, err := v.coll.GetByID(ctx, id)
	if err != nil || len(d.Embedding) == 0 {
		return nil, false
	}
	return d.Embedding, true
}

// Match is a passage found by a dense query.
type Match struct {
	ID         string
	Similarity float32
}

// Query returns the n nearest passage IDs with cosine similarities, best
// first.
func (v *Store) Query(ctx context.Context, q []float32, n int) ([]Match, error) {
	if c := v.coll.Count(); n > c {
		n = c
	}
	if n == 0 {
		return nil, nil
	}
	res, err := v.coll.QueryEmbedding(ctx, q, n, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("dense query: %w", err)
	}
	out := make([]Match, len(res))
	for i, r := range res {
		out[i] = Match{ID: r.ID, Similarity: r.Similarity}
	}
	return out, nil
}

// lockFile serialises writers of one index directory across processes: a
// "briefing serve" reloading and a "briefing index" run may share it.
const lockFile = "LOCK"

// staleTemp is how old an unfinished generation must be before a writer
// treats it as left behind by a crash.
const staleTemp = time.Hour

// Write persists m and the vectors in a new generation directory
// under dir and points CURRENT at it, holding dir's lock throughout. Older
// generations are removed after the switch; failing to remove them is not
// an error.
func Write(ctx context.Context, dir string, m *Manifest, vs *Store) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create index dir: %w", err)
	}
	lock := flock.New(filepath.Join(dir, lockFile))
	if _, err := lock.TryLockContext(ctx, 50*time.Millisecond); err != nil {
		return fmt.Errorf("lock index dir: %w", err)
	}
	// Unlock releases the lock and closes the lock file; the lock goes
	// with the descriptor whatever its error, and the work is done.
	defer func() { _ = lock.Unlock() }()

	tmp, err := os.MkdirTemp(dir, "gen-*.tmp")
	if err != nil {
		return fmt.Errorf("create generation: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	data, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode Manifest: %w", err)
	}
	if err := writeFileSync(filepath.Join(tmp, manifestFile), data); err != nil {
		return err
	}
	if err := vs.db.ExportToFile(filepath.Join(tmp, vectorsFile), true, "", collectionName); err != nil {
		return fmt.Errorf("export vectors: %w", err)
	}
	// Last, so that a generation with valid checksums is a finished one.
	if err := writeSums(tmp, manifestFile, vectorsFile); err != nil {
		return err
	}
	name := strings.TrimSuffix(filepath.Base(tmp), ".tmp")
	final := filepath.Join(dir, name)
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("publish generation: %w", err)
	}
	ok = true
	cur, err := os.CreateTemp(dir, currentFile+"-*.tmp")
	if err != nil {
		os.RemoveAll(final)
		return fmt.Errorf("switch index: %w", err)
	}
	curTmp := cur.Name()
	cur.Close()
	if err := writeFileSync(curTmp, []byte(name+"\n")); err != nil {
		os.Remove(curTmp)
		os.RemoveAll(final)
		return err
	}
	if err := os.Rename(curTmp, filepath.Join(dir, currentFile)); err != nil {
		os.Remove(curTmp)
		os.RemoveAll(final)
		return fmt.Errorf("switch index: %w", err)
	}
	syncDir(dir)
	// Under the lock no other writer is mid-way: every other generation is
	// superseded, and temporaries are a crashed writer's (old ones only, to
	// be safe with writers that do not lock, such as older versions).
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		n := e.Name()
		if !strings.HasPrefix(n, "gen-") && !strings.HasPrefix(n, currentFile+"-") || n == name {
			continue
		}
		if strings.HasSuffix(n, ".tmp") {
			if info, err := e.Info(); err != nil || time.Since(info.ModTime()) < staleTemp {
				continue
			}
		}
		os.RemoveAll(filepath.Join(dir, n))
	}
	return nil
}

func writeFileSync(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", filepath.Base(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", filepath.Base(path), err)
	}
	return nil
}

// syncDir makes a rename in dir durable where the system allows it: some
// (Windows, some network file systems) refuse to sync a directory, and the
// index is a cache the corpus rebuilds, so a refusal is no failure.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// ErrNoStoredIndex means dir holds no index yet.
var ErrNoStoredIndex = errors.New("no stored index")

// Read loads the generation CURRENT names. A writer in another
// process may replace it between reading CURRENT and the generation: then
// the read is tried once more. When ctx is done Read stops and returns its
// error.
func Read(ctx context.Context, dir string) (*Manifest, *Store, error) {
	m, vs, err := readGenerationOnce(ctx, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return readGenerationOnce(ctx, dir)
	}
	return m, vs, err
}

func readGenerationOnce(ctx context.Context, dir string) (*Manifest, *Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	cur, err := os.ReadFile(filepath.Join(dir, currentFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, ErrNoStoredIndex
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", currentFile, err)
	}
	name := strings.TrimSpace(string(cur))
	if !strings.HasPrefix(name, "gen-") || strings.ContainsAny(name, `/\`) {
		return nil, nil, fmt.Errorf("%w: %s names %q, not a generation", ErrCorrupt, currentFile, name)
	}
	gen := filepath.Join(dir, name)
	if err := checkSums(gen, manifestFile, vectorsFile); err != nil {
		return nil, nil, err
	}
	data, err := os.ReadFile(filepath.Join(gen, manifestFile))
	if err != nil {
		return nil, nil, fmt.Errorf("read Manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, nil, fmt.Errorf("decode Manifest: %w", err)
	}
	if m.Version != FormatVersion {
		return nil, nil, fmt.Errorf("index format %d, want %d", m.Version, FormatVersion)
	}
	if err := m.Check(); err != nil {
		return nil, nil, err
	}
	db := chromem.NewDB()
	if err := db.ImportFromFile(filepath.Join(gen, vectorsFile), ""); err != nil {
		return nil, nil, fmt.Errorf("import vectors: %w", err)
	}
	coll := db.GetCollection(collectionName, noEmbed)
	if coll == nil {
		return nil, nil, fmt.Errorf("import vectors: no %q collection", collectionName)
	}
	if coll.Count() != len(m.Passages) {
		return nil, nil, fmt.Errorf("%w: %d vectors for %d passages", ErrCorrupt, coll.Count(), len(m.Passages))
	}
	for _, p := range m.Passages {
		// A cancelled read is not a corrupt index.
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if d, err := coll.GetByID(ctx, p.ID); err != nil || len(d.Embedding) == 0 {
			return nil, nil, fmt.Errorf("%w: no vector for passage %s", ErrCorrupt, p.ID)
		}
	}
	return &m, &Store{db: db, coll: coll}, nil
}
