package fetch

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/briefing/briefing/internal/atomicfile"
)

// entry is what the cache keeps of one URL: the validators for the next
// conditional request and what the response was.
type entry struct {
	URL          string    `json:"url"`
	FinalURL     string    `json:"final_url"`
	ContentType  string    `json:"content_type"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	FetchedAt    time.Time `json:"fetched_at"`
	// Items are the item keys a feed had at its last fetch, to tell which
	// items are new.
	Items []string `json:"items,omitempty"`
	// Body is stored beside the JSON, not in it.
	Body []byte `json:"-"`
}

// cache stores entries in a directory, or in memory when dir is "" (an
// in-memory index: the process still avoids refetching between reloads).
type cache struct {
	dir string
	mu  sync.Mutex
	mem map[string]entry
}

func newCache(dir string) *cache {
	return &cache{dir: dir, mem: make(map[string]entry)}
}

func key(url string) string {
	sum := sha256.Sum256([]byte(url))
	return hex.EncodeToString(sum[:12])
}

// get returns the entry for url; ok is false when there is none (or the
// stored one is unreadable, which is the same as never fetched).
func (c *cache) get(url string) (entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dir == "" {
		e, ok := c.mem[url]
		return e, ok
	}
	base := filepath.Join(c.dir, key(url))
	meta, err := os.ReadFile(base + ".json")
	if err != nil {
		return entry{}, false
	}
	var e entry
	if json.Unmarshal(meta, &e) != nil || e.URL != url {
		return entry{}, false
	}
	body, err := os.ReadFile(base + ".body")
	if err != nil {
		return entry{}, false
	}
	e.Body = body
	return e, true
}

// put stores e, body first and metadata last, each by an atomic rename, so
// a crash leaves either the old entry or the new one.
func (c *cache) put(e entry) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dir == "" {
		c.mem[e.URL] = e
		return nil
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("fetch cache: %w", err)
	}
	meta, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return fmt.Errorf("fetch cache: %w", err)
	}
	// Private, as the temporary files were: an entry records the URL it
	// came from, which may be a signed one.
	base := filepath.Join(c.dir, key(e.URL))
	if err := atomicfile.Write(base+".body", e.Body, 0o600); err != nil {
		return fmt.Errorf("fetch cache: %w", err)
	}
	if err := atomicfile.Write(base+".json", meta, 0o600); err != nil {
		return fmt.Errorf("fetch cache: %w", err)
	}
	return nil
}
