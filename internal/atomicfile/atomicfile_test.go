package atomicfile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/briefing/briefing/internal/atomicfile"
)

// entries returns the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	name := filepath.Join(dir, "doc.md")
	for _, data := range []string{"first", "second, longer than the first", ""} {
		if err := atomicfile.Write(name, []byte(data), 0o640); err != nil {
			t.Fatalf("Write(%q): %v", data, err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != data {
			t.Errorf("after Write(%q) the file holds %q", data, got)
		}
		info, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := info.Mode().Perm(), os.FileMode(0o640); got != want {
			t.Errorf("after Write(%q) the mode is %v, want %v", data, got, want)
		}
		if got := entries(t, dir); len(got) != 1 {
			t.Errorf("after Write(%q) the directory holds %q, want only doc.md", data, got)
		}
	}
}

// TestWriteFailureLeavesNothing: when the rename fails (name is a
// directory) or the directory is missing, Write reports it and leaves no
// temporary file and the target as it was.
func TestWriteFailureLeavesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "taken")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Write(target, []byte("x"), 0o644); err == nil {
		t.Error("Write over a directory succeeded")
	}
	if got := entries(t, dir); len(got) != 1 || got[0] != "taken" {
		t.Errorf("after a failed Write the directory holds %q, want only taken", got)
	}
	if info, err := os.Stat(target); err != nil || !info.IsDir() {
		t.Errorf("the target directory changed: %v, %v", info, err)
	}
	if err := atomicfile.Write(filepath.Join(dir, "missing", "f"), []byte("x"), 0o644); err == nil {
		t.Error("Write into a missing directory succeeded")
	}
}
