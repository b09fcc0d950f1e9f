// Package corpus holds the domain root of briefing: the documents a
// deployment answers from, how they are loaded and parsed, and how they are
// cut into passages that can be cited verbatim.
//
// It imports nothing else of briefing's and no third-party packages beyond a
// YAML parser for front matter, so every other package can depend on it.
package corpus
