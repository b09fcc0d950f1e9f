package corpus

import (
	"embed"
	"io/fs"
)

// defaultFS holds the seed articles. The pattern names only Markdown files so
// that Go sources and test data never end up in the binary as documents.
//
//go:embed *.md
var defaultFS embed.FS

// Default returns the corpus embedded in the binary: the Markdown documents of
// this package directory, at the root of the returned file system. It lets
// the CLI answer from any working directory; a configured corpus directory
// replaces it.
func Default() fs.FS {
	return defaultFS
}
