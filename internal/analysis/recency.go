package analysis

import (
	"strings"
	"unicode"
)

// latestWords are the words by which a question asks for the newest
// news, in Italian and English ("ultime notizie", "most recent", "latest").
var latestWords = WordSet(`latest newest recent recently
	ultime ultimi ultima ultimissime recente recenti recentemente novità aggiornamenti`)

// WantsLatest reports whether question q asks for the most recent
// information, so that retrieval should prefer newer documents.
func WantsLatest(q string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if latestWords[w] {
			return true
		}
	}
	return false
}
