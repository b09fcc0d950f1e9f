package analysis

import (
	snowball "github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/italian"
)

// Stem returns the Snowball stem of the folded word w in lang ("it" or
// "en"; anything else is returned unchanged). Numbers are never stemmed.
func Stem(w, lang string) string {
	if w == "" || (w[0] >= '0' && w[0] <= '9') {
		return w
	}
	env := snowball.NewEnv(w)
	switch lang {
	case "it":
		italian.Stem(env)
	case "en":
		english.Stem(env)
	default:
		return w
	}
	return env.Current()
}
