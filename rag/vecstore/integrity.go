package vecstore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/briefing/briefing/corpus"
)

// An index on disk is trusted only as far as it can be checked: a manifest
// that parses but holds wrong data must not be quoted as "verbatim".
//
//   - Each generation carries SHA256SUMS, the checksums of manifest.json
//     and vectors.gob.gz, written last: a generation without it was never
//     finished, one whose files do not match was altered or damaged.
//   - On load the manifest is checked (Manifest.Check): passage IDs unique
//     and equal to their content hash, offsets consistent with the text,
//     every passage in a known document, the per-document counts right.
//   - The engine checks the offsets against the documents' bodies when it
//     is given them (rag's Index), since the manifest holds no bodies.
//
// Any failure is an error of Read; the engine logs one warning and
// rebuilds.

// sumsFile names the checksums of a generation's other files.
const sumsFile = "SHA256SUMS"

// ErrCorrupt is wrapped by every integrity failure of Read and Check.
var ErrCorrupt = errors.New("index integrity check failed")

// fileSum returns the hex SHA-256 of the file at path.
func fileSum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeSums writes gen's SHA256SUMS for files, in sha256sum's format (so
// an operator can run "sha256sum -c SHA256SUMS" in the directory).
func writeSums(gen string, files ...string) error {
	var b strings.Builder
	for _, name := range files {
		sum, err := fileSum(filepath.Join(gen, name))
		if err != nil {
			return fmt.Errorf("checksum %s: %w", name, err)
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, name)
	}
	return writeFileSync(filepath.Join(gen, sumsFile), []byte(b.String()))
}

// checkSums verifies gen's files against its SHA256SUMS; every file in
// want must be listed.
func checkSums(gen string, want ...string) error {
	data, err := os.ReadFile(filepath.Join(gen, sumsFile))
	if err != nil {
		return fmt.Errorf("%w: read %s: %w", ErrCorrupt, sumsFile, err)
	}
	listed := map[string]string{}
	for line := range strings.SplitSeq(strings.TrimSpace(string(data)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			return fmt.Errorf("%w: %s: malformed line %q", ErrCorrupt, sumsFile, line)
		}
		listed[name] = sum
	}
	for _, name := range want {
		sum, ok := listed[name]
		if !ok {
			return fmt.Errorf("%w: %s does not list %s", ErrCorrupt, sumsFile, name)
		}
		got, err := fileSum(filepath.Join(gen, name))
		if err != nil {
			return fmt.Errorf("%w: checksum %s: %w", ErrCorrupt, name, err)
		}
		if got != sum {
			return fmt.Errorf("%w: %s does not match its checksum", ErrCorrupt, name)
		}
	}
	return nil
}

// Check reports the first inconsistency of m: duplicate document or
// passage IDs, a passage of an unknown document, offsets that do not span
// its text, text that is not valid UTF-8, an ID that is not the text's
// content hash, a document whose passage count is wrong.
func (m *Manifest) Check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
	}
	docs := make(map[string]int, len(m.Documents))
	for _, d := range m.Documents {
		if _, dup := docs[d.ID]; dup {
			return bad("document %q listed twice", d.ID)
		}
		docs[d.ID] = 0
	}
	ids := make(map[string]bool, len(m.Passages))
	for i, p := range m.Passages {
		if ids[p.ID] {
			return bad("passage ID %s used twice", p.ID)
		}
		ids[p.ID] = true
		if _, ok := docs[p.DocID]; !ok {
			return bad("passage %d names unknown document %q", i, p.DocID)
		}
		docs[p.DocID]++
		if p.Start < 0 || p.End < p.Start || p.End-p.Start != len(p.Text) {
			return bad("passage %s: offsets [%d:%d] do not span its %d bytes", p.ID, p.Start, p.End, len(p.Text))
		}
		if !utf8.ValidString(p.Text) || p.Text == "" {
			return bad("passage %s: text empty or not UTF-8", p.ID)
		}
		if !contentID(p) {
			return bad("passage %s: ID is not the hash of its text", p.ID)
		}
	}
	for _, d := range m.Documents {
		if docs[d.ID] != d.Passages {
			return bad("document %q: %d passages listed, %d found", d.ID, d.Passages, docs[d.ID])
		}
	}
	return nil
}

// contentID reports whether p.ID is corpus.PassageID of its text, or of
// one of the derived forms the indexer gives a repeated text.
func contentID(p corpus.Passage) bool {
	if p.ID == corpus.PassageID(p.DocID, p.Text) {
		return true
	}
	// A text repeated k times in a document gets "text\x00n", n = 2..k;
	// k is bounded by the passages of the document, and repeats are rare.
	for n := 2; n <= 64; n++ {
		if p.ID == corpus.PassageID(p.DocID, fmt.Sprintf("%s\x00%d", p.Text, n)) {
			return true
		}
	}
	return false
}
