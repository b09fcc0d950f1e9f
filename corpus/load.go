package corpus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// ErrNoDocuments is returned by Load when the corpus holds no document file
// (see FormatOf): answering from nothing is a configuration mistake, not a
// quiet state.
var ErrNoDocuments = errors.New("corpus: no documents (.md, .txt, .html, .pdf or .docx files)")

// LoadReport tells what Load saw besides the documents it returns, so the
// caller can show it: nothing is skipped silently.
type LoadReport struct {
	// Skipped lists, sorted, the paths of files that are not documents (their
	// extension is none FormatOf knows) and of hidden directories (".git/"),
	// which are not descended into.
	Skipped []string
	// CacheFailures are the PDF texts that could not be kept in
	// LoadOptions.PDFCacheDir: the documents loaded, but the next load
	// extracts them again.
	CacheFailures []error
}

// DefaultMaxDocumentBytes is the size limit of one document file when
// LoadOptions leaves it zero: far above any news article, low enough that a
// stray dump cannot make every later command slow.
const DefaultMaxDocumentBytes = 5 << 20

// ErrTooLarge is wrapped by the error for a document file over
// LoadOptions.MaxDocumentBytes.
var ErrTooLarge = errors.New("document too large")

// Load is LoadWith with the default options.
func Load(ctx context.Context, fsys fs.FS) ([]Document, LoadReport, error) {
	return LoadWith(ctx, fsys, LoadOptions{})
}

// LoadOptions tune LoadWith. The zero value is Load.
type LoadOptions struct {
	// PDFCacheDir, when set, keeps the text extracted from each PDF under
	// its content hash, so an unchanged PDF is not run through poppler on
	// every load. The directory is created when needed.
	PDFCacheDir string
	// MaxDocumentBytes rejects larger files (corpus.max_document_bytes);
	// default DefaultMaxDocumentBytes.
	MaxDocumentBytes int64
}

// LoadWith reads every document file of fsys (.md, .txt, .html, .htm, .pdf,
// .docx), recursively and in path order, and parses each with ParseFile
// (Document.Path is the path inside fsys).
//
// It reports every problem at once, joined with errors.Join: each document
// that fails to parse (a *ParseError), each file over
// opts.MaxDocumentBytes (ErrTooLarge, checked before the file is read), and
// each ID used by more than one file. On any problem it returns no documents, so a half-read corpus is
// never indexed. A corpus without documents is ErrNoDocuments. Load stops
// early with ctx's error when ctx is cancelled.
func LoadWith(ctx context.Context, fsys fs.FS, opts LoadOptions) ([]Document, LoadReport, error) {
	limit := opts.MaxDocumentBytes
	if limit <= 0 {
		limit = DefaultMaxDocumentBytes
	}
	var (
		docs   []Document
		report LoadReport
		errs   []error
		byID   = make(map[string]string) // ID → path of the first file with it
	)
	walkErr := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			// An unreadable directory or file is one more problem to
			// report, not a reason to stop looking at the others.
			errs = append(errs, fmt.Errorf("corpus: read %s: %w", p, err))
			if d != nil && d.IsDir() && p != "." {
				return fs.SkipDir
			}
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p != "." && strings.HasPrefix(name, ".") {
				report.Skipped = append(report.Skipped, p+"/")
				return fs.SkipDir
			}
			return nil
		}
		if _, ok := FormatOf(name); !ok {
			report.Skipped = append(report.Skipped, p)
			return nil
		}
		data, err := readLimited(fsys, p, d, limit)
		if err != nil {
			if errors.Is(err, ErrTooLarge) {
				errs = append(errs, fmt.Errorf("corpus: %s: %w", p, err))
				return nil
			}
			errs = append(errs, fmt.Errorf("corpus: read %s: %w", p, err))
			return nil
		}
		var doc Document
		if f, _ := FormatOf(name); f == FormatPDF && opts.PDFCacheDir != "" {
			var cacheErr error
			doc, cacheErr, err = parsePDFCached(ctx, opts.PDFCacheDir, p, data)
			if cacheErr != nil {
				report.CacheFailures = append(report.CacheFailures, cacheErr)
			}
		} else {
			doc, err = ParseFile(ctx, p, data)
		}
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		if first, dup := byID[doc.ID]; dup {
			errs = append(errs, fmt.Errorf("corpus: duplicate document id %q in %s and %s", doc.ID, first, p))
			return nil
		}
		byID[doc.ID] = p
		docs = append(docs, doc)
		return nil
	})
	if walkErr != nil {
		errs = append(errs, fmt.Errorf("corpus: walk: %w", walkErr))
	}
	if len(errs) > 0 {
		return nil, report, errors.Join(errs...)
	}
	if len(docs) == 0 {
		return nil, report, ErrNoDocuments
	}
	return docs, report, nil
}

// readLimited reads file p of fsys, refusing it with ErrTooLarge when it
// holds more than limit bytes: the size is checked first, and the read is
// bounded too, in case the file grows meanwhile.
func readLimited(fsys fs.FS, p string, d fs.DirEntry, limit int64) ([]byte, error) {
	tooLarge := func(n int64) error {
		return fmt.Errorf("%w: %d bytes, the limit is %d (corpus.max_document_bytes)", ErrTooLarge, n, limit)
	}
	if info, err := d.Info(); err == nil && info.Size() > limit {
		return nil, tooLarge(info.Size())
	}
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(int64(len(data)))
	}
	return data, nil
}

// LoadDir is LoadDirWith with the default options.
func LoadDir(ctx context.Context, dir string) ([]Document, LoadReport, error) {
	return LoadDirWith(ctx, dir, LoadOptions{})
}

// LoadDirWith loads the corpus in directory dir with LoadWith. A missing directory or
// a path that is not a directory is reported as such, rather than as an
// empty corpus.
func LoadDirWith(ctx context.Context, dir string, opts LoadOptions) ([]Document, LoadReport, error) {
	info, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, LoadReport{}, fmt.Errorf("corpus: directory %s does not exist: %w", dir, err)
		}
		return nil, LoadReport{}, fmt.Errorf("corpus: %w", err)
	}
	if !info.IsDir() {
		return nil, LoadReport{}, fmt.Errorf("corpus: %s is not a directory", dir)
	}
	return LoadWith(ctx, os.DirFS(dir), opts)
}
