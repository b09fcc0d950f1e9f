// Package corpus holds the domain root of briefing: the documents a
// deployment answers from, how they are loaded and parsed, and how they are
// cut into passages that can be cited verbatim.
//
// Of briefing's packages it imports only internal/analysis (the language
// detector, for documents without a lang, and its word sets), and of
// third-party ones only a YAML parser for front matter, so every other
// package can depend on it.
package corpus
