package rag_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/rag"
)

// generation returns the directory CURRENT names in dir.
func generation(t *testing.T, dir string) string {
	t.Helper()
	cur, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, strings.TrimSpace(string(cur)))
}

// editManifest rewrites the manifest of dir's generation with edit, and,
// when resum is set, its SHA256SUMS too: a manifest that parses, passes its
// checksums and lies, as a bug in a writer would leave it.
func editManifest(t *testing.T, dir string, resum bool, edit func(m map[string]any)) {
	t.Helper()
	gen := generation(t, dir)
	path := filepath.Join(gen, "manifest.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if data, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if resum {
		var b strings.Builder
		for _, name := range []string{"manifest.json", "vectors.gob.gz"} {
			raw, err := os.ReadFile(filepath.Join(gen, name))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(raw)
			fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(sum[:]), name)
		}
		if err := os.WriteFile(filepath.Join(gen, "SHA256SUMS"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func passage(m map[string]any, i int) map[string]any {
	return m["passages"].([]any)[i].(map[string]any)
}

// TestLyingIndexIsRebuilt covers hostile case 10 and "Index integrity" in
// docs/hardening.md: a stored index whose files were damaged, or whose
// manifest parses but holds wrong data (out-of-range offsets, altered text,
// duplicate passage IDs), is never trusted: one warning, a rebuild, and
// quotes that are verbatim.
func TestLyingIndexIsRebuilt(t *testing.T) {
	t.Parallel()
	docs := mustDefaultDocs(t)
	tests := []struct {
		name   string
		tamper func(t *testing.T, dir string)
	}{
		{"manifest altered, checksums not updated", func(t *testing.T, dir string) {
			editManifest(t, dir, false, func(m map[string]any) { passage(m, 0)["Text"] = "Testo falso." })
		}},
		{"vectors truncated", func(t *testing.T, dir string) {
			path := filepath.Join(generation(t, dir), "vectors.gob.gz")
			raw, _ := os.ReadFile(path)
			if err := os.WriteFile(path, raw[:len(raw)/2], 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"unfinished generation (no checksums: the writer was killed)", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(generation(t, dir), "SHA256SUMS")); err != nil {
				t.Fatal(err)
			}
		}},
		{"CURRENT names a path outside the index", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "CURRENT"), []byte("../../etc\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"out-of-range offsets", func(t *testing.T, dir string) {
			editManifest(t, dir, true, func(m map[string]any) {
				p := passage(m, 0)
				p["Start"], p["End"] = 1000000, 1000000+len(p["Text"].(string))
			})
		}},
		{"offsets of another place in the document", func(t *testing.T, dir string) {
			editManifest(t, dir, true, func(m map[string]any) {
				p := passage(m, 1)
				p["Start"], p["End"] = 0, len(p["Text"].(string))
			})
		}},
		{"altered text", func(t *testing.T, dir string) {
			editManifest(t, dir, true, func(m map[string]any) {
				p := passage(m, 0)
				p["Text"] = strings.Replace(p["Text"].(string), "a", "o", 1)
			})
		}},
		{"altered text under a matching content hash", func(t *testing.T, dir string) {
			editManifest(t, dir, true, func(m map[string]any) {
				p := passage(m, 0)
				text := strings.Replace(p["Text"].(string), "a", "o", 1)
				p["Text"], p["ID"] = text, corpus.PassageID(p["DocID"].(string), text)
			})
		}},
		{"duplicate passage IDs", func(t *testing.T, dir string) {
			editManifest(t, dir, true, func(m map[string]any) { passage(m, 1)["ID"] = passage(m, 0)["ID"] })
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dir := t.TempDir()
			mustEngine(t, dir, rag.Options{}, docs)
			tt.tamper(t, dir)

			logs := &logBuffer{}
			e, err := rag.New(ctx, rag.Options{IndexDir: dir, Logger: slog.New(slog.NewTextHandler(logs, nil))})
			if err != nil {
				t.Fatalf("rag.New over a damaged index: %v", err)
			}
			rep, err := e.Index(ctx, docs, nil)
			if err != nil {
				t.Fatalf("Index over a damaged index: %v", err)
			}
			if warns := logs.lines("WARN"); len(warns) != 1 {
				t.Errorf("%d warnings, want exactly one:\n%s", len(warns), strings.Join(warns, "\n"))
			}
			if rep.Unchanged != 0 || rep.Embedded != rep.Passages {
				t.Errorf("Index = %+v, want a full rebuild", rep)
			}
			a, err := e.Answer(ctx, briefing.Request{Question: "Quando il parlamento russo ha ratificato il trattato?"})
			if err != nil || a.Refused || len(a.Citations) == 0 {
				t.Fatalf("Answer after the rebuild = %+v, %v", a, err)
			}
			checkCitations(t, docs, a)

			// The rebuilt index is trusted again: no warning, nothing to do.
			logs2 := &logBuffer{}
			e2, err := rag.New(ctx, rag.Options{IndexDir: dir, Logger: slog.New(slog.NewTextHandler(logs2, nil))})
			if err != nil {
				t.Fatal(err)
			}
			if rep, err := e2.Index(ctx, docs, nil); err != nil || rep.Embedded != 0 || len(logs2.lines("WARN")) != 0 {
				t.Errorf("reopening the rebuilt index: %+v, %v, warnings %q", rep, err, logs2.lines("WARN"))
			}
		})
	}
}
