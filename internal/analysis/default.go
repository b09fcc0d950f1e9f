package analysis

import (
	_ "embed"
	"fmt"
	"os"
	"strings"
)

//go:embed glossary_en_it.txt
var builtinGlossary string

// DefaultGlossary parses the built-in English–Italian glossary.
func DefaultGlossary() (*Glossary, error) {
	g := NewGlossary()
	if err := g.Parse(strings.NewReader(builtinGlossary), "glossary_en_it.txt"); err != nil {
		return nil, fmt.Errorf("built-in glossary: %w", err)
	}
	return g, nil
}

// LoadGlossary returns the built-in glossary extended with the entries of
// each file in paths (same format).
func LoadGlossary(paths ...string) (*Glossary, error) {
	g, err := DefaultGlossary()
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("open glossary: %w", err)
		}
		err = g.Parse(f, p)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return g, nil
}
